package io.quarkube.apiserver.table;

/**
 * One {@code columnDefinitions} entry of a {@code meta.k8s.io/v1} Table. kubectl shows columns with priority 0 always
 * and the others only with {@code -o wide}; the {@code name} format marks the column that {@code kind/} prefixes.
 */
public record Column(String name, String type, String format, String description, int priority) {
  static final String NAME_DESCRIPTION = "Name must be unique within a namespace. Cannot be updated.";
  static final String AGE_DESCRIPTION =
      "CreationTimestamp is a timestamp representing the server time when this object was created.";
  static final String CONTAINERS_DESCRIPTION = "Names of each container in the template.";
  static final String IMAGES_DESCRIPTION = "Images referenced by each container in the template.";

  /** The object's name: the first column of almost every table. */
  static Column objectName() {
    return new Column("Name", "string", "name", NAME_DESCRIPTION, 0);
  }

  static Column age() {
    return string("Age", AGE_DESCRIPTION);
  }

  static Column string(String name, String description) {
    return new Column(name, "string", "", description, 0);
  }

  static Column integer(String name, String description) {
    return new Column(name, "integer", "", description, 0);
  }

  static Column bool(String name, String description) {
    return new Column(name, "boolean", "", description, 0);
  }

  /** The same column, shown only with {@code -o wide}. */
  Column wide() {
    return new Column(name, type, format, description, 1);
  }
}

package io.quarkube.apiserver.errors;

/**
 * One validation failure, formatted like upstream's {@code field.Error}: {@code spec.replicas: Invalid value: -1: must
 * be greater than or equal to 0}.
 */
public record FieldError(Type type, String field, Object badValue, String detail) {

  public enum Type {
    REQUIRED("FieldValueRequired", "Required value"),
    INVALID("FieldValueInvalid", "Invalid value"),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
    FORBIDDEN("FieldValueForbidden", "Forbidden"),
    DUPLICATE("FieldValueDuplicate", "Duplicate value"),
    NOT_FOUND("FieldValueNotFound", "Not found"),
    TOO_LONG("FieldValueTooLong", "Too long"),
    /** Already formatted elsewhere (e.g. by the structural-schema validator): the detail is the whole message. */
    PREFORMATTED_INVALID("FieldValueInvalid", null),
    PREFORMATTED_REQUIRED("FieldValueRequired", null),
    PREFORMATTED_NOT_SUPPORTED("FieldValueNotSupported", null),
    PREFORMATTED_FORBIDDEN("FieldValueForbidden", null),
    PREFORMATTED_DUPLICATE("FieldValueDuplicate", null),
    PREFORMATTED_TOO_LONG("FieldValueTooLong", null),
    PREFORMATTED_TOO_MANY("FieldValueTooMany", null),
    PREFORMATTED_INTERNAL("InternalError", null),
    PREFORMATTED_TYPE_INVALID("FieldValueTypeInvalid", null);

    private final String reason;
    private final String text;

    Type(String reason, String text) {
      this.reason = reason;
      this.text = text;
    }

    public String reason() {
      return reason;
    }

    public String text() {
      return text;
    }
  }

  public static FieldError required(String field, String detail) {
    return new FieldError(Type.REQUIRED, field, null, detail);
  }

  public static FieldError invalid(String field, Object value, String detail) {
    return new FieldError(Type.INVALID, field, value, detail);
  }

  public static FieldError notSupported(String field, Object value, java.util.Collection<String> allowed) {
    return new FieldError(Type.NOT_SUPPORTED, field, value,
        "supported values: " + String.join(", ", allowed.stream().map(s -> "\"" + s + "\"").toList()));
  }

  public static FieldError forbidden(String field, String detail) {
    return new FieldError(Type.FORBIDDEN, field, null, detail);
  }

  public static FieldError notFound(String field, Object value) {
    return new FieldError(Type.NOT_FOUND, field, value, null);
  }

  public static FieldError duplicate(String field, Object value) {
    return new FieldError(Type.DUPLICATE, field, value, null);
  }

  /** A cause whose message was formatted already; {@code reason} is a Status cause type such as FieldValueInvalid. */
  public static FieldError preformatted(String reason, String field, String message) {
    for (Type t : Type.values()) {
      if (t.text() == null && t.reason().equals(reason)) {
        return new FieldError(t, field, null, message);
      }
    }
    return new FieldError(Type.PREFORMATTED_INVALID, field, null, message);
  }

  /** The message of the Status cause: everything but the field path. */
  public String causeMessage() {
    if (type.text() == null) {
      return detail;
    }
    StringBuilder sb = new StringBuilder(type.text());
    if (type == Type.INVALID || type == Type.NOT_SUPPORTED || type == Type.DUPLICATE || type == Type.NOT_FOUND) {
      sb.append(": ").append(renderValue(badValue));
    }
    if (detail != null && !detail.isEmpty()) {
      sb.append(": ").append(detail);
    }
    return sb.toString();
  }

  private static String renderValue(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    return String.valueOf(v);
  }

  @Override
  public String toString() {
    return field + ": " + causeMessage();
  }
}

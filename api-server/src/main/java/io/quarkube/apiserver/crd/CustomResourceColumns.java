package io.quarkube.apiserver.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The additionalPrinterColumns of each served custom resource version, for its Table output. */
public final class CustomResourceColumns {
  private static final Map<String, List<CustomResourceColumnDefinition>> COLUMNS = new ConcurrentHashMap<>();

  private CustomResourceColumns() {}

  static void register(ResourceDefinition def, List<CustomResourceColumnDefinition> columns) {
    COLUMNS.put(key(def), columns == null ? List.of() : List.copyOf(columns));
  }

  static void unregister(ResourceDefinition def) {
    COLUMNS.remove(key(def));
  }

  public static Optional<List<CustomResourceColumnDefinition>> of(ResourceDefinition def) {
    return Optional.ofNullable(COLUMNS.get(key(def)));
  }

  private static String key(ResourceDefinition def) {
    return def.group() + "/" + def.version() + "/" + def.resource();
  }
}

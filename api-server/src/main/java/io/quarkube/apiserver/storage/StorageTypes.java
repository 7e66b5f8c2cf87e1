package io.quarkube.apiserver.storage;

import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.HashMap;
import java.util.Map;

/**
 * Which resource an etcd key belongs to, named as upstream's storage metrics name it ({@code pods},
 * {@code deployments.apps}): from the catalog's storage prefixes ({@code /registry/services/specs/...} is
 * {@code services}), rebuilt when the catalog changes (custom resources).
 */
final class StorageTypes {
  private static final String ROOT = "/registry/";

  private final ResourceCatalog catalog;
  private volatile Table table;

  /** Prefixes of one or two segments: {@code pods} → pods, {@code services/specs} → services. */
  private record Table(long generation, Map<String, String> byPrefix) {}

  StorageTypes(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  /** The resource of {@code key} (a key or a key prefix), or its first segment when no resource stores there. */
  String of(String key) {
    if (!key.startsWith(ROOT)) {
      return "";
    }
    Table t = table;
    if (t == null || t.generation() != catalog.generation()) {
      t = build();
    }
    int first = key.indexOf('/', ROOT.length());
    if (first < 0) {
      return key.substring(ROOT.length());
    }
    int second = key.indexOf('/', first + 1);
    if (second > 0) {
      String type = t.byPrefix().get(key.substring(ROOT.length(), second));
      if (type != null) {
        return type;
      }
    }
    String one = key.substring(ROOT.length(), first);
    return t.byPrefix().getOrDefault(one, one);
  }

  private Table build() {
    long generation = catalog.generation();
    Map<String, String> byPrefix = new HashMap<>();
    for (ResourceDefinition d : catalog.all()) {
      if (!d.isVirtual()) {
        byPrefix.putIfAbsent(d.storagePrefix(), d.groupResource());
      }
    }
    Table t = new Table(generation, Map.copyOf(byPrefix));
    table = t;
    return t;
  }
}

package io.quarkube.client;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The names of Fabric8's model classes, read as text from the service files that list them
 * ({@code META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource}), by simple name. A kind's class is
 * found by loading only the few classes named like the kind (one per API version) and comparing their group and
 * version, instead of loading them all.
 */
final class ModelClassIndex {
  static final String SERVICE_FILE = "META-INF/services/" + KubernetesResource.class.getName();

  private final ClassLoader loader;
  private final Map<String, List<String>> bySimpleName;

  ModelClassIndex(ClassLoader loader) {
    this.loader = loader;
    this.bySimpleName = read(loader);
  }

  /** The model class of {@code kind} in {@code apiVersion} ("v1", "apps/v1"), if Fabric8 has one. */
  Optional<Class<? extends KubernetesResource>> find(String apiVersion, String kind) {
    for (String name : bySimpleName.getOrDefault(kind, List.of())) {
      Class<? extends KubernetesResource> c = load(name);
      if (c != null && HasMetadata.getKind(c).equals(kind) && apiVersion.equals(HasMetadata.getApiVersion(c))) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** How many class names the index holds. */
  int size() {
    return bySimpleName.values().stream().mapToInt(List::size).sum();
  }

  private Class<? extends KubernetesResource> load(String name) {
    try {
      Class<?> c = Class.forName(name, false, loader);
      return KubernetesResource.class.isAssignableFrom(c) ? c.asSubclass(KubernetesResource.class) : null;
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static Map<String, List<String>> read(ClassLoader loader) {
    Map<String, List<String>> index = new HashMap<>();
    try {
      for (URL url : Collections.list(loader.getResources(SERVICE_FILE))) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            String name = line.replaceFirst("#.*", "").trim();
            if (!name.isEmpty()) {
              index.computeIfAbsent(name.substring(name.lastIndexOf('.') + 1), k -> new ArrayList<>(2)).add(name);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SERVICE_FILE, e);
    }
    return index;
  }
}

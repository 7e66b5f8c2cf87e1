package io.quarkube.apiserver.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceScale;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each served custom resource version keeps what its {@code scale} subresource shows: the CRD's
 * {@code specReplicasPath}, {@code statusReplicasPath} and {@code labelSelectorPath}.
 */
public final class CustomResourceScales {
  private static final Map<String, CustomResourceSubresourceScale> SCALES = new ConcurrentHashMap<>();

  private CustomResourceScales() {}

  public static void register(ResourceDefinition def, CustomResourceDefinitionVersion version) {
    var scale = version.getSubresources() == null ? null : version.getSubresources().getScale();
    if (scale == null) {
      SCALES.remove(key(def));
    } else {
      SCALES.put(key(def), scale);
    }
  }

  static void unregister(ResourceDefinition def) {
    SCALES.remove(key(def));
  }

  public static Optional<CustomResourceSubresourceScale> of(ResourceDefinition def) {
    return Optional.ofNullable(SCALES.get(key(def)));
  }

  private static String key(ResourceDefinition def) {
    return def.group() + "/" + def.version() + "/" + def.resource();
  }
}

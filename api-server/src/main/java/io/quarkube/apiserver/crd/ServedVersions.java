package io.quarkube.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceScale;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CRD version behind each served custom resource, for what the generic paths ask of it: printer columns (Table
 * output), the {@code openAPIV3Schema} (OpenAPI documents, {@code kubectl explain}) and the scale paths. A version is
 * registered before its store, since registering the store bumps the catalog generation that rebuilds the documents.
 */
public final class ServedVersions {
  private static final Map<String, CustomResourceDefinitionVersion> VERSIONS = new ConcurrentHashMap<>();

  private ServedVersions() {}

  public static void register(ResourceDefinition def, CustomResourceDefinitionVersion version) {
    VERSIONS.put(key(def), version);
  }

  static void unregister(ResourceDefinition def) {
    VERSIONS.remove(key(def));
  }

  /** The additionalPrinterColumns, when {@code def} is a served custom resource. */
  public static Optional<List<CustomResourceColumnDefinition>> columns(ResourceDefinition def) {
    return version(def).map(v -> v.getAdditionalPrinterColumns() == null ? List.of()
        : List.copyOf(v.getAdditionalPrinterColumns()));
  }

  /** A copy of the version's structural schema (callers change it), or empty when the CRD gives none. */
  public static Optional<ObjectNode> openApiSchema(ResourceDefinition def) {
    return version(def).filter(v -> v.getSchema() != null && v.getSchema().getOpenAPIV3Schema() != null)
        .map(v -> Json.tree(v.getSchema().getOpenAPIV3Schema()));
  }

  public static Optional<CustomResourceSubresourceScale> scale(ResourceDefinition def) {
    return version(def).filter(v -> v.getSubresources() != null).map(v -> v.getSubresources().getScale());
  }

  private static Optional<CustomResourceDefinitionVersion> version(ResourceDefinition def) {
    return Optional.ofNullable(VERSIONS.get(key(def)));
  }

  private static String key(ResourceDefinition def) {
    return def.group() + "/" + def.version() + "/" + def.resource();
  }
}

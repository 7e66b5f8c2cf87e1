package io.quarkube.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code openAPIV3Schema} of each served custom resource version, for the OpenAPI documents ({@code kubectl
 * explain} on a custom resource, kubectl's field validation). Registered before the version is served, so a rebuild
 * of the documents that the catalog change triggers already finds it.
 */
public final class CustomResourceOpenApiSchemas {
  private static final Map<String, ObjectNode> SCHEMAS = new ConcurrentHashMap<>();

  private CustomResourceOpenApiSchemas() {}

  public static void register(ResourceDefinition def, CustomResourceDefinitionVersion version) {
    if (version.getSchema() == null || version.getSchema().getOpenAPIV3Schema() == null) {
      SCHEMAS.remove(key(def));
      return;
    }
    SCHEMAS.put(key(def), Json.tree(version.getSchema().getOpenAPIV3Schema()));
  }

  static void unregister(ResourceDefinition def) {
    SCHEMAS.remove(key(def));
  }

  /** A copy of the version's schema (callers change it), or empty when the CRD gives none. */
  public static Optional<ObjectNode> of(ResourceDefinition def) {
    return Optional.ofNullable(SCHEMAS.get(key(def))).map(ObjectNode::deepCopy);
  }

  private static String key(ResourceDefinition def) {
    return def.group() + "/" + def.version() + "/" + def.resource();
  }
}

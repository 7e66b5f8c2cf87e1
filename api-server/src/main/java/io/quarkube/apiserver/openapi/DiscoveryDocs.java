package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;

/**
 * The small documents the v3 index also names, as upstream: {@code api} ({@code GET /api/}), {@code apis}
 * ({@code GET /apis/}), {@code apis/<group>} ({@code GET /apis/<group>/}) and {@code version}.
 */
final class DiscoveryDocs {
  private DiscoveryDocs() {}

  static ObjectNode api(SchemaHints hints) {
    return single(hints, "/api/", "core", "get available API versions", "getCoreAPIVersions",
        io.fabric8.kubernetes.api.model.APIVersions.class);
  }

  static ObjectNode apis(SchemaHints hints) {
    return single(hints, "/apis/", "apis", "get available API versions", "getAPIVersions",
        io.fabric8.kubernetes.api.model.APIGroupList.class);
  }

  static ObjectNode group(SchemaHints hints, String group) {
    String title = PathGenerator.groupTitle(group);
    String tag = Character.toLowerCase(title.charAt(0)) + title.substring(1);
    return single(hints, "/apis/" + group + "/", tag, "get information of a group", "get" + title + "APIGroup",
        io.fabric8.kubernetes.api.model.APIGroup.class);
  }

  static ObjectNode version(SchemaHints hints) {
    return single(hints, "/version/", "version", "get the version information for this server", "getCodeVersion",
        io.fabric8.kubernetes.api.model.version.Info.class);
  }

  private static ObjectNode single(SchemaHints hints, String path, String tag, String description, String id,
      Class<?> answer) {
    SchemaGenerator schemas = new SchemaGenerator(hints);
    String schema = schemas.add(answer);
    ObjectNode op = Operations.operation(tag, description, id, "get");
    op.remove("x-kubernetes-action");
    op.remove("parameters");
    Operations.response(op, "200", "OK", schema);
    Operations.unauthorized(op);
    ObjectNode paths = Json.MAPPER.createObjectNode();
    paths.putObject(path).set("get", op);
    return OpenApiDocuments.document(paths, schemas);
  }
}

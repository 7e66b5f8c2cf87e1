package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.util.List;

/**
 * Building blocks of OpenAPI operations as upstream writes them: inline query parameters (kubectl's field validation
 * check reads the names of a PATCH operation's own parameters), request bodies, responses and the
 * {@code x-kubernetes-*} extensions.
 */
final class Operations {
  static final List<String> LIST_PARAMS = List.of("allowWatchBookmarks", "continue", "fieldSelector",
      "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds",
      "watch");
  static final List<String> WRITE_PARAMS = List.of("dryRun", "fieldManager", "fieldValidation");
  static final List<String> PATCH_PARAMS = List.of("dryRun", "fieldManager", "fieldValidation", "force");
  static final List<String> DELETE_PARAMS = List.of("dryRun", "gracePeriodSeconds",
      "ignoreStoreReadErrorWithClusterBreakingPotential", "orphanDependents", "propagationPolicy");
  static final List<String> DELETE_COLLECTION_PARAMS = List.of("continue", "dryRun", "fieldSelector",
      "gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential", "labelSelector", "limit",
      "orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch", "sendInitialEvents",
      "timeoutSeconds");

  private static final List<String> OBJECT_TYPES =
      List.of("application/json", "application/yaml", "application/vnd.kubernetes.protobuf");
  private static final List<String> LIST_TYPES = List.of("application/json", "application/yaml",
      "application/vnd.kubernetes.protobuf", "application/json;stream=watch",
      "application/vnd.kubernetes.protobuf;stream=watch");
  private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml",
      "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json");

  private Operations() {}

  /** A new operation with its tag, description, id and upstream's action extension. */
  static ObjectNode operation(String tag, String description, String operationId, String action) {
    ObjectNode op = Json.MAPPER.createObjectNode();
    op.putArray("tags").add(tag);
    op.put("description", description);
    op.put("operationId", operationId);
    op.putArray("parameters");
    op.putObject("responses");
    op.put("x-kubernetes-action", action);
    return op;
  }

  static void groupVersionKind(ObjectNode op, String group, String version, String kind) {
    ObjectNode gvk = op.putObject("x-kubernetes-group-version-kind");
    gvk.put("group", group);
    gvk.put("version", version);
    gvk.put("kind", kind);
  }

  static void queryParameters(ObjectNode op, List<String> names) {
    ArrayNode params = (ArrayNode) op.get("parameters");
    for (String name : names) {
      params.add(parameter(name, "query", false));
    }
  }

  /** A path or query parameter; the schema type follows upstream's for the name. */
  static ObjectNode parameter(String name, String in, boolean required) {
    ObjectNode p = Json.MAPPER.createObjectNode();
    p.put("name", name);
    p.put("in", in);
    p.put("description", ParameterDocs.describe(name));
    if (required) {
      p.put("required", true);
    }
    ObjectNode schema = p.putObject("schema");
    schema.put("type", ParameterDocs.type(name));
    schema.put("uniqueItems", true);
    return p;
  }

  /** The {@code name}, {@code namespace} and {@code pretty} parameters a path shares among its operations. */
  static ArrayNode pathParameters(boolean named, boolean namespaced, boolean subPath) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    if (named) {
      a.add(parameter("name", "path", true));
    }
    if (namespaced) {
      a.add(parameter("namespace", "path", true));
    }
    if (subPath) {
      a.add(parameter("path", "path", true));
    }
    a.add(parameter("pretty", "query", false));
    return a;
  }

  static void objectBody(ObjectNode op, String schema, boolean required) {
    ObjectNode body = op.putObject("requestBody");
    body.putObject("content").putObject("*/*").set("schema", SchemaGenerator.ref(schema));
    if (required) {
      body.put("required", true);
    }
  }

  static void patchBody(ObjectNode op) {
    ObjectNode body = op.putObject("requestBody");
    ObjectNode content = body.putObject("content");
    for (String t : PATCH_TYPES) {
      content.putObject(t).set("schema", SchemaGenerator.ref(SchemaNames.META + "Patch"));
    }
    body.put("required", true);
  }

  static void response(ObjectNode op, String code, String description, String schema) {
    ObjectNode r = ((ObjectNode) op.get("responses")).putObject(code);
    r.put("description", description);
    ObjectNode content = r.putObject("content");
    for (String t : OBJECT_TYPES) {
      content.putObject(t).set("schema", SchemaGenerator.ref(schema));
    }
  }

  static void listResponse(ObjectNode op, String schema) {
    ObjectNode r = ((ObjectNode) op.get("responses")).putObject("200");
    r.put("description", "OK");
    ObjectNode content = r.putObject("content");
    for (String t : LIST_TYPES) {
      content.putObject(t).set("schema", SchemaGenerator.ref(schema));
    }
  }

  /** A plain-text answer: logs, and the streams of exec, attach, port-forward and proxy. */
  static void textResponse(ObjectNode op) {
    ObjectNode r = ((ObjectNode) op.get("responses")).putObject("200");
    r.put("description", "OK");
    r.putObject("content").putObject("*/*").putObject("schema").put("type", "string");
  }

  static void unauthorized(ObjectNode op) {
    ((ObjectNode) op.get("responses")).putObject("401").put("description", "Unauthorized");
  }
}

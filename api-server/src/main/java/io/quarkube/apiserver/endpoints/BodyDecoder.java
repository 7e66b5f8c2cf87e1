package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.json.RequestJson;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Turns request bodies into Kubernetes JSON trees, whatever their encoding (JSON, YAML, Kubernetes protobuf), and
 * trees into the resource's Fabric8 model, refusing a body that names another kind.
 */
public final class BodyDecoder {
  /** Where {@link #decode} leaves the paths of keys a JSON body repeats, for field validation. */
  private static final String DUPLICATES = "quarkube.duplicateFields";
  private static final String DECODED = "quarkube.decodedBody";

  private final ProtobufBodies protobuf;

  public BodyDecoder(ProtobufBodies protobuf) {
    this.protobuf = protobuf;
  }

  /**
   * The request body of a create, update or delete as a tree. The audit log records that tree as the request
   * ({@link #decodedBody}) instead of parsing the body again (a twentieth of a pod create's CPU). Patch bodies are not
   * kept: applying a patch may share its subtrees with the patched object.
   */
  public JsonNode decode(RoutingContext ctx) {
    JsonNode tree = decode(ctx, MediaTypes.contentType(ctx.request().getHeader("Content-Type")));
    ctx.put(DECODED, tree);
    return tree;
  }

  /**
   * The body as {@link #decode(RoutingContext)} read it (after unknown fields were dropped, as upstream's audit
   * records the decoded object), or null when the request's body was not decoded that way.
   */
  public static JsonNode decodedBody(RoutingContext ctx) {
    return ctx.get(DECODED);
  }

  private JsonNode decode(RoutingContext ctx, String contentType) {
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    if (body.length == 0) {
      throw ApiException.badRequest("the request body is empty");
    }
    return switch (contentType) {
      case MediaTypes.JSON -> {
        JsonNode tree = Json.parse(body);
        ctx.put(DUPLICATES, io.quarkube.apiserver.json.DuplicateFields.inJson(body));
        yield tree;
      }
      case MediaTypes.YAML, "application/x-yaml", "text/yaml" -> Json.parseYaml(body);
      case MediaTypes.PROTOBUF -> protobuf.decode(body);
      default -> throw ApiException.unsupportedMediaType(contentType);
    };
  }

  /** Patch bodies: the patch content types are all JSON, except server-side apply's YAML (JSON is valid YAML). */
  public JsonNode decodePatch(RoutingContext ctx, String contentType) {
    return switch (contentType) {
      case MediaTypes.JSON_PATCH, MediaTypes.MERGE_PATCH, MediaTypes.STRATEGIC_MERGE_PATCH -> decode(ctx,
          MediaTypes.JSON);
      case MediaTypes.APPLY_PATCH -> decode(ctx, MediaTypes.YAML);
      default -> throw ApiException.unsupportedMediaType(contentType);
    };
  }

  /** {@link #toObject(JsonNode, ResourceDefinition)} that drops unknown fields and reports them as asked. */
  public HasMetadata toObject(JsonNode body, ResourceDefinition def, RoutingContext ctx,
      io.quarkube.apiserver.registry.Strategy<?> strategy) {
    if (body.isObject()) {
      List<String> problems = new java.util.ArrayList<>();
      List<String> duplicates = ctx.get(DUPLICATES);
      if (duplicates != null) {
        duplicates.forEach(f -> problems.add("duplicate field \"" + f + "\""));
      }
      strategy.pruneUnknownFields((ObjectNode) body, def.type())
          .forEach(f -> problems.add("unknown field \"" + f + "\""));
      FieldValidation.of(ctx).report(ctx, def.kind(), def.version(), problems);
    }
    return toObject(body, def);
  }

  public HasMetadata toObject(JsonNode body, ResourceDefinition def) {
    if (!body.isObject()) {
      throw ApiException.badRequest("the body of the request must be a JSON object, not " + body.getNodeType());
    }
    ObjectNode tree = (ObjectNode) body;
    String kind = tree.path("kind").asText("");
    String apiVersion = tree.path("apiVersion").asText("");
    if (!kind.isEmpty() && !kind.equals(def.kind())) {
      throw ApiException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
          + def.kind() + ")");
    }
    if (!apiVersion.isEmpty() && !apiVersion.equals(def.apiVersion())) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + def.apiVersion() + ")");
    }
    if (tree.has("metadata") && !tree.get("metadata").isObject()) {
      throw ApiException.badRequest("metadata must be an object");
    }
    HasMetadata obj = RequestJson.convert(tree, def.type(), def.kind(), def.version());
    obj.setApiVersion(def.apiVersion());
    return obj;
  }
}

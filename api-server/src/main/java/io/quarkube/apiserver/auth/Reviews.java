package io.quarkube.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.MediaTypes;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the review and request handlers share: reading the body as a tree of the right kind, answering 201. */
public final class Reviews {
  private Reviews() {}

  /** The request body as JSON, refused unless it names this resource's kind (or no kind). */
  public static ObjectNode body(RoutingContext ctx, BodyDecoder bodies, String apiVersion, String kind) {
    JsonNode body = bodies.decode(ctx);
    if (!(body instanceof ObjectNode tree)) {
      throw ApiException.badRequest("the body of the request must be a JSON object");
    }
    String k = tree.path("kind").asText("");
    String v = tree.path("apiVersion").asText("");
    if (!k.isEmpty() && !k.equals(kind)) {
      throw ApiException.badRequest("the kind in the data (" + k + ") does not match the expected kind (" + kind
          + ")");
    }
    if (!v.isEmpty() && !v.equals(apiVersion)) {
      throw ApiException.badRequest("the API version in the data (" + v
          + ") does not match the expected API version (" + apiVersion + ")");
    }
    tree.put("apiVersion", apiVersion);
    tree.put("kind", kind);
    if (!tree.path("metadata").isObject()) {
      tree.putObject("metadata");
    }
    return tree;
  }

  public static void created(RoutingContext ctx, Responses responses, ObjectNode answer) {
    String accept = ctx.request().getHeader("Accept");
    MediaTypes.Output out = MediaTypes.plainOutput(accept).orElseThrow(() -> ApiException.notAcceptable(accept));
    responses.write(ctx, 201, out == MediaTypes.Output.YAML ? MediaTypes.YAML : MediaTypes.JSON, answer);
  }

  public static void requireCreate(ResourceDefinition def, io.quarkube.apiserver.endpoints.RequestInfo info) {
    if (!"create".equals(info.verb()) || info.name() != null || info.subresource() != null) {
      throw ApiException.methodNotSupported(def.group(), def.resource(), info.verb());
    }
  }

  public static ApiException invalid(String group, String kind, String field, String message) {
    return ApiException.invalid(group, kind, "", List.of(FieldError.required(field, message)));
  }

  /** upstream's {@code UserInfo}: username, uid (omitted when empty), groups, extra. */
  public static ObjectNode userInfo(UserInfo u) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("username", u.name());
    if (!u.uid().isEmpty()) {
      n.put("uid", u.uid());
    }
    n.putPOJO("groups", u.groups());
    if (!u.extra().isEmpty()) {
      n.putPOJO("extra", u.extra());
    }
    return n;
  }

  public static Map<String, List<String>> extra(JsonNode n) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (n != null && n.isObject()) {
      n.fields().forEachRemaining(e -> {
        List<String> values = new ArrayList<>();
        e.getValue().forEach(v -> values.add(v.asText()));
        out.put(e.getKey(), values);
      });
    }
    return out;
  }

  public static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(v -> out.add(v.asText()));
    }
    return out;
  }

  public static String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }
}

package io.quarkube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.admission.AdmissionAttributes;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.security.RequestContexts;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The {@code admission.k8s.io/v1} AdmissionReview a webhook gets, and the checks on the one it sends back. */
final class AdmissionReviews {
  private AdmissionReviews() {}

  static ObjectNode request(String apiVersion, String uid, AdmissionRequest r, HasMetadata oldObject) {
    ObjectNode review = Json.MAPPER.createObjectNode();
    review.put("apiVersion", apiVersion);
    review.put("kind", "AdmissionReview");
    ObjectNode req = AdmissionAttributes.request(r, r.resource());
    req.put("uid", uid);
    review.set("request", req);
    if (r.object() != null) {
      req.set("object", Json.tree(r.object()));
    }
    if (oldObject != null) {
      req.set("oldObject", Json.tree(oldObject));
    }
    req.put("dryRun", r.dryRun());
    req.set("options", options(r.operation()));
    return review;
  }

  /** CreateOptions, UpdateOptions or DeleteOptions as the request carried them (dryRun, fieldManager). */
  private static ObjectNode options(AdmissionRequest.Operation op) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    String kind = switch (op) {
      case CREATE -> "CreateOptions";
      case UPDATE -> "UpdateOptions";
      case DELETE -> "DeleteOptions";
      case CONNECT -> null;
    };
    if (kind == null) {
      return o;
    }
    o.put("apiVersion", "meta.k8s.io/v1").put("kind", kind);
    RoutingContext ctx = RequestContexts.current();
    if (ctx != null) {
      List<String> dryRun = ctx.queryParams().getAll("dryRun");
      if (!dryRun.isEmpty()) {
        ArrayNode a = o.putArray("dryRun");
        dryRun.forEach(a::add);
      }
      String manager = ctx.queryParams().get("fieldManager");
      if (manager != null && op != AdmissionRequest.Operation.DELETE) {
        o.put("fieldManager", manager);
      }
    }
    return o;
  }

  /** The {@code response} of a webhook's answer, checked as upstream's VerifyAdmissionResponse does. */
  static JsonNode response(JsonNode answer, String uid, String apiVersion) {
    if (answer == null || !answer.isObject()) {
      throw new WebhookCallException("received invalid webhook response: expected an AdmissionReview object");
    }
    if (!"AdmissionReview".equals(answer.path("kind").asText())
        || !apiVersion.equals(answer.path("apiVersion").asText())) {
      throw new WebhookCallException("expected webhook response of " + apiVersion + ", Kind=AdmissionReview, got "
          + answer.path("apiVersion").asText() + ", Kind=" + answer.path("kind").asText());
    }
    JsonNode response = answer.path("response");
    if (!response.isObject()) {
      throw new WebhookCallException("webhook response was absent");
    }
    if (!uid.equals(response.path("uid").asText())) {
      throw new WebhookCallException("expected response.uid=\"" + uid + "\", got \"" + response.path("uid").asText()
          + "\"");
    }
    if (response.hasNonNull("patch") && !"JSONPatch".equals(response.path("patchType").asText())) {
      throw new WebhookCallException(response.hasNonNull("patchType")
          ? "webhook returned invalid patchType: \"" + response.get("patchType").asText() + "\""
          : "webhook returned response.patch but not response.patchType");
    }
    return response;
  }
}

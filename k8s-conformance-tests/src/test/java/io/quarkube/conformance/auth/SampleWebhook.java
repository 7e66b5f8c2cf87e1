package io.quarkube.conformance.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.TimeUnit;

/**
 * The behaviour of upstream's e2e webhook (agnhost {@code webhook}), path by path, as the AdmissionWebhook
 * conformance tests expect it; served by {@link WebhookServer}. Refusals carry agnhost's messages.
 */
final class SampleWebhook {
  private static final String KEY = "webhook-e2e-test";

  private SampleWebhook() {}

  static ObjectNode answer(String path, JsonNode review) throws InterruptedException {
    JsonNode request = review.path("request");
    JsonNode object = request.path("object");
    return switch (path) {
      case "/crdconvert" -> CrdConversion.answer(review);
      case "/always-deny" -> WebhookServer.deny(review, "this webhook denies all requests");
      case "/always-allow-delay-5s" -> {
        TimeUnit.SECONDS.sleep(5);
        yield WebhookServer.allow(review);
      }
      case "/pods" -> pods(review, object);
      case "/pods/attach" -> "CONNECT".equals(request.path("operation").asText())
          && "attach".equals(request.path("subResource").asText())
          ? WebhookServer.deny(review, "attaching to pod '" + request.path("name").asText() + "' is not allowed")
          : WebhookServer.allow(review);
      case "/configmaps" -> "webhook-disallow".equals(object.path("data").path(KEY).asText())
          ? WebhookServer.deny(review, "the configmap contains unwanted key and value")
          : WebhookServer.allow(review);
      case "/mutating-configmaps", "/mutating-custom-resource" -> stages(review, object);
      case "/mutating-pods" -> WebhookServer.patch(review, object.path("spec").has("initContainers")
          ? "[]"
          : "[{\"op\":\"add\",\"path\":\"/spec/initContainers\",\"value\":[{\"name\":\"webhook-added-init-container\","
              + "\"image\":\"busybox\",\"command\":[\"true\"],\"resources\":{}}]}]");
      case "/custom-resource" -> customResource(review, request);
      case "/crd" -> "webhook-disallow".equals(object.path("metadata").path("labels").path(KEY).asText())
          ? WebhookServer.deny(review, "the crd contains unwanted label")
          : WebhookServer.allow(review);
      case "/add-label" -> WebhookServer.patch(review, object.path("metadata").has("labels")
          ? "[{\"op\":\"add\",\"path\":\"/metadata/labels/added-label\",\"value\":\"yes\"}]"
          : "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"added-label\":\"yes\"}}]");
      default -> WebhookServer.allow(review);
    };
  }

  /** Refuses pods with an unwanted label or container name; hangs on the label value {@code wait-forever}. */
  private static ObjectNode pods(JsonNode review, JsonNode pod) throws InterruptedException {
    String label = pod.path("metadata").path("labels").path(KEY).asText();
    if ("wait-forever".equals(label)) {
      TimeUnit.SECONDS.sleep(60); // longer than any webhook timeout: the API server gives up first
      return WebhookServer.allow(review);
    }
    StringBuilder why = new StringBuilder();
    if ("webhook-disallow".equals(label)) {
      why.append("the pod contains unwanted label; ");
    }
    for (JsonNode c : pod.path("spec").path("containers")) {
      if ("webhook-disallow".equals(c.path("name").asText())) {
        why.append("the pod contains unwanted container name; ");
      }
    }
    return why.isEmpty() ? WebhookServer.allow(review) : WebhookServer.deny(review, why.toString().trim());
  }

  /** {@code mutation-start} brings {@code mutation-stage-1}, which brings {@code mutation-stage-2} (next call). */
  private static ObjectNode stages(JsonNode review, JsonNode object) {
    JsonNode data = object.path("data");
    StringBuilder patch = new StringBuilder("[");
    if ("yes".equals(data.path("mutation-start").asText())) {
      patch.append("{\"op\":\"add\",\"path\":\"/data/mutation-stage-1\",\"value\":\"yes\"}");
    }
    if ("yes".equals(data.path("mutation-stage-1").asText())) {
      patch.append(patch.length() > 1 ? "," : "")
          .append("{\"op\":\"add\",\"path\":\"/data/mutation-stage-2\",\"value\":\"yes\"}");
    }
    return WebhookServer.patch(review, patch.append("]").toString());
  }

  private static ObjectNode customResource(JsonNode review, JsonNode request) {
    if ("DELETE".equals(request.path("operation").asText())) {
      return "webhook-nondeletable".equals(request.path("oldObject").path("data").path(KEY).asText())
          ? WebhookServer.deny(review, "the custom resource cannot be deleted because it contains unwanted key and "
              + "value")
          : WebhookServer.allow(review);
    }
    return "webhook-disallow".equals(request.path("object").path("data").path(KEY).asText())
        ? WebhookServer.deny(review, "the custom resource contains unwanted data")
        : WebhookServer.allow(review);
  }
}

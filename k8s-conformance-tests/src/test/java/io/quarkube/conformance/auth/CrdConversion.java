package io.quarkube.conformance.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * agnhost's crd-conversion-webhook, as upstream's CustomResourceConversionWebhook tests deploy it: v1 objects carry
 * {@code hostPort: "host:port"}, v2 objects {@code host} and {@code port}; each object of the ConversionReview is
 * converted to {@code desiredAPIVersion}.
 */
final class CrdConversion {
  private CrdConversion() {}

  static ObjectNode answer(JsonNode review) {
    JsonNode request = review.path("request");
    String desired = request.path("desiredAPIVersion").asText();
    ObjectNode out = WebhookServer.JSON.createObjectNode().put("apiVersion", "apiextensions.k8s.io/v1")
        .put("kind", "ConversionReview");
    ObjectNode response = out.putObject("response").put("uid", request.path("uid").asText());
    ArrayNode converted = response.putArray("convertedObjects");
    for (JsonNode o : request.path("objects")) {
      ObjectNode c = o.deepCopy();
      String from = c.path("apiVersion").asText();
      if (from.endsWith("/v1") && desired.endsWith("/v2") && c.has("hostPort")) {
        String[] hp = c.remove("hostPort").asText().split(":", 2);
        if (hp.length != 2) {
          response.putObject("result").put("status", "Failure").put("message", "hostPort must be host:port");
          return out;
        }
        c.put("host", hp[0]).put("port", hp[1]);
      } else if (from.endsWith("/v2") && desired.endsWith("/v1") && c.has("host")) {
        c.put("hostPort", c.remove("host").asText() + ":" + c.remove("port").asText());
      }
      c.put("apiVersion", desired);
      converted.add(c);
    }
    response.putObject("result").put("status", "Success");
    return out;
  }
}

package io.quarkube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.registry.Registry;
import java.util.List;

/**
 * Calls a CustomResourceDefinition's conversion webhook through the admission webhooks' client, so both kinds of
 * webhook resolve services, trust caBundles and report failures alike. Upstream gives conversion calls 30 seconds.
 */
public final class ConversionWebhookClient {
  private static final int TIMEOUT_SECONDS = 30;
  private final WebhookClient client;

  public ConversionWebhookClient(Registry registry) {
    this.client = new WebhookClient(new ServiceEndpoints(registry));
  }

  /**
   * Posts the review to the webhook that {@code clientConfig} (the CRD's {@code spec.conversion.webhook.clientConfig})
   * names and returns the review it answers; throws {@link WebhookCallException} when it cannot be called.
   */
  public JsonNode call(JsonNode clientConfig, JsonNode review) {
    Webhook.ServiceRef service = null;
    if (clientConfig.path("service").isObject()) {
      JsonNode s = clientConfig.get("service");
      service = new Webhook.ServiceRef(s.path("namespace").asText(""), s.path("name").asText(""),
          s.path("port").asInt(443), s.path("path").asText(""));
    }
    String url = clientConfig.hasNonNull("url") ? clientConfig.get("url").asText() : null;
    Webhook webhook = new Webhook("", "conversion", url, service, clientConfig.path("caBundle").asText(""),
        List.of(), false, TIMEOUT_SECONDS, null, null, "None", List.of("v1"), false, List.of());
    return client.call(webhook, review);
  }
}

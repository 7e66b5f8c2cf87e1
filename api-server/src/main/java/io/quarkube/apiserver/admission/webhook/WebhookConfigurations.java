package io.quarkube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.authz.ObjectCache;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The webhooks of all Mutating- or ValidatingWebhookConfigurations, from a watch-fed cache (the API server's own
 * informer, as upstream's webhook source), in upstream's order: configurations sorted by name, webhooks as listed.
 * The parsed list is rebuilt on change, so a request only reads a volatile field.
 */
public final class WebhookConfigurations {
  private final ObjectCache cache;
  private volatile List<Webhook> webhooks = List.of();

  private WebhookConfigurations(ObjectCache cache) {
    this.cache = cache;
    cache.onChange(this::rebuild);
  }

  public static WebhookConfigurations mutating(Registry registry) {
    return of(registry, "mutatingwebhookconfigurations");
  }

  public static WebhookConfigurations validating(Registry registry) {
    return of(registry, "validatingwebhookconfigurations");
  }

  private static WebhookConfigurations of(Registry registry, String resource) {
    return new WebhookConfigurations(new ObjectCache(
        registry.store("admissionregistration.k8s.io", "v1", resource).orElseThrow(), Map.of()));
  }

  public WebhookConfigurations start() {
    cache.start();
    return this;
  }

  public void stop() {
    cache.stop();
  }

  public boolean awaitSynced(Duration timeout) {
    return cache.awaitSynced(timeout);
  }

  List<Webhook> webhooks() {
    return webhooks;
  }

  private void rebuild() {
    List<HasMetadata> configurations = new ArrayList<>(cache.all());
    configurations.sort(Comparator.comparing(c -> c.getMetadata().getName()));
    List<Webhook> out = new ArrayList<>();
    for (HasMetadata c : configurations) {
      JsonNode tree = Json.tree(c);
      for (JsonNode w : tree.path("webhooks")) {
        out.add(Webhook.of(c.getMetadata().getName(), w));
      }
    }
    webhooks = List.copyOf(out);
  }
}

package io.quarkube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.quarkube.apiserver.admission.AdmissionPlugin;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.admission.AdmissionRequest.Operation;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.security.RequestContexts;
import io.quarkube.machinery.patch.JsonPatch;
import io.quarkube.machinery.patch.PatchException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Upstream's MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins: every webhook whose rules and selectors
 * match gets an AdmissionReview over HTTPS. A refusal stops the request with the webhook's status; a mutating
 * webhook's JSON patch is applied and the patched object goes on. When a webhook cannot be called its failurePolicy
 * decides: Fail → 500, Ignore → go on. Requests on the webhook configurations themselves are never sent to webhooks,
 * so a broken webhook can always be removed.
 */
public final class WebhookAdmission implements AdmissionPlugin {
  private static final Logger LOG = Logger.getLogger(WebhookAdmission.class);

  private final boolean mutating;
  private final WebhookConfigurations configurations;
  private final WebhookMatcher matcher;
  private final WebhookClient client;
  private final Registry registry;

  private WebhookAdmission(boolean mutating, WebhookConfigurations configurations, Registry registry) {
    this.mutating = mutating;
    this.configurations = configurations;
    this.registry = registry;
    this.matcher = new WebhookMatcher(ns -> {
      Map<String, String> labels = registry.namespaces().get(null, ns).getMetadata().getLabels();
      return labels == null ? Map.of() : labels;
    });
    this.client = new WebhookClient(new ServiceEndpoints(registry));
  }

  public static WebhookAdmission mutating(WebhookConfigurations configurations, Registry registry) {
    return new WebhookAdmission(true, configurations, registry);
  }

  public static WebhookAdmission validating(WebhookConfigurations configurations, Registry registry) {
    return new WebhookAdmission(false, configurations, registry);
  }

  @Override
  public String name() {
    return mutating ? "MutatingAdmissionWebhook" : "ValidatingAdmissionWebhook";
  }

  @Override
  public void admit(AdmissionRequest request) {
    mutate(request);
  }

  @Override
  public HasMetadata mutate(AdmissionRequest request) {
    List<Webhook> webhooks = configurations.webhooks();
    if (webhooks.isEmpty() || isWebhookConfiguration(request)) {
      return request.object();
    }
    Round round = new Round(request);
    for (Webhook webhook : webhooks) {
      if (!WebhookMatcher.rulesMatch(webhook, round.current)) {
        continue;
      }
      if (!matcher.selectorsMatch(webhook, round.current, round.old().orElse(null))
          || !conditionsMatch(webhook, round)) {
        continue;
      }
      call(webhook, round, 0);
    }
    if (mutating) {
      // Upstream's reinvocation: a webhook with reinvocationPolicy IfNeeded is called once more when a webhook
      // after it changed the object, so it sees (and may amend) the final form. Only webhooks called in the first
      // round qualify, each at most once more.
      for (Webhook webhook : webhooks) {
        Integer seen = round.mutationsSeen.get(webhook.name());
        if (webhook.reinvokeIfNeeded() && seen != null && seen < round.mutations) {
          call(webhook, round, 1);
        }
      }
    }
    return round.current.object();
  }

  /** The request as the webhooks have changed it so far, and how many of their patches changed it. */
  private final class Round {
    AdmissionRequest current;
    private Optional<HasMetadata> old;
    int mutations;
    int index;
    /** Per webhook called: the mutation count its answer left (what it has seen). */
    final Map<String, Integer> mutationsSeen = new java.util.HashMap<>();

    Round(AdmissionRequest request) {
      this.current = request;
    }

    Optional<HasMetadata> old() {
      if (old == null) {
        old = stored(current);
      }
      return old;
    }
  }

  /** The webhook's matchConditions; one that cannot be evaluated is a failed call (failurePolicy decides). */
  private boolean conditionsMatch(Webhook webhook, Round round) {
    try {
      return MatchConditions.matches(webhook.matchConditions(), round.current, round.old().orElse(null));
    } catch (WebhookCallException e) {
      if (webhook.failOpen()) {
        LOG.warnf("webhook \"%s\" skipped (failurePolicy Ignore): %s", webhook.name(), e.getMessage());
        return false;
      }
      throw ApiException.internal("failed calling webhook \"" + webhook.name() + "\": " + e.getMessage());
    }
  }

  /** One webhook call in round {@code roundNumber} (0, or 1 for a reinvocation): allow, deny or patch. */
  private void call(Webhook webhook, Round round, int roundNumber) {
    AdmissionRequest current = round.current;
    if (current.dryRun() && !List.of("None", "NoneOnDryRun").contains(webhook.sideEffects())) {
      throw ApiException.badRequest("admission webhook \"" + webhook.name() + "\" does not support dry run");
    }
    String annotationSuffix = "round_" + roundNumber + "_index_" + round.index++;
    JsonNode response;
    try {
      String uid = UUID.randomUUID().toString();
      String apiVersion = webhook.reviewApiVersion();
      JsonNode answer = client.call(webhook, AdmissionReviews.request(apiVersion, uid, current,
          round.old().orElse(null)));
      response = AdmissionReviews.response(answer, uid, apiVersion);
      if (!mutating && response.hasNonNull("patch")) {
        throw new WebhookCallException("validating webhook may not return a patch");
      }
    } catch (WebhookCallException e) {
      if (webhook.failOpen()) {
        LOG.warnf("failed calling webhook \"%s\" (failurePolicy Ignore): %s", webhook.name(), e.getMessage());
        RequestContexts.annotate("failed-open." + (mutating ? "mutation" : "validation")
            + ".webhook.admission.k8s.io/" + annotationSuffix, webhook.name());
        return;
      }
      throw ApiException.internal("failed calling webhook \"" + webhook.name() + "\": " + e.getMessage());
    }
    for (JsonNode w : response.path("warnings")) {
      RequestContexts.warn(w.asText());
    }
    if (!response.path("allowed").asBoolean(false)) {
      throw denied(webhook.name(), response.path("status"));
    }
    if (mutating && response.hasNonNull("patch") && current.object() != null) {
      HasMetadata next = patched(current, response.get("patch").asText());
      boolean changed = !Json.tree(next).equals(Json.tree(current.object()));
      round.current = current.withObject(next);
      if (changed) {
        round.mutations++;
      }
      RequestContexts.annotate("mutation.webhook.admission.k8s.io/" + annotationSuffix,
          "{\"configuration\":\"" + webhook.configuration() + "\",\"webhook\":\"" + webhook.name()
              + "\",\"mutated\":" + changed + "}");
    }
    round.mutationsSeen.put(webhook.name(), round.mutations);
  }

  /**
   * The object as stored, for UPDATE and DELETE (a webhook's oldObject, and what the object selector also sees): the
   * one the update was made from when the request carries it, else read.
   */
  private Optional<HasMetadata> stored(AdmissionRequest r) {
    if (r.operation() != Operation.UPDATE && r.operation() != Operation.DELETE || r.name() == null) {
      return Optional.empty();
    }
    if (r.oldObject() != null) {
      return Optional.of(r.oldObject());
    }
    GenericStore<HasMetadata> store = registry.store(r.resource());
    if (store == null) {
      return Optional.empty();
    }
    try {
      return store.find(r.resource().namespaced() ? r.namespace() : null, r.name());
    } catch (ApiException e) {
      return Optional.empty();
    }
  }

  /**
   * The object a webhook's JSON patch makes. Fields the kind does not have are dropped (a custom resource's by its
   * structural schema), as upstream prunes what mutating admission added: a typed object has no room for them.
   */
  private HasMetadata patched(AdmissionRequest r, String base64Patch) {
    JsonNode patch;
    try {
      patch = Json.parse(Base64.getDecoder().decode(base64Patch));
    } catch (RuntimeException e) {
      throw ApiException.internal("error decoding patch: " + e.getMessage());
    }
    JsonNode result;
    try {
      result = JsonPatch.apply(Json.tree(r.object()), patch);
    } catch (PatchException e) {
      throw ApiException.internal(e.getMessage());
    }
    if (!(result instanceof ObjectNode tree)) {
      throw ApiException.internal("the patched object is not a JSON object");
    }
    GenericStore<HasMetadata> store = registry.store(r.resource());
    if (store != null) {
      store.strategy().pruneUnknownFields(tree, r.resource().type());
    }
    HasMetadata next;
    try {
      next = Json.convert(tree, r.resource().type());
    } catch (RuntimeException e) {
      throw ApiException.internal("the patched object cannot be decoded as " + r.resource().kind() + ": "
          + e.getMessage());
    }
    next.setApiVersion(r.resource().apiVersion());
    if (next instanceof io.fabric8.kubernetes.api.model.Pod pod && pod.getSpec() != null) {
      // upstream defaults the patched object again: what a webhook added (an init container, say) is complete for
      // the webhooks and plugins after it, not only once stored
      io.quarkube.apiserver.registry.core.PodSpecDefaults.apply(pod.getSpec());
    }
    return next;
  }

  /** Upstream's {@code webhookerrors.ToStatusErr}: the webhook's status, at least 400, with who denied it. */
  static ApiException denied(String webhook, JsonNode statusNode) {
    Status status = statusNode.isObject() ? Json.convert(statusNode, Status.class) : new Status();
    String deniedBy = "admission webhook \"" + webhook + "\" denied the request";
    if (status.getCode() == null || status.getCode() < 400) {
      status.setCode(400);
    }
    if (status.getStatus() == null || status.getStatus().isEmpty() || "Success".equals(status.getStatus())) {
      status.setStatus("Failure");
    }
    if (status.getMessage() != null && !status.getMessage().isEmpty()) {
      status.setMessage(deniedBy + ": " + status.getMessage());
    } else if (status.getReason() != null && !status.getReason().isEmpty()) {
      status.setMessage(deniedBy + ": " + status.getReason());
    } else {
      status.setMessage(deniedBy + " without explanation");
    }
    status.setApiVersion("v1");
    status.setKind("Status");
    if (status.getMetadata() == null) {
      status.setMetadata(new io.fabric8.kubernetes.api.model.ListMeta());
    }
    return new ApiException(status);
  }

  private static boolean isWebhookConfiguration(AdmissionRequest r) {
    return r.resource().group().equals("admissionregistration.k8s.io")
        && (r.resource().resource().equals("mutatingwebhookconfigurations")
            || r.resource().resource().equals("validatingwebhookconfigurations"));
  }
}

package io.quarkube.apiserver.registry.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.registry.DeleteOptions;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.selection.LabelSelectors;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * {@code POST pods/<name>/eviction}: deletes the pod unless a PodDisruptionBudget that selects it has no disruption
 * left, in which case the answer is 429 and kubectl drain retries. An allowed eviction uses up one disruption in the
 * budget's status in the same compare-and-swap way upstream does, so two evictions cannot both take the last one.
 */
@ApplicationScoped
public class EvictionHandler implements ExtensionHandler {
  private final Registry registry;
  private final BodyDecoder bodies;
  private final Responses responses;

  public EvictionHandler(Registry registry, BodyDecoder bodies, Responses responses) {
    this.registry = registry;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Override
  public String key() {
    return "/pods/eviction";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo request, UserInfo user) {
    if (!"create".equals(request.verb())) {
      throw ApiException.methodNotSupported("", "pods/eviction", request.verb());
    }
    JsonNode eviction = bodies.decode(ctx);
    String name = eviction.path("metadata").path("name").asText(request.name());
    if (!name.equals(request.name())) {
      throw ApiException.badRequest("name in URL does not match name in Eviction object");
    }
    GenericStore<HasMetadata> pods = registry.store(definition);
    Pod pod = (Pod) pods.get(request.namespace(), request.name());
    String phase = pod.getStatus() == null ? "" : pod.getStatus().getPhase();
    // Pods that are done or already going need no budget, as upstream decides.
    boolean exempt = "Succeeded".equals(phase) || "Failed".equals(phase) || "Pending".equals(phase)
        || pod.getMetadata().getDeletionTimestamp() != null;
    if (!exempt) {
      takeDisruption(pod);
    }
    JsonNode options = eviction.path("deleteOptions");
    Long grace = options.hasNonNull("gracePeriodSeconds") ? options.get("gracePeriodSeconds").asLong() : null;
    boolean dryRun = ctx.queryParams().getAll("dryRun").contains("All");
    pods.delete(request.namespace(), request.name(), new DeleteOptions(grace, null,
        options.path("preconditions").path("uid").asText(null),
        options.path("preconditions").path("resourceVersion").asText(null), dryRun));
    responses.status(ctx, 201, "Success");
  }

  private void takeDisruption(Pod pod) {
    GenericStore<HasMetadata> budgets = registry.store("policy", "v1", "poddisruptionbudgets").orElseThrow();
    List<HasMetadata> matching = budgets.list(pod.getMetadata().getNamespace(), ListOptions.all()).items().stream()
        .filter(b -> selects((PodDisruptionBudget) b, pod)).toList();
    if (matching.size() > 1) {
      throw ApiException.internal("This pod has more than one PodDisruptionBudget, which the eviction subresource "
          + "does not support.");
    }
    if (matching.isEmpty()) {
      return;
    }
    PodDisruptionBudget pdb = (PodDisruptionBudget) matching.get(0);
    budgets.guaranteedUpdate(pdb.getMetadata().getNamespace(), pdb.getMetadata().getName(),
        null, "status", false, current -> {
          PodDisruptionBudget b = (PodDisruptionBudget) current;
          int allowed = b.getStatus() == null || b.getStatus().getDisruptionsAllowed() == null ? 0
              : b.getStatus().getDisruptionsAllowed();
          if (allowed <= 0) {
            throw tooManyRequests(b);
          }
          b.getStatus().setDisruptionsAllowed(allowed - 1);
          return b;
        });
  }

  private static boolean selects(PodDisruptionBudget pdb, Pod pod) {
    var selector = pdb.getSpec() == null ? null : pdb.getSpec().getSelector();
    if (selector == null) {
      return false;
    }
    var labels = pod.getMetadata().getLabels() == null ? java.util.Map.<String, String>of()
        : pod.getMetadata().getLabels();
    return LabelSelectors.matches(selector, labels);
  }

  private static ApiException tooManyRequests(PodDisruptionBudget pdb) {
    return ApiException.of(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption "
        + "budget.");
  }
}

package io.quarkube.apiserver.registry.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST pods/<name>/eviction}: deletes the pod unless a PodDisruptionBudget that selects it has no disruption
 * left, in which case the answer is 429 and kubectl drain retries. An allowed eviction uses up one disruption in the
 * budget's status (and records the pod in {@code disruptedPods}) in the same compare-and-swap way upstream does, so
 * two evictions cannot both take the last one. The disruption controller recomputes the budget afterwards.
 */
@ApplicationScoped
public class EvictionHandler implements ExtensionHandler {
  /** Upstream's MaxDisruptedPodSize: evictions the disruption controller has not confirmed yet, at most. */
  static final int MAX_DISRUPTED_PODS = 2000;
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
    boolean dryRun = ctx.queryParams().getAll("dryRun").contains("All");
    if (!exempt) {
      takeDisruption(pod, dryRun);
    }
    if (!dryRun) {
      markDisruptionTarget(pods, pod);
    }
    JsonNode options = eviction.path("deleteOptions");
    Long grace = options.hasNonNull("gracePeriodSeconds") ? options.get("gracePeriodSeconds").asLong() : null;
    pods.delete(request.namespace(), request.name(), new DeleteOptions(grace, null,
        options.path("preconditions").path("uid").asText(null),
        options.path("preconditions").path("resourceVersion").asText(null), dryRun));
    responses.status(ctx, 201, "Success");
  }

  /**
   * As upstream (PodDisruptionConditions, GA since 1.31): the pod says why it goes before it is deleted, so its
   * controller and kubectl see an eviction rather than an ordinary delete.
   */
  private static void markDisruptionTarget(GenericStore<HasMetadata> pods, Pod pod) {
    pods.guaranteedUpdate(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), null, "status", false, o -> {
      Pod p = (Pod) o;
      PodStatus status = p.getStatus() == null ? new PodStatus() : p.getStatus();
      List<PodCondition> conditions = status.getConditions() == null ? new ArrayList<>()
          : new ArrayList<>(status.getConditions());
      PodCondition before = conditions.stream().filter(c -> "DisruptionTarget".equals(c.getType())).findFirst()
          .orElse(null);
      PodCondition target = new PodCondition();
      target.setType("DisruptionTarget");
      target.setStatus("True");
      target.setReason("EvictionByEvictionAPI");
      target.setMessage("Eviction API: evicting");
      target.setLastTransitionTime(before != null && "True".equals(before.getStatus())
          ? before.getLastTransitionTime() : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      conditions.remove(before);
      conditions.add(target);
      status.setConditions(conditions);
      p.setStatus(status);
      return p;
    });
  }

  /**
   * Upstream's {@code checkAndDecrement}: the one budget selecting the pod must have been processed at its current
   * generation and allow a disruption; it then allows one fewer, and the pod is listed in {@code disruptedPods} so
   * the disruption controller does not count it healthy while it goes. An unhealthy pod may go without using up a
   * disruption when the budget is met anyway (IfHealthyBudget, the default) or always (AlwaysAllow).
   */
  private void takeDisruption(Pod pod, boolean dryRun) {
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
    if (!isReady(pod) && unhealthyMayGo(pdb)) {
      return;
    }
    budgets.guaranteedUpdate(pdb.getMetadata().getNamespace(), pdb.getMetadata().getName(),
        null, "status", dryRun, current -> {
          PodDisruptionBudget b = (PodDisruptionBudget) current;
          PodDisruptionBudgetStatus st = b.getStatus() == null ? new PodDisruptionBudgetStatus() : b.getStatus();
          long observed = st.getObservedGeneration() == null ? 0 : st.getObservedGeneration();
          long generation = b.getMetadata().getGeneration() == null ? 0 : b.getMetadata().getGeneration();
          if (observed < generation) {
            throw tooManyRequests("The disruption budget " + b.getMetadata().getName()
                + " is still being processed by the server.", 10);
          }
          int allowed = n(st.getDisruptionsAllowed());
          if (allowed < 0) {
            throw ApiException.forbidden("pdb disruptions allowed is negative");
          }
          if (st.getDisruptedPods() != null && st.getDisruptedPods().size() > MAX_DISRUPTED_PODS) {
            throw ApiException.forbidden("DisruptedPods map too big - too many evictions not confirmed by PDB "
                + "controller");
          }
          if (allowed == 0) {
            // No Retry-After, as upstream: kubectl drain then retries every 5 s within its --timeout (a 10 s
            // Retry-After made client-go wait and retry silently, past the drain's timeout).
            throw tooManyRequests("The disruption budget " + b.getMetadata().getName() + " needs "
                + n(st.getDesiredHealthy()) + " healthy pods and has " + n(st.getCurrentHealthy()) + " currently", 0);
          }
          st.setDisruptionsAllowed(allowed - 1);
          if (allowed - 1 == 0 && st.getConditions() != null) {
            st.getConditions().stream().filter(c -> "DisruptionAllowed".equals(c.getType())).forEach(c -> {
              c.setStatus("False");
              c.setReason("InsufficientPods");
              c.setLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            });
          }
          Map<String, String> disrupted = st.getDisruptedPods() == null ? new TreeMap<>()
              : new TreeMap<>(st.getDisruptedPods());
          disrupted.put(pod.getMetadata().getName(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
          st.setDisruptedPods(disrupted);
          b.setStatus(st);
          return b;
        });
  }

  /** An unready pod's eviction needs no disruption when its budget's policy says so. */
  private static boolean unhealthyMayGo(PodDisruptionBudget pdb) {
    String policy = pdb.getSpec() == null ? null : pdb.getSpec().getUnhealthyPodEvictionPolicy();
    if ("AlwaysAllow".equals(policy)) {
      return true;
    }
    PodDisruptionBudgetStatus st = pdb.getStatus();
    return st != null && n(st.getDesiredHealthy()) > 0 && n(st.getCurrentHealthy()) >= n(st.getDesiredHealthy());
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
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

  /**
   * Upstream's answer, which kubectl drain retries: the reason is in a DisruptionBudget cause; a budget the
   * controller has not caught up with suggests a retry after 10 s, an exhausted one none.
   */
  private static ApiException tooManyRequests(String cause, int retryAfterSeconds) {
    return ApiException.tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.",
        List.of(new StatusCauseBuilder().withReason("DisruptionBudget").withMessage(cause).build()),
        retryAfterSeconds);
  }
}

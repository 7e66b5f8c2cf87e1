package io.quarkube.controllers.disruption;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.LabelSelectors;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Pods;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Keeps PodDisruptionBudgets' status (upstream's {@code disruption} controller): how many selected pods are healthy
 * (Ready, not being deleted, not just evicted), how many must be ({@code minAvailable}, or the expected pods minus
 * {@code maxUnavailable}; percentages taken of the pods' controllers' scale), and so how many disruptions the
 * eviction API may allow now. Evictions the API server granted are listed in {@code disruptedPods} until the pod is
 * seen going, or for at most two minutes, so a slow kubelet cannot make one budget pay twice.
 */
public final class DisruptionController extends Controller<String> {
  public static final String NAME = "disruption";
  /** Upstream's DeletionTimeout: how long an eviction the API granted is assumed to be under way. */
  static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  private final Indexer<PodDisruptionBudget> budgets;
  private final Indexer<Pod> pods;
  private final ExpectedScale scales;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;

  public DisruptionController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  DisruptionController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.budgets = ctx.informers().indexer(PodDisruptionBudget.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.scales = new ExpectedScale(ctx.informers());
    this.writer = ctx.writer();
    this.events = ctx.recorder("controllermanager");
    ctx.informers().addEventHandler(PodDisruptionBudget.class, enqueueing(Keys::of));
    ctx.informers().addEventHandler(Pod.class, new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod pod) {
        enqueueBudgetsOf(pod);
      }

      @Override
      public void onUpdate(Pod oldPod, Pod newPod) {
        if (!Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels())) {
          enqueueBudgetsOf(oldPod);
        }
        enqueueBudgetsOf(newPod);
      }

      @Override
      public void onDelete(Pod pod, boolean unknown) {
        enqueueBudgetsOf(pod);
      }
    });
    // Scale changes move percentages: look at the namespace's budgets again.
    for (Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> owner : List.of(
        io.fabric8.kubernetes.api.model.apps.Deployment.class, io.fabric8.kubernetes.api.model.apps.ReplicaSet.class,
        io.fabric8.kubernetes.api.model.ReplicationController.class,
        io.fabric8.kubernetes.api.model.apps.StatefulSet.class)) {
      ctx.informers().addEventHandler(owner, new ResourceEventHandler<io.fabric8.kubernetes.api.model.HasMetadata>() {
        @Override
        public void onAdd(io.fabric8.kubernetes.api.model.HasMetadata obj) {
          enqueueNamespace(obj.getMetadata().getNamespace());
        }

        @Override
        public void onUpdate(io.fabric8.kubernetes.api.model.HasMetadata o, io.fabric8.kubernetes.api.model.HasMetadata n) {
          if (!Objects.equals(o.getMetadata().getGeneration(), n.getMetadata().getGeneration())) {
            enqueueNamespace(n.getMetadata().getNamespace());
          }
        }

        @Override
        public void onDelete(io.fabric8.kubernetes.api.model.HasMetadata obj, boolean unknown) {
          enqueueNamespace(obj.getMetadata().getNamespace());
        }
      });
      waitForSync(ctx.informers(), owner);
    }
    waitForSync(ctx.informers(), PodDisruptionBudget.class);
    waitForSync(ctx.informers(), Pod.class);
  }

  private void enqueueBudgetsOf(Pod pod) {
    for (PodDisruptionBudget b : budgets.byIndex("namespace", pod.getMetadata().getNamespace())) {
      if (selects(b, pod)) {
        enqueue(Keys.of(b));
      }
    }
  }

  private void enqueueNamespace(String namespace) {
    if (namespace != null) {
      budgets.byIndex("namespace", namespace).forEach(b -> enqueue(Keys.of(b)));
    }
  }

  /** policy/v1: a null selector selects nothing, an empty one every pod of the namespace. */
  static boolean selects(PodDisruptionBudget b, Pod pod) {
    return b.getSpec() != null && LabelSelectors.matches(b.getSpec().getSelector(), pod.getMetadata().getLabels());
  }

  @Override
  protected void reconcile(String key) {
    PodDisruptionBudget pdb = budgets.getByKey(key);
    if (pdb == null || pdb.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    List<Pod> selected = new ArrayList<>();
    for (Pod p : pods.byIndex("namespace", pdb.getMetadata().getNamespace())) {
      if (selects(pdb, p)) {
        selected.add(p);
      }
    }
    if (selected.isEmpty()) {
      events.normal(pdb, "NoPods", "No matching pods found");
    }
    int expected;
    int desiredHealthy;
    try {
      int[] counts = expectedAndDesired(pdb, selected);
      expected = counts[0];
      desiredHealthy = counts[1];
    } catch (ExpectedScale.UnknownScale e) {
      events.warning(pdb, "CalculateExpectedPodCountFailed", "Failed to calculate the number of expected pods: %s",
          e.getMessage());
      failSafe(pdb, e.getMessage());
      return;
    }
    Instant now = clock.instant();
    Map<String, String> disrupted = new TreeMap<>();
    Instant recheck = null;
    Map<String, String> old = pdb.getStatus() == null || pdb.getStatus().getDisruptedPods() == null ? Map.of()
        : pdb.getStatus().getDisruptedPods();
    for (Pod p : selected) {
      String since = old.get(p.getMetadata().getName());
      if (since == null || p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Instant expires = Instant.parse(since).plus(DELETION_TIMEOUT);
      if (expires.isAfter(now)) {
        disrupted.put(p.getMetadata().getName(), since);
        recheck = recheck == null || expires.isBefore(recheck) ? expires : recheck;
      }
    }
    int healthy = 0;
    for (Pod p : selected) {
      if (p.getMetadata().getDeletionTimestamp() == null && !disrupted.containsKey(p.getMetadata().getName())
          && Pods.isReady(p)) {
        healthy++;
      }
    }
    int allowed = Math.max(0, healthy - desiredHealthy);
    if (expected <= 0) {
      allowed = 0;
    }
    writeStatus(pdb, healthy, desiredHealthy, expected, allowed, disrupted, allowed > 0 ? "SufficientPods"
        : "InsufficientPods", "", pdb.getMetadata().getGeneration());
    if (recheck != null) {
      queue.addAfter(key, Duration.between(now, recheck).plusMillis(500));
    }
  }

  /** [expected pods, desired healthy pods], as upstream's {@code getExpectedPodCount}. */
  private int[] expectedAndDesired(PodDisruptionBudget pdb, List<Pod> selected) throws ExpectedScale.UnknownScale {
    IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
    IntOrString minAvailable = pdb.getSpec().getMinAvailable();
    if (maxUnavailable != null) {
      int expected = scales.of(selected);
      int unavailable = scaled(maxUnavailable, expected);
      return new int[] {expected, Math.max(0, expected - unavailable)};
    }
    if (minAvailable != null) {
      if (minAvailable.getIntVal() != null) {
        return new int[] {selected.size(), minAvailable.getIntVal()};
      }
      int expected = scales.of(selected);
      return new int[] {expected, scaled(minAvailable, expected)};
    }
    return new int[] {selected.size(), 0};
  }

  /** An int, or a percentage of {@code total} rounded up (upstream's GetScaledValueFromIntOrPercent, roundUp). */
  static int scaled(IntOrString v, int total) {
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal() == null ? "0" : v.getStrVal().trim();
    if (s.endsWith("%")) {
      int pct = Integer.parseInt(s.substring(0, s.length() - 1));
      return (int) Math.ceil(pct * (double) total / 100.0);
    }
    return Integer.parseInt(s);
  }

  /** What upstream writes when the numbers cannot be worked out: no disruption allowed, SyncFailed. */
  private void failSafe(PodDisruptionBudget pdb, String message) {
    PodDisruptionBudgetStatus st = pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
    writeStatus(pdb, n(st.getCurrentHealthy()), n(st.getDesiredHealthy()), n(st.getExpectedPods()), 0,
        st.getDisruptedPods() == null ? Map.of() : st.getDisruptedPods(), "SyncFailed", message,
        st.getObservedGeneration());
  }

  private void writeStatus(PodDisruptionBudget pdb, int healthy, int desired, int expected, int allowed,
      Map<String, String> disrupted, String reason, String message, Long observedGeneration) {
    PodDisruptionBudgetStatus old = pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
    Condition prev = old.getConditions() == null ? null : old.getConditions().stream()
        .filter(c -> "DisruptionAllowed".equals(c.getType())).findFirst().orElse(null);
    String status = allowed > 0 ? "True" : "False";
    String transition = prev != null && status.equals(prev.getStatus()) && prev.getLastTransitionTime() != null
        ? prev.getLastTransitionTime() : clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    Condition condition = new ConditionBuilder().withType("DisruptionAllowed").withStatus(status).withReason(reason)
        .withMessage(message).withObservedGeneration(pdb.getMetadata().getGeneration())
        .withLastTransitionTime(transition).build();
    PodDisruptionBudgetStatus st = new PodDisruptionBudgetStatus();
    st.setCurrentHealthy(healthy);
    st.setDesiredHealthy(desired);
    st.setExpectedPods(expected);
    st.setDisruptionsAllowed(allowed);
    st.setDisruptedPods(disrupted.isEmpty() ? null : new TreeMap<>(disrupted));
    st.setObservedGeneration(observedGeneration);
    st.setConditions(List.of(condition));
    if (Serialization.asJson(st).equals(Serialization.asJson(normalized(old)))) {
      return;
    }
    PodDisruptionBudget copy = Serialization.clone(pdb);
    copy.setStatus(st);
    try {
      writer.updateStatus(copy);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e; // a conflict (an eviction took a disruption meanwhile): computed again from the fresh object
      }
    }
  }

  private static PodDisruptionBudgetStatus normalized(PodDisruptionBudgetStatus s) {
    PodDisruptionBudgetStatus c = Serialization.clone(s);
    if (c.getDisruptedPods() != null && c.getDisruptedPods().isEmpty()) {
      c.setDisruptedPods(null);
    }
    if (c.getDisruptedPods() != null) {
      c.setDisruptedPods(new TreeMap<>(c.getDisruptedPods()));
    }
    return c;
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}

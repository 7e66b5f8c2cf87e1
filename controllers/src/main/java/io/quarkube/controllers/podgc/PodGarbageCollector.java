package io.quarkube.controllers.podgc;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Pods;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's {@code pod-garbage-collector}, run every 20 s: (1) once more than {@code terminatedPodThreshold}
 * (12500) pods are Succeeded/Failed, the oldest beyond it are deleted; (2) pods bound to a node that has been
 * missing for 40 s (a quarantine, so a node being re-registered is not mistaken for a gone one) are marked Failed
 * with a {@code DisruptionTarget} condition and force-deleted; (3) terminating pods that were never scheduled are
 * force-deleted, since no kubelet will ever confirm them.
 */
public final class PodGarbageCollector extends Controller<String> {
  public static final String NAME = "podgc";
  static final String KEY = "podgc";
  static final Duration PERIOD = Duration.ofSeconds(20);
  static final Duration QUARANTINE = Duration.ofSeconds(40);

  private final Indexer<Pod> pods;
  private final Indexer<Node> nodes;
  private final ObjectWriter writer;
  private final Clock clock;
  private final int terminatedThreshold;
  /** node name → when this controller first saw pods bound to it while it was missing. */
  private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();

  public PodGarbageCollector(ControllerContext ctx, int terminatedThreshold) {
    this(ctx, terminatedThreshold, Clock.systemUTC());
  }

  PodGarbageCollector(ControllerContext ctx, int terminatedThreshold, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.terminatedThreshold = terminatedThreshold;
    this.pods = ctx.informers().indexer(Pod.class);
    this.nodes = ctx.informers().indexer(Node.class);
    this.writer = ctx.writer();
    // A node going away starts its quarantine at once rather than at the next round.
    ctx.informers().addEventHandler(Node.class, new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
      @Override
      public void onAdd(Node n) {}

      @Override
      public void onUpdate(Node o, Node n) {}

      @Override
      public void onDelete(Node n, boolean unknown) {
        enqueue(KEY);
      }
    });
    waitForSync(ctx.informers(), Pod.class);
    waitForSync(ctx.informers(), Node.class);
    enqueue(KEY);
  }

  @Override
  protected void reconcile(String key) {
    Duration next = PERIOD;
    try {
      gcTerminated();
      Instant quarantineEnds = gcOrphaned();
      if (quarantineEnds != null) {
        Duration until = Duration.between(clock.instant(), quarantineEnds);
        next = until.compareTo(next) < 0 ? until.plusMillis(100) : next;
      }
      gcUnscheduledTerminating();
    } finally {
      queue.addAfter(KEY, next);
    }
  }

  private void gcTerminated() {
    if (terminatedThreshold <= 0) {
      return;
    }
    List<Pod> terminated = pods.list().stream().filter(p -> isTerminated(p) && !isDeleting(p))
        .sorted(Comparator.comparing(Pods::created)).toList();
    int excess = terminated.size() - terminatedThreshold;
    for (int i = 0; i < excess; i++) {
      delete(terminated.get(i), false);
    }
  }

  /** Deletes pods of nodes gone longer than the quarantine; returns when the next quarantine ends (or null). */
  private Instant gcOrphaned() {
    Instant now = clock.instant();
    Instant nextEnd = null;
    Set<String> known = new HashSet<>();
    nodes.list().forEach(n -> known.add(n.getMetadata().getName()));
    Set<String> stillMissing = new HashSet<>();
    for (Pod p : pods.list()) {
      String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
      if (node == null || node.isEmpty() || known.contains(node)) {
        continue;
      }
      stillMissing.add(node);
      Instant since = missingSince.computeIfAbsent(node, n -> now);
      if (now.isBefore(since.plus(QUARANTINE))) {
        Instant end = since.plus(QUARANTINE);
        nextEnd = nextEnd == null || end.isBefore(nextEnd) ? end : nextEnd;
        continue;
      }
      markFailed(p, "PodGC: node no longer exists");
      delete(p, true);
    }
    missingSince.keySet().retainAll(stillMissing);
    return nextEnd;
  }

  private void gcUnscheduledTerminating() {
    for (Pod p : pods.list()) {
      boolean unscheduled = p.getSpec() == null || p.getSpec().getNodeName() == null
          || p.getSpec().getNodeName().isEmpty();
      if (unscheduled && isDeleting(p)) {
        delete(p, true);
      }
    }
  }

  /** Upstream sets phase Failed and DisruptionTarget (reason DeletionByPodGC) before deleting a running pod. */
  private void markFailed(Pod p, String message) {
    if (isTerminated(p)) {
      return;
    }
    Pod copy = Serialization.clone(p);
    List<PodCondition> conditions = copy.getStatus() == null || copy.getStatus().getConditions() == null
        ? new ArrayList<>() : new ArrayList<>(copy.getStatus().getConditions());
    conditions.removeIf(c -> "DisruptionTarget".equals(c.getType()));
    conditions.add(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
        .withReason("DeletionByPodGC").withMessage(message).withLastTransitionTime(clock.instant()
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).build());
    try {
      writer.updateStatus(new PodBuilder(copy).editOrNewStatus().withPhase("Failed").withConditions(conditions)
          .endStatus().build());
    } catch (RuntimeException e) {
      // best effort: the deletion below is what matters
    }
  }

  private void delete(Pod p, boolean force) {
    try {
      if (force) {
        writer.forceDelete(p);
      } else {
        writer.delete(p, null);
      }
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  private static boolean isTerminated(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static boolean isDeleting(Pod p) {
    return p.getMetadata().getDeletionTimestamp() != null;
  }
}

package io.quarkube.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's {@code taint-eviction-controller} (the NoExecute taint manager): a pod on a node with NoExecute taints
 * is deleted at once when it does not tolerate all of them, else when the shortest {@code tolerationSeconds} of the
 * tolerations it used has passed since the taint was added (no tolerationSeconds: it stays). The pod first gets
 * {@code DisruptionTarget} (reason {@code DeletionByTaintManager}) as upstream does. Keyed by node; pods with a
 * pending eviction make the node come back at that time.
 */
public final class TaintEvictionController extends Controller<String> {
  public static final String NAME = "taint-eviction-controller";

  private final Indexer<Node> nodes;
  private final Indexer<Pod> pods;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  /** The delay the last reconcile asked for (tests). */
  volatile Duration lastRequeue;

  public TaintEvictionController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  TaintEvictionController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.nodes = ctx.informers().indexer(Node.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.writer = ctx.writer();
    this.events = ctx.recorder("taint-eviction-controller");
    PodsByNode.register(ctx.informers());
    ctx.informers().addEventHandler(Node.class, enqueueing(n -> n.getMetadata().getName()));
    ctx.informers().addEventHandler(Pod.class, enqueueing(p -> p.getSpec() == null ? null
        : p.getSpec().getNodeName()));
    waitForSync(ctx.informers(), Node.class);
    waitForSync(ctx.informers(), Pod.class);
  }

  @Override
  protected void reconcile(String nodeName) {
    lastRequeue = null;
    Node node = nodes.getByKey(nodeName);
    if (node == null) {
      return;
    }
    List<Taint> noExecute = NodeTaints.taints(node).stream()
        .filter(t -> NodeTaints.NO_EXECUTE.equals(t.getEffect())).toList();
    if (noExecute.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    Instant nextDue = null;
    for (Pod p : pods.byIndex(PodsByNode.INDEX, nodeName)) {
      if (p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Instant due = evictionTime(p, noExecute);
      if (due == null) {
        continue;
      }
      if (!now.isBefore(due)) {
        evict(p, now);
      } else if (nextDue == null || due.isBefore(nextDue)) {
        nextDue = due;
      }
    }
    if (nextDue != null) {
      lastRequeue = Duration.between(now, nextDue);
      queue.addAfter(nodeName, lastRequeue);
    }
  }

  /** When the pod must go (EPOCH: at once), or null if it tolerates the taints forever. */
  static Instant evictionTime(Pod p, List<Taint> noExecute) {
    Instant due = null;
    boolean forever = true;
    for (Taint taint : noExecute) {
      List<Toleration> used = new ArrayList<>();
      for (Toleration tol : NodeTaints.tolerations(p)) {
        if (NodeTaints.tolerates(tol, taint)) {
          used.add(tol);
        }
      }
      if (used.isEmpty()) {
        return Instant.EPOCH;
      }
      Long seconds = null;
      boolean unbounded = false;
      for (Toleration tol : used) {
        if (tol.getTolerationSeconds() == null) {
          unbounded = true;
        } else {
          seconds = seconds == null ? tol.getTolerationSeconds() : Math.min(seconds, tol.getTolerationSeconds());
        }
      }
      if (unbounded && seconds == null) {
        continue; // tolerated for ever
      }
      forever = false;
      Instant added = taint.getTimeAdded() == null ? Instant.EPOCH : Instant.parse(taint.getTimeAdded());
      Instant at = added.plusSeconds(Math.max(0, seconds));
      due = due == null || at.isBefore(due) ? at : due;
    }
    return forever ? null : due;
  }

  private void evict(Pod p, Instant now) {
    String name = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    events.normal(p, "TaintManagerEviction", "Marking for deletion Pod %s", name);
    Pod copy = Serialization.clone(p);
    List<PodCondition> conditions = copy.getStatus() == null || copy.getStatus().getConditions() == null
        ? new ArrayList<>() : new ArrayList<>(copy.getStatus().getConditions());
    if (conditions.stream().noneMatch(c -> "DisruptionTarget".equals(c.getType()))) {
      conditions.add(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
          .withReason("DeletionByTaintManager").withMessage("Taint manager: deleting due to NoExecute taint")
          .withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString()).build());
      try {
        writer.updateStatus(new PodBuilder(copy).editOrNewStatus().withConditions(conditions).endStatus().build());
      } catch (RuntimeException e) {
        // best effort: the deletion is what matters
      }
    }
    try {
      writer.delete(p, null);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }
}

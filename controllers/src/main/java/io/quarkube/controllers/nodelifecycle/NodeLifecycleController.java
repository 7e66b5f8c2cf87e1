package io.quarkube.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's {@code node-lifecycle} controller. A node is healthy while its kubelet renews its Lease in
 * {@code kube-node-lease} or posts a new Ready heartbeat; when neither happened for the grace period (40 s) every
 * condition becomes Unknown ({@code NodeStatusUnknown}, "Kubelet stopped posting node status.") and the node's pods
 * lose Ready. Ready=Unknown taints the node {@code node.kubernetes.io/unreachable}, Ready=False
 * {@code node.kubernetes.io/not-ready}, each NoSchedule at once and NoExecute through a rate limiter (upstream's
 * eviction rate, 0.1 node/s); a healthy node loses them again. Time is measured on this controller's own clock from
 * when it observed a change, never from the timestamps the kubelet wrote, so clock skew does not matter.
 * When every node is unhealthy (this manager is probably the one cut off) no NoExecute taint is added, like
 * upstream's full-disruption mode. The {@code taint-eviction-controller} acts on the NoExecute taints.
 * Like upstream's TaintNodesByCondition it also keeps NoSchedule taints in step with the pressure conditions
 * ({@code node.kubernetes.io/memory-pressure}, disk-pressure, pid-pressure, network-unavailable) and with
 * {@code spec.unschedulable} ({@code node.kubernetes.io/unschedulable}, what {@code kubectl cordon} leads to).
 */
public final class NodeLifecycleController extends Controller<String> {
  public static final String NAME = "nodelifecycle";
  static final String LEASE_NAMESPACE = "kube-node-lease";
  static final Duration MONITOR_PERIOD = Duration.ofSeconds(5);
  static final Duration STARTUP_GRACE = Duration.ofSeconds(60);
  private static final List<String> CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

  private final Indexer<Node> nodes;
  private final Indexer<Lease> leases;
  private final Indexer<Pod> pods;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration grace;
  private final TokenBucket evictionLimiter;
  private final Map<String, Health> health = new ConcurrentHashMap<>();

  /** What was last observed of a node, and when (on our clock) it last showed a sign of life. */
  record Health(String heartbeat, String leaseRenew, Instant probe) {}

  public NodeLifecycleController(ControllerContext ctx, Duration grace, double evictionQps) {
    this(ctx, grace, evictionQps, Clock.systemUTC());
  }

  NodeLifecycleController(ControllerContext ctx, Duration grace, double evictionQps, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.grace = grace;
    this.evictionLimiter = new TokenBucket(clock, evictionQps, 1);
    this.nodes = ctx.informers().indexer(Node.class);
    this.leases = ctx.informers().indexer(Lease.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.writer = ctx.writer();
    this.events = ctx.recorder("node-controller");
    PodsByNode.register(ctx.informers());
    ctx.informers().addEventHandler(Node.class, enqueueing(n -> n.getMetadata().getName()));
    ctx.informers().addEventHandler(Lease.class, enqueueing(l -> LEASE_NAMESPACE.equals(
        l.getMetadata().getNamespace()) ? l.getMetadata().getName() : null));
    waitForSync(ctx.informers(), Node.class);
    waitForSync(ctx.informers(), Lease.class);
    waitForSync(ctx.informers(), Pod.class);
  }

  @Override
  protected void reconcile(String name) {
    Node cached = nodes.getByKey(name);
    if (cached == null) {
      health.remove(name);
      return;
    }
    try {
      Node node = Serialization.clone(cached);
      Instant now = clock.instant();
      NodeCondition ready = NodeTaints.condition(node, "Ready").orElse(null);
      Health h = observe(node, ready, now);
      Duration period = ready == null ? STARTUP_GRACE : grace;
      if (now.isAfter(h.probe().plus(period))) {
        node = markUnknown(node, ready == null, now);
      }
      updateTaints(node, now);
    } finally {
      queue.addAfter(name, MONITOR_PERIOD);
    }
  }

  private Health observe(Node node, NodeCondition ready, Instant now) {
    String name = node.getMetadata().getName();
    String heartbeat = ready == null ? null : ready.getLastHeartbeatTime();
    Lease lease = leases.getByKey(LEASE_NAMESPACE + "/" + name);
    String renew = lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null ? null
        : lease.getSpec().getRenewTime().toInstant().toString();
    Health old = health.get(name);
    Health h;
    if (old == null) {
      // First sight: give it a full grace period from now (upstream does the same after a restart).
      Instant probe = ready == null && node.getMetadata().getCreationTimestamp() != null
          ? Instant.parse(node.getMetadata().getCreationTimestamp()) : now;
      h = new Health(heartbeat, renew, probe);
    } else if (!Objects.equals(old.heartbeat(), heartbeat) || renew != null && !renew.equals(old.leaseRenew())) {
      h = new Health(heartbeat, renew, now);
    } else {
      h = old;
    }
    health.put(name, h);
    return h;
  }

  /** Sets every condition Unknown as upstream does when the kubelet went silent; marks the node's pods not Ready. */
  private Node markUnknown(Node node, boolean neverPosted, Instant now) {
    String t = now.truncatedTo(ChronoUnit.SECONDS).toString();
    List<NodeCondition> conditions = node.getStatus() == null || node.getStatus().getConditions() == null
        ? new ArrayList<>() : new ArrayList<>(node.getStatus().getConditions());
    boolean changed = false;
    boolean readyWentUnknown = false;
    for (String type : CONDITIONS) {
      NodeCondition c = conditions.stream().filter(x -> type.equals(x.getType())).findFirst().orElse(null);
      if (c == null) {
        conditions.add(new NodeConditionBuilder().withType(type).withStatus("Unknown")
            .withReason("NodeStatusNeverUpdated").withMessage("Kubelet never posted node status.")
            .withLastHeartbeatTime(node.getMetadata().getCreationTimestamp()).withLastTransitionTime(t).build());
        changed = true;
      } else if (!"Unknown".equals(c.getStatus())) {
        readyWentUnknown |= "Ready".equals(type);
        c.setStatus("Unknown");
        c.setReason("NodeStatusUnknown");
        c.setMessage("Kubelet stopped posting node status.");
        c.setLastTransitionTime(t);
        changed = true;
      }
    }
    if (!changed) {
      return node;
    }
    Node updated = writer.updateStatus(new NodeBuilder(node).editOrNewStatus().withConditions(conditions)
        .endStatus().build());
    if (readyWentUnknown || neverPosted) {
      events.normal(node, "NodeNotReady", "Node %s status is now: NodeNotReady", node.getMetadata().getName());
      markPodsNotReady(node.getMetadata().getName(), t);
    }
    return updated;
  }

  private void markPodsNotReady(String nodeName, String t) {
    for (Pod p : pods.byIndex(PodsByNode.INDEX, nodeName)) {
      if (p.getStatus() == null || p.getStatus().getConditions() == null) {
        continue;
      }
      Pod copy = Serialization.clone(p);
      boolean changed = false;
      for (PodCondition c : copy.getStatus().getConditions()) {
        if ("Ready".equals(c.getType()) && !"False".equals(c.getStatus())) {
          c.setStatus("False");
          c.setLastTransitionTime(t);
          changed = true;
        }
      }
      if (changed) {
        try {
          writer.updateStatus(new PodBuilder(copy).build());
        } catch (RuntimeException e) {
          // a conflict or a deleted pod: the pod changed meanwhile, nothing to insist on
        }
      }
    }
  }

  private void updateTaints(Node node, Instant now) {
    String ready = NodeTaints.ready(node);
    String wantKey = "False".equals(ready) ? NodeTaints.NOT_READY
        : "Unknown".equals(ready) ? NodeTaints.UNREACHABLE : null;
    Set<String> noSchedule = NodeTaints.noScheduleKeys(node);
    List<Taint> current = NodeTaints.taints(node);
    List<Taint> wanted = new ArrayList<>();
    for (Taint t : current) {
      boolean keep = NodeTaints.NO_EXECUTE.equals(t.getEffect()) ? t.getKey().equals(wantKey)
          : noSchedule.contains(t.getKey());
      if (!NodeTaints.isOurs(t) || keep) {
        wanted.add(t);
      }
    }
    for (String key : noSchedule) {
      if (wanted.stream().noneMatch(t -> key.equals(t.getKey()) && NodeTaints.NO_SCHEDULE.equals(t.getEffect()))) {
        wanted.add(new TaintBuilder().withKey(key).withEffect(NodeTaints.NO_SCHEDULE).build());
      }
    }
    if (wantKey != null) {
      boolean hasNoExecute = wanted.stream().anyMatch(t -> wantKey.equals(t.getKey())
          && NodeTaints.NO_EXECUTE.equals(t.getEffect()));
      if (!hasNoExecute && !fullDisruption(node.getMetadata().getName())) {
        if (evictionLimiter.tryAccept()) {
          wanted.add(new TaintBuilder().withKey(wantKey).withEffect(NodeTaints.NO_EXECUTE)
              .withTimeAdded(now.truncatedTo(ChronoUnit.SECONDS).toString()).build());
        } else {
          queue.addAfter(node.getMetadata().getName(), evictionLimiter.untilNext());
        }
      }
    }
    if (Serialization.asJson(wanted).equals(Serialization.asJson(current))) {
      return;
    }
    Node fresh = nodes.getByKey(node.getMetadata().getName());
    Node base = fresh != null && Objects.equals(fresh.getMetadata().getResourceVersion(),
        node.getMetadata().getResourceVersion()) ? Serialization.clone(fresh) : node;
    base.getSpec().setTaints(wanted);
    try {
      writer.update(base);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  /** Every node unhealthy (no Ready=True anywhere): more likely our view is broken than the whole cluster. */
  private boolean fullDisruption(String except) {
    return nodes.list().stream().filter(n -> !n.getMetadata().getName().equals(except))
        .noneMatch(n -> "True".equals(NodeTaints.ready(n)));
  }
}

package io.quarkube.controllers.nodelifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.MutableClock;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeLifecycleControllerTest {
  private static final Instant T0 = Instant.parse("2026-03-04T10:00:00Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final MutableClock clock = new MutableClock(T0);
  private final List<String> events = new ArrayList<>();
  private final ControllerContext ctx = new ControllerContext(caches, writer,
      c -> (obj, type, reason, msg) -> events.add(reason + ": " + msg), null, null);
  private final NodeLifecycleController lifecycle = new NodeLifecycleController(ctx, Duration.ofSeconds(40), 0.1,
      clock);
  private final TaintEvictionController eviction = new TaintEvictionController(ctx, clock);

  private Node node(String name, String ready) {
    return new NodeBuilder().withNewMetadata().withName(name).withResourceVersion("1")
        .withCreationTimestamp(T0.toString()).endMetadata().withNewSpec().endSpec().withNewStatus()
        .addNewCondition().withType("Ready").withStatus(ready).withReason("KubeletReady")
        .withLastHeartbeatTime(T0.toString()).withLastTransitionTime(T0.toString()).endCondition()
        .addNewCondition().withType("MemoryPressure").withStatus("False").endCondition().endStatus().build();
  }

  private void renewLease(String name) {
    caches.put(new LeaseBuilder().withNewMetadata().withNamespace("kube-node-lease").withName(name).endMetadata()
        .withNewSpec().withHolderIdentity(name).withRenewTime(clock.instant().atZone(ZoneOffset.UTC)).endSpec()
        .build());
  }

  private Node stored(String name) {
    return caches.indexer(Node.class).getByKey(name);
  }

  private List<String> taints(String name) {
    return NodeTaints.taints(stored(name)).stream().map(t -> t.getKey() + ":" + t.getEffect()).toList();
  }

  private Pod pod(String name, String node, Long unreachableSeconds) {
    PodBuilder b = new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).withUid(name).endMetadata()
        .withNewSpec().withNodeName(node).endSpec().withNewStatus().withPhase("Running").addNewCondition()
        .withType("Ready").withStatus("True").endCondition().endStatus();
    if (unreachableSeconds != null) {
      b.editSpec().addNewToleration().withKey(NodeTaints.UNREACHABLE).withOperator("Exists").withEffect("NoExecute")
          .withTolerationSeconds(unreachableSeconds).endToleration().endSpec();
    }
    return b.build();
  }

  @Test
  void aNodeThatStopsRenewingItsLeaseGoesUnknownAndGetsTheUnreachableTaints() {
    caches.put(node("alive", "True"));
    caches.put(node("quiet", "True"));
    caches.put(pod("p", "quiet", null));
    renewLease("alive");
    renewLease("quiet");
    lifecycle.reconcile("alive");
    lifecycle.reconcile("quiet");
    for (int i = 0; i < 8; i++) { // 40 s in steps of 5 s; only "alive" renews
      clock.advance(Duration.ofSeconds(5));
      renewLease("alive");
      lifecycle.reconcile("alive");
      lifecycle.reconcile("quiet");
    }
    assertEquals("True", NodeTaints.ready(stored("quiet")), "exactly at the grace period it is still fine");
    clock.advance(Duration.ofSeconds(5));
    renewLease("alive");
    lifecycle.reconcile("alive");
    lifecycle.reconcile("quiet");
    Node quiet = stored("quiet");
    var ready = NodeTaints.condition(quiet, "Ready").orElseThrow();
    assertEquals("Unknown", ready.getStatus());
    assertEquals("NodeStatusUnknown", ready.getReason());
    assertEquals("Kubelet stopped posting node status.", ready.getMessage());
    assertEquals("Unknown", NodeTaints.condition(quiet, "MemoryPressure").orElseThrow().getStatus());
    assertEquals("Unknown", NodeTaints.condition(quiet, "DiskPressure").orElseThrow().getStatus());
    assertTrue(taints("quiet").containsAll(List.of(NodeTaints.UNREACHABLE + ":NoSchedule",
        NodeTaints.UNREACHABLE + ":NoExecute")), taints("quiet").toString());
    assertEquals("True", NodeTaints.ready(stored("alive")));
    assertTrue(taints("alive").isEmpty());
    assertEquals("False", caches.indexer(Pod.class).getByKey("ns/p").getStatus().getConditions().get(0).getStatus(),
        "pods of the node lose Ready");
    assertTrue(events.contains("NodeNotReady: Node quiet status is now: NodeNotReady"));

    // The kubelet comes back: Ready=True again, taints go at once.
    caches.put(new NodeBuilder(stored("quiet")).editStatus().editFirstCondition().withStatus("True")
        .withLastHeartbeatTime(clock.instant().toString()).endCondition().endStatus().build());
    lifecycle.reconcile("quiet");
    assertTrue(taints("quiet").isEmpty());
  }

  @Test
  void readyFalseGivesNotReadyTaintsAndNoExecuteIsRateLimited() {
    caches.put(node("healthy", "True"));
    caches.put(node("a", "False"));
    caches.put(node("b", "False"));
    lifecycle.reconcile("a");
    lifecycle.reconcile("b");
    assertEquals(List.of(NodeTaints.NOT_READY + ":NoSchedule", NodeTaints.NOT_READY + ":NoExecute"), taints("a"));
    assertEquals(List.of(NodeTaints.NOT_READY + ":NoSchedule"), taints("b"), "one NoExecute per 10 s");
    clock.advance(Duration.ofSeconds(10));
    lifecycle.reconcile("b");
    assertTrue(taints("b").contains(NodeTaints.NOT_READY + ":NoExecute"));
  }

  @Test
  void cordonAndPressureConditionsBecomeNoScheduleTaintsAndGoAwayAgain() {
    Node n = node("n", "True");
    n.getSpec().setUnschedulable(true);
    n.getSpec().setTaints(List.of(new io.fabric8.kubernetes.api.model.TaintBuilder().withKey("example.com/own")
        .withEffect("NoSchedule").build()));
    n.getStatus().getConditions().get(1).setStatus("True"); // MemoryPressure
    caches.put(n);
    lifecycle.reconcile("n");
    assertEquals(List.of("example.com/own:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule",
        NodeTaints.UNSCHEDULABLE + ":NoSchedule"), taints("n"));

    Node uncordoned = stored("n");
    uncordoned.getSpec().setUnschedulable(false);
    uncordoned.getStatus().getConditions().get(1).setStatus("False");
    caches.put(uncordoned);
    lifecycle.reconcile("n");
    assertEquals(List.of("example.com/own:NoSchedule"), taints("n"), "only the taint the user set is left");
  }

  @Test
  void noNoExecuteWhenEveryNodeIsDown() {
    caches.put(node("only", "False"));
    lifecycle.reconcile("only");
    assertEquals(List.of(NodeTaints.NOT_READY + ":NoSchedule"), taints("only"));
  }

  @Test
  void taintManagerEvictsIntolerantPodsAtOnceAndTolerantOnesAfterTheirSeconds() {
    Taint t = new io.fabric8.kubernetes.api.model.TaintBuilder().withKey(NodeTaints.UNREACHABLE)
        .withEffect("NoExecute").withTimeAdded(T0.toString()).build();
    caches.put(new NodeBuilder(node("n", "Unknown")).editSpec().withTaints(t).endSpec().build());
    caches.put(pod("intolerant", "n", null));
    caches.put(pod("short", "n", 5L));
    caches.put(pod("long", "n", 300L));
    caches.put(new PodBuilder(pod("forever", "n", null)).editSpec().addNewToleration().withOperator("Exists")
        .endToleration().endSpec().build());
    eviction.reconcile("n");
    assertTrue(writer.actions().contains("delete Pod ns/intolerant"));
    assertFalse(writer.actions().contains("delete Pod ns/short"));
    assertEquals(Duration.ofSeconds(5), eviction.lastRequeue);
    clock.advance(Duration.ofSeconds(5));
    eviction.reconcile("n");
    assertTrue(writer.actions().contains("delete Pod ns/short"));
    assertFalse(writer.actions().contains("delete Pod ns/long"));
    assertEquals(Duration.ofSeconds(295), eviction.lastRequeue);
    clock.advance(Duration.ofDays(1));
    eviction.reconcile("n");
    assertTrue(writer.actions().contains("delete Pod ns/long"));
    assertFalse(writer.actions().contains("delete Pod ns/forever"));
    assertTrue(events.contains("TaintManagerEviction: Marking for deletion Pod ns/short"));
  }
}

package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduler against the real API server, with simulated nodes: pods land only on nodes that fit (resources,
 * selectors, taints, affinity, anti-affinity, spread), unschedulable pods get upstream's condition, message and
 * event, and are scheduled as soon as a fitting node appears.
 */
@ExtendWith(TestNamespace.class)
class SchedulingTest {
  private static final String ZONE = "topology.kubernetes.io/zone";
  private final SimNodes sim = new SimNodes();

  @AfterEach
  void cleanUp() {
    sim.close();
  }

  @Conformance("scheduling.resource-fit")
  @Test
  void podsLandOnlyOnNodesWithEnoughCpu(String ns) {
    sim.create("small", "1", "4Gi");
    sim.create("medium", "2", "4Gi");
    sim.create("big", "4", "4Gi");
    sim.create(sim.pod(ns, "needs-3", "3"));
    assertEquals(sim.name("big"), sim.awaitBound(ns, "needs-3"));
    // big has 1 cpu left now: 2 cpus only fit on medium.
    sim.create(sim.pod(ns, "needs-2", "2"));
    assertEquals(sim.name("medium"), sim.awaitBound(ns, "needs-2"));
    sim.create(sim.pod(ns, "needs-1500m", "1500m"));
    String msg = sim.awaitUnschedulable(ns, "needs-1500m", m -> reasons(m).equals(List.of("3 Insufficient cpu")));
    // Our three nodes lack cpu; every other node in the cluster fails our group's node selector.
    assertEquals(List.of("3 Insufficient cpu"), reasons(msg), msg);
    assertNull(sim.nodeOf(ns, "needs-1500m"));
  }

  @Conformance("scheduling.resource-fit")
  @Test
  void unschedulablePodGetsUpstreamsMessageAndIsScheduledWhenANodeFits(String ns) {
    sim.create("small", "1", "4Gi");
    sim.create(sim.node("gpu", "8", "16Gi"), new TaintBuilder().withKey("dedicated").withValue("gpu")
        .withEffect("NoSchedule").build());
    sim.create(sim.pod(ns, "web", "2"));
    List<String> expected = List.of("1 Insufficient cpu", "1 node(s) had untolerated taint {dedicated: gpu}");
    String msg = sim.awaitUnschedulable(ns, "web", m -> reasons(m).equals(expected));
    assertEquals(expected, reasons(msg), msg);
    Await.until(Duration.ofSeconds(20), "a FailedScheduling event", () -> events(ns, "web").stream()
        .anyMatch(e -> "FailedScheduling".equals(e.getReason()) && "Warning".equals(e.getType())
            && e.getMessage().startsWith(msg.substring(0, msg.indexOf(" preemption:")))));
    // kubectl describe shows it the way users see it.
    String describe = Kubectl.stock().run("describe", "pod", "web", "-n", ns).ok().out();
    assertTrue(describe.contains("FailedScheduling") && describe.contains("Insufficient cpu"), describe);

    sim.create("roomy", "4", "8Gi");
    assertEquals(sim.name("roomy"), sim.awaitBound(ns, "web"));
    Await.until(Duration.ofSeconds(20), "a Scheduled event", () -> events(ns, "web").stream().anyMatch(e ->
        "Scheduled".equals(e.getReason()) && e.getMessage().equals("Successfully assigned " + ns + "/web to "
            + sim.name("roomy"))));
    Await.until(Duration.ofSeconds(10), "PodScheduled=True", () -> sim.get(ns, "web").getStatus().getConditions()
        .stream().anyMatch(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus())));
  }

  private static final Pattern MESSAGE = Pattern.compile("0/(\\d+) nodes are available: (.*?)\\. preemption: .*");
  private static final Pattern OTHER_NODES = Pattern.compile("\\d+ node\\(s\\) didn't match Pod's node "
      + "affinity/selector");

  /**
   * The reasons of an upstream-style message ("0/N nodes are available: 1 x, 2 y. preemption: ..."), checking the
   * format and dropping the count of the cluster's other nodes (they fail the test group's node selector).
   */
  static List<String> reasons(String msg) {
    var m = MESSAGE.matcher(msg);
    assertTrue(m.matches(), "not upstream's format: " + msg);
    List<String> parts = List.of(m.group(2).split(", "));
    assertEquals(parts.stream().sorted().toList(), parts, "reasons are sorted: " + msg);
    return parts.stream().filter(p -> !OTHER_NODES.matcher(p).matches()).toList();
  }

  private List<Event> events(String ns, String pod) {
    return sim.client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName())).toList();
  }

  @Conformance("scheduling.taints-affinity-spread")
  @Test
  void taintsKeepPodsAwayUnlessTolerated(String ns) {
    sim.create(sim.node("tainted", "4", "4Gi"), new TaintBuilder().withKey("dedicated").withValue("db")
        .withEffect("NoSchedule").build());
    sim.create("plain", "4", "4Gi");
    for (int i = 0; i < 3; i++) {
      sim.create(sim.pod(ns, "any-" + i, "100m"));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(sim.name("plain"), sim.awaitBound(ns, "any-" + i));
    }
    sim.create(sim.pod(ns, "db", "100m").editSpec().addToNodeSelector("kubernetes.io/hostname", sim.name("tainted"))
        .withTolerations(new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("db")
            .withEffect("NoSchedule").build()).endSpec());
    assertEquals(sim.name("tainted"), sim.awaitBound(ns, "db"));
  }

  @Conformance("scheduling.taints-affinity-spread")
  @Test
  void nodeAffinityPodAffinityAndAntiAffinity(String ns) {
    sim.create("a1", "4", "4Gi", ZONE, "a");
    sim.create("a2", "4", "4Gi", ZONE, "a");
    sim.create("b1", "4", "4Gi", ZONE, "b");
    // Required node affinity: zone b only.
    sim.create(sim.pod(ns, "in-b", "100m").editMetadata().addToLabels("app", "in-b").endMetadata().editSpec()
        .withNewAffinity().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().addToMatchExpressions(
            new NodeSelectorRequirementBuilder().withKey(ZONE).withOperator("In").withValues("b").build())
        .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
        .endSpec());
    assertEquals(sim.name("b1"), sim.awaitBound(ns, "in-b"));
    // Anti-affinity on hostname: three replicas on three different nodes.
    for (int i = 0; i < 3; i++) {
      sim.create(sim.pod(ns, "spread-" + i, "100m").editMetadata().addToLabels("app", "spread").endMetadata()
          .editSpec().withNewAffinity().withNewPodAntiAffinity().addToRequiredDuringSchedulingIgnoredDuringExecution(
              new PodAffinityTermBuilder().withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app",
                  "spread").build()).withTopologyKey("kubernetes.io/hostname").build()).endPodAntiAffinity()
          .endAffinity().endSpec());
      sim.awaitBound(ns, "spread-" + i);
    }
    assertEquals(3, List.of(sim.nodeOf(ns, "spread-0"), sim.nodeOf(ns, "spread-1"), sim.nodeOf(ns, "spread-2"))
        .stream().distinct().count());
    // A fourth replica has nowhere to go.
    sim.create(sim.pod(ns, "spread-3", "100m").editMetadata().addToLabels("app", "spread").endMetadata()
        .editSpec().withNewAffinity().withNewPodAntiAffinity().addToRequiredDuringSchedulingIgnoredDuringExecution(
            new PodAffinityTermBuilder().withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app",
                "spread").build()).withTopologyKey("kubernetes.io/hostname").build()).endPodAntiAffinity()
        .endAffinity().endSpec());
    assertTrue(sim.awaitUnschedulable(ns, "spread-3").contains("3 node(s) didn't match pod anti-affinity rules"));
    // Pod affinity to the pod in zone b: same zone, although zone a has more room.
    sim.create(sim.pod(ns, "with-in-b", "100m").editSpec().withNewAffinity().withNewPodAffinity()
        .addToRequiredDuringSchedulingIgnoredDuringExecution(new PodAffinityTermBuilder()
            .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "in-b").build())
            .withTopologyKey(ZONE).build()).endPodAffinity().endAffinity().endSpec());
    assertEquals(sim.name("b1"), sim.awaitBound(ns, "with-in-b"));
  }

  @Conformance("scheduling.taints-affinity-spread")
  @Test
  void topologySpreadKeepsZonesEven(String ns) {
    sim.create("a1", "8", "8Gi", ZONE, "a");
    sim.create("b1", "8", "8Gi", ZONE, "b");
    for (int i = 0; i < 6; i++) {
      sim.create(sim.pod(ns, "w-" + i, "100m").editMetadata().addToLabels("app", "w").endMetadata().editSpec()
          .withTopologySpreadConstraints(new TopologySpreadConstraintBuilder().withMaxSkew(1).withTopologyKey(ZONE)
              .withWhenUnsatisfiable("DoNotSchedule").withLabelSelector(new LabelSelectorBuilder()
                  .addToMatchLabels("app", "w").build()).build()).endSpec());
      sim.awaitBound(ns, "w-" + i);
    }
    Map<String, Integer> perNode = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      perNode.merge(sim.nodeOf(ns, "w-" + i), 1, Integer::sum);
    }
    assertEquals(Map.of(sim.name("a1"), 3, sim.name("b1"), 3), perNode);
  }

  /**
   * Upstream's "validates that there exists conflict between pods with same hostPort and protocol but one using
   * 0.0.0.0 hostIP": a pod taking TCP 54322 on every address of the node leaves no room for one taking it on the
   * node's own address.
   */
  @Conformance("scheduling.host-port-conflict")
  @Test
  void aWildcardHostPortConflictsWithTheSamePortOnOneAddress(String ns) {
    sim.create("only", "4", "8Gi");
    sim.create(sim.pod(ns, "pod4", null).editSpec().editFirstContainer().addNewPort().withContainerPort(8080)
        .withHostPort(54322).withHostIP("0.0.0.0").withProtocol("TCP").endPort().endContainer().endSpec());
    assertEquals(sim.name("only"), sim.awaitBound(ns, "pod4"));
    sim.create(sim.pod(ns, "pod5", null).editSpec().editFirstContainer().addNewPort().withContainerPort(8080)
        .withHostPort(54322).withHostIP("10.11.12.13").withProtocol("TCP").endPort().endContainer().endSpec());
    String msg = sim.awaitUnschedulable(ns, "pod5", m -> m.contains("free ports"));
    assertTrue(msg.contains("1 node(s) didn't have free ports for the requested pod ports"), msg);
  }
}

package io.quarkube.scheduler.framework.plugins.podtopologyspread;

import static io.quarkube.scheduler.testing.Fixtures.defaultFramework;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.quarkube.scheduler.cache.Snapshot;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.runtime.Framework;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodTopologySpreadTest {
  private static final String ZONE = "topology.kubernetes.io/zone";

  private static NodeInfo zoneNode(String name, String zone, PodInfo... pods) {
    return nodeInfo(node(name, "4", "8Gi", 110).editMetadata().addToLabels(ZONE, zone).endMetadata().build(), pods);
  }

  private static PodInfo app(String name, String node) {
    return new PodInfo(pod(name, null, null).editMetadata().addToLabels("app", "web").endMetadata().editSpec()
        .withNodeName(node).endSpec().build());
  }

  private static PodInfo spreading(String name, String when, int maxSkew) {
    return new PodInfo(pod(name, null, null).editMetadata().addToLabels("app", "web").endMetadata().editSpec()
        .withTopologySpreadConstraints(new TopologySpreadConstraintBuilder().withMaxSkew(maxSkew)
            .withTopologyKey(ZONE).withWhenUnsatisfiable(when).withNewLabelSelector().addToMatchLabels("app", "web")
            .endLabelSelector().build()).endSpec().build());
  }

  private static PodTopologySpread plugin(List<NodeInfo> nodes, ClusterListers listers) {
    Framework fw = defaultFramework(listers, PodNominator.NONE, ApiActions.NONE);
    fw.setSnapshot(() -> Snapshot.of(nodes));
    return new PodTopologySpread(MissingNode.getInstance(), fw);
  }

  @Test
  void doNotScheduleKeepsSkewWithinMax() {
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a", app("w0", "a1"), app("w1", "a1")),
        zoneNode("b1", "b", app("w2", "b1")), zoneNode("c1", "c"));
    PodTopologySpread p = plugin(nodes, ClusterListers.EMPTY);
    PodInfo pod = spreading("w3", "DoNotSchedule", 1);
    CycleState s = new CycleState();
    assertTrue(p.preFilter(s, pod, nodes).status().isSuccess());
    Status a = p.filter(s, pod, nodes.get(0));
    assertEquals(Code.UNSCHEDULABLE, a.code());
    assertEquals("node(s) didn't match pod topology spread constraints", a.message());
    // zone b has 1, min is 0 (zone c): 1 + 1 - 0 = 2 > 1
    assertEquals(Code.UNSCHEDULABLE, p.filter(s, pod, nodes.get(1)).code());
    assertTrue(p.filter(s, pod, nodes.get(2)).isSuccess());
  }

  @Test
  void nodeWithoutTheTopologyLabelIsUnresolvable() {
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a"), nodeInfo(node("x")));
    PodTopologySpread p = plugin(nodes, ClusterListers.EMPTY);
    PodInfo pod = spreading("w", "DoNotSchedule", 1);
    CycleState s = new CycleState();
    p.preFilter(s, pod, nodes);
    Status st = p.filter(s, pod, nodes.get(1));
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, st.code());
    assertEquals("node(s) didn't match pod topology spread constraints (missing required label)", st.message());
  }

  @Test
  void scheduleAnywayScoresEmptierZonesHigher() {
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a", app("w0", "a1"), app("w1", "a1")),
        zoneNode("b1", "b", app("w2", "b1")), zoneNode("c1", "c"));
    PodTopologySpread p = plugin(nodes, ClusterListers.EMPTY);
    PodInfo pod = spreading("w3", "ScheduleAnyway", 1);
    CycleState s = new CycleState();
    assertTrue(p.preFilter(s, pod, nodes).status().isSkip());
    assertTrue(p.preScore(s, pod, nodes).isSuccess());
    long[] scores = nodes.stream().mapToLong(n -> p.score(s, pod, n)).toArray();
    p.normalizeScores(s, pod, nodes, scores);
    assertTrue(scores[2] > scores[1] && scores[1] > scores[0], java.util.Arrays.toString(scores));
    assertEquals(100, scores[2]);
  }

  @Test
  void defaultConstraintsApplyToPodsOfAService() {
    Service svc = new ServiceBuilder().withNewMetadata().withName("web").withNamespace("ns").endMetadata()
        .withNewSpec().addToSelector("app", "web").endSpec().build();
    ClusterListers listers = new ClusterListers() {
      @Override
      public List<Service> services(String namespace) {
        return List.of(svc);
      }
    };
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a", app("w0", "a1")), zoneNode("b1", "b"));
    PodTopologySpread p = plugin(nodes, listers);
    PodInfo pod = new PodInfo(pod("w1", null, null).editMetadata().addToLabels("app", "web").endMetadata().build());
    CycleState s = new CycleState();
    assertTrue(p.preScore(s, pod, nodes).isSuccess());
    long[] scores = nodes.stream().mapToLong(n -> p.score(s, pod, n)).toArray();
    p.normalizeScores(s, pod, nodes, scores);
    assertTrue(scores[1] > scores[0]);
    // A pod nothing selects gets no default constraints.
    assertTrue(p.preScore(new CycleState(), new PodInfo(pod("lonely")), nodes).isSkip());
  }
}

package io.quarkube.scheduler.framework.plugins.interpodaffinity;

import static io.quarkube.scheduler.testing.Fixtures.defaultFramework;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import io.quarkube.scheduler.cache.Snapshot;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.runtime.Framework;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterPodAffinityTest {
  private static final String ZONE = "topology.kubernetes.io/zone";

  private static NodeInfo zoneNode(String name, String zone, PodInfo... pods) {
    return nodeInfo(node(name, "4", "8Gi", 110).editMetadata().addToLabels(ZONE, zone).endMetadata().build(), pods);
  }

  private static PodInfo labelled(String name, String node, String app) {
    PodBuilder b = pod(name, null, null).editMetadata().addToLabels("app", app).endMetadata();
    if (node != null) {
      b.editSpec().withNodeName(node).endSpec();
    }
    return new PodInfo(b.build());
  }

  private static io.fabric8.kubernetes.api.model.PodAffinityTerm term(String app, String key) {
    return new PodAffinityTermBuilder().withNewLabelSelector().addToMatchLabels("app", app).endLabelSelector()
        .withTopologyKey(key).build();
  }

  private static PodInfo withAffinity(String name, String app, String wantApp) {
    return new PodInfo(pod(name, null, null).editMetadata().addToLabels("app", app).endMetadata().editSpec()
        .withNewAffinity().withNewPodAffinity().addToRequiredDuringSchedulingIgnoredDuringExecution(
            term(wantApp, ZONE)).endPodAffinity().endAffinity().endSpec().build());
  }

  private static PodInfo withAntiAffinity(String name, String app, String avoidApp, String node) {
    PodBuilder b = pod(name, null, null).editMetadata().addToLabels("app", app).endMetadata().editSpec()
        .withNewAffinity().withNewPodAntiAffinity().addToRequiredDuringSchedulingIgnoredDuringExecution(
            term(avoidApp, ZONE)).endPodAntiAffinity().endAffinity().endSpec();
    if (node != null) {
      b.editSpec().withNodeName(node).endSpec();
    }
    return new PodInfo(b.build());
  }

  private static List<Status> filterAll(PodInfo p, List<NodeInfo> nodes) {
    Framework fw = defaultFramework();
    fw.setSnapshot(() -> Snapshot.of(nodes));
    InterPodAffinity plugin = new InterPodAffinity(MissingNode.getInstance(), fw);
    CycleState s = new CycleState();
    var r = plugin.preFilter(s, p, nodes);
    List<Status> out = new ArrayList<>();
    for (NodeInfo n : nodes) {
      out.add(r.status().isSkip() ? Status.SUCCESS : plugin.filter(s, p, n));
    }
    return out;
  }

  @Test
  void affinityNeedsAMatchingPodInTheSameZone() {
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a", labelled("db", "a1", "db")), zoneNode("a2", "a"),
        zoneNode("b1", "b"));
    List<Status> s = filterAll(withAffinity("web", "web", "db"), nodes);
    assertTrue(s.get(0).isSuccess());
    assertTrue(s.get(1).isSuccess());
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.get(2).code());
    assertEquals("node(s) didn't match pod affinity rules", s.get(2).message());
  }

  @Test
  void firstPodOfAGroupMatchingItsOwnAffinityMayGoAnywhere() {
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a"), zoneNode("b1", "b"));
    List<Status> s = filterAll(withAffinity("web-0", "web", "web"), nodes);
    assertTrue(s.get(0).isSuccess());
    assertTrue(s.get(1).isSuccess());
  }

  @Test
  void antiAffinityAvoidsZonesWithMatchingPods() {
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a", labelled("web-0", "a1", "web")), zoneNode("b1", "b"));
    List<Status> s = filterAll(withAntiAffinity("web-1", "web", "web", null), nodes);
    assertEquals(Code.UNSCHEDULABLE, s.get(0).code());
    assertEquals("node(s) didn't match pod anti-affinity rules", s.get(0).message());
    assertTrue(s.get(1).isSuccess());
  }

  @Test
  void existingPodsAntiAffinityIsRespected() {
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a", withAntiAffinity("loner", "loner", "web", "a1")),
        zoneNode("b1", "b"));
    List<Status> s = filterAll(labelled("web-0", null, "web"), nodes);
    assertEquals("node(s) didn't satisfy existing pods anti-affinity rules", s.get(0).message());
    assertTrue(s.get(1).isSuccess());
  }

  @Test
  void preferredAffinityScoresZonesWithMatchingPodsHigher() {
    List<NodeInfo> nodes = List.of(zoneNode("a1", "a", labelled("db", "a1", "db")), zoneNode("b1", "b"));
    Framework fw = defaultFramework();
    fw.setSnapshot(() -> Snapshot.of(nodes));
    InterPodAffinity plugin = new InterPodAffinity(MissingNode.getInstance(), fw);
    PodInfo p = new PodInfo(pod("web", null, null).editSpec().withNewAffinity().withNewPodAffinity()
        .addToPreferredDuringSchedulingIgnoredDuringExecution(new WeightedPodAffinityTermBuilder().withWeight(50)
            .withPodAffinityTerm(term("db", ZONE)).build()).endPodAffinity().endAffinity().endSpec().build());
    CycleState s = new CycleState();
    assertTrue(plugin.preScore(s, p, nodes).isSuccess());
    long[] scores = {plugin.score(s, p, nodes.get(0)), plugin.score(s, p, nodes.get(1))};
    plugin.normalizeScores(s, p, nodes, scores);
    assertEquals(100, scores[0]);
    assertEquals(0, scores[1]);
  }

  @Test
  void preFilterExtensionsTrackRemovedPods() {
    PodInfo web0 = labelled("web-0", "a1", "web");
    NodeInfo a1 = zoneNode("a1", "a", web0);
    List<NodeInfo> nodes = List.of(a1);
    Framework fw = defaultFramework();
    fw.setSnapshot(() -> Snapshot.of(nodes));
    InterPodAffinity plugin = new InterPodAffinity(MissingNode.getInstance(), fw);
    PodInfo p = withAntiAffinity("web-1", "web", "web", null);
    CycleState s = new CycleState();
    plugin.preFilter(s, p, nodes);
    assertEquals(Code.UNSCHEDULABLE, plugin.filter(s, p, a1).code());
    a1.removePod(web0);
    plugin.preFilterExtensions().removePod(s, p, web0, a1);
    assertTrue(plugin.filter(s, p, a1).isSuccess());
  }
}

package io.quarkube.scheduler.framework.plugins.tainttoleration;

import static io.quarkube.scheduler.testing.Fixtures.info;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static io.quarkube.scheduler.testing.Fixtures.taint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaintTolerationTest {
  private final TaintToleration plugin = new TaintToleration();

  private static NodeInfo tainted(String name, io.fabric8.kubernetes.api.model.Taint... taints) {
    return nodeInfo(node(name, "4", "8Gi", 110).editSpec().withTaints(taints).endSpec().build());
  }

  @Test
  void untoleratedNoScheduleTaintRejectsWithUpstreamMessage() {
    Status s = plugin.filter(new CycleState(), info(pod("p")), tainted("n1", taint("dedicated", "gpu",
        "NoSchedule")));
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals("node(s) had untolerated taint {dedicated: gpu}", s.message());
  }

  @Test
  void emptyValueIsPrintedEmpty() {
    Status s = plugin.filter(new CycleState(), info(pod("p")), tainted("n1",
        taint("node-role.kubernetes.io/control-plane", null, "NoExecute")));
    assertEquals("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }", s.message());
  }

  @Test
  void toleratedTaintAndPreferNoScheduleDoNotReject() {
    PodInfo p = info(pod("p", null, null).editSpec().withTolerations(new TolerationBuilder().withKey("dedicated")
        .withOperator("Equal").withValue("gpu").withEffect("NoSchedule").build()).endSpec().build());
    assertTrue(plugin.filter(new CycleState(), p, tainted("n1", taint("dedicated", "gpu", "NoSchedule"))).isSuccess());
    assertTrue(plugin.filter(new CycleState(), info(pod("q")), tainted("n1", taint("a", "b", "PreferNoSchedule")))
        .isSuccess());
  }

  @Test
  void existsWithEmptyKeyToleratesEverything() {
    PodInfo p = info(pod("p", null, null).editSpec().withTolerations(new TolerationBuilder().withOperator("Exists")
        .build()).endSpec().build());
    assertTrue(plugin.filter(new CycleState(), p, tainted("n1", taint("x", "y", "NoExecute"))).isSuccess());
  }

  @Test
  void scorePrefersFewerUntoleratedPreferNoScheduleTaints() {
    PodInfo p = info(pod("p"));
    List<NodeInfo> nodes = List.of(tainted("n0"), tainted("n1", taint("a", "1", "PreferNoSchedule")),
        tainted("n2", taint("a", "1", "PreferNoSchedule"), taint("b", "2", "PreferNoSchedule")));
    CycleState state = new CycleState();
    assertTrue(plugin.preScore(state, p, nodes).isSuccess());
    long[] scores = new long[3];
    for (int i = 0; i < 3; i++) {
      scores[i] = plugin.score(state, p, nodes.get(i));
    }
    plugin.normalizeScores(state, p, nodes, scores);
    assertArrayEquals(new long[] {100, 50, 0}, scores);
  }
}

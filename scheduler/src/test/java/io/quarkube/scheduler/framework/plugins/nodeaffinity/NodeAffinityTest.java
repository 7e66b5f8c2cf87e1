package io.quarkube.scheduler.framework.plugins.nodeaffinity;

import static io.quarkube.scheduler.testing.Fixtures.info;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.Status;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeAffinityTest {
  private final NodeAffinity plugin = new NodeAffinity(MissingNode.getInstance());

  private static NodeInfo labelled(String name, String... kv) {
    var b = node(name, "4", "8Gi", 110);
    for (int i = 0; i < kv.length; i += 2) {
      b.editMetadata().addToLabels(kv[i], kv[i + 1]).endMetadata();
    }
    return nodeInfo(b.build());
  }

  private Status filter(PodInfo p, NodeInfo n) {
    CycleState s = new CycleState();
    PreFilterPlugin.Result r = plugin.preFilter(s, p, List.of(n));
    if (r.status().isSkip()) {
      return Status.SUCCESS;
    }
    return plugin.filter(s, p, n);
  }

  @Test
  void nodeSelectorMustMatchAllLabels() {
    PodInfo p = info(pod("p", null, null).editSpec().addToNodeSelector("disk", "ssd").addToNodeSelector("zone", "a")
        .endSpec().build());
    assertTrue(filter(p, labelled("n1", "disk", "ssd", "zone", "a")).isSuccess());
    Status s = filter(p, labelled("n2", "disk", "ssd"));
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals("node(s) didn't match Pod's node affinity/selector", s.message());
  }

  @Test
  void requiredTermsAreOredAndExpressionsAnded() {
    PodInfo p = info(pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addToNodeSelectorTerms(new NodeSelectorTermBuilder().addToMatchExpressions(
            new NodeSelectorRequirementBuilder().withKey("zone").withOperator("In").withValues("a", "b").build(),
            new NodeSelectorRequirementBuilder().withKey("gpu").withOperator("DoesNotExist").build()).build())
        .addToNodeSelectorTerms(new NodeSelectorTermBuilder().addToMatchExpressions(
            new NodeSelectorRequirementBuilder().withKey("cores").withOperator("Gt").withValues("8").build()).build())
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec().build());
    assertTrue(filter(p, labelled("n1", "zone", "a")).isSuccess());
    assertFalse(filter(p, labelled("n2", "zone", "a", "gpu", "1")).isSuccess());
    assertTrue(filter(p, labelled("n3", "cores", "16")).isSuccess());
    assertFalse(filter(p, labelled("n4", "cores", "4")).isSuccess());
    assertFalse(filter(p, labelled("n5")).isSuccess());
  }

  @Test
  void matchFieldsOnNameNarrowsTheNodesInPreFilter() {
    PodInfo p = info(pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addToNodeSelectorTerms(new NodeSelectorTermBuilder().addToMatchFields(new NodeSelectorRequirementBuilder()
            .withKey("metadata.name").withOperator("In").withValues("n2").build()).build())
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec().build());
    PreFilterPlugin.Result r = plugin.preFilter(new CycleState(), p, List.of());
    assertEquals(Set.of("n2"), r.nodes().nodeNames());
    assertTrue(filter(p, labelled("n2")).isSuccess());
    assertFalse(filter(p, labelled("n1")).isSuccess());
  }

  @Test
  void podWithoutConstraintsIsSkipped() {
    assertTrue(plugin.preFilter(new CycleState(), info(pod("p")), List.of()).status().isSkip());
    assertTrue(plugin.preScore(new CycleState(), info(pod("p")), List.of()).isSkip());
  }

  @Test
  void preferredTermsScoreByWeightNormalized() {
    PodInfo p = info(pod("p", null, null).editSpec().withNewAffinity().withNewNodeAffinity()
        .addToPreferredDuringSchedulingIgnoredDuringExecution(new PreferredSchedulingTermBuilder().withWeight(10)
            .withNewPreference().addToMatchExpressions(new NodeSelectorRequirementBuilder().withKey("zone")
                .withOperator("In").withValues("a").build()).endPreference().build())
        .addToPreferredDuringSchedulingIgnoredDuringExecution(new PreferredSchedulingTermBuilder().withWeight(30)
            .withNewPreference().addToMatchExpressions(new NodeSelectorRequirementBuilder().withKey("ssd")
                .withOperator("Exists").build()).endPreference().build())
        .endNodeAffinity().endAffinity().endSpec().build());
    List<NodeInfo> nodes = List.of(labelled("n1", "zone", "a"), labelled("n2", "ssd", "y"),
        labelled("n3", "zone", "a", "ssd", "y"), labelled("n4"));
    CycleState s = new CycleState();
    assertTrue(plugin.preScore(s, p, nodes).isSuccess());
    long[] scores = nodes.stream().mapToLong(n -> plugin.score(s, p, n)).toArray();
    assertArrayEquals(new long[] {10, 30, 40, 0}, scores);
    plugin.normalizeScores(s, p, nodes, scores);
    assertArrayEquals(new long[] {25, 75, 100, 0}, scores);
  }
}

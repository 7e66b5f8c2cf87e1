package io.quarkube.scheduler.framework.plugins.defaultpreemption;

import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.quarkube.scheduler.cache.Snapshot;
import io.quarkube.scheduler.config.ConfigLoader;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.Diagnosis;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.PostFilterPlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.InTreeRegistry;
import io.quarkube.scheduler.framework.runtime.Framework;
import io.quarkube.scheduler.framework.runtime.Parallelizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultPreemptionTest {
  private final List<String> evicted = new ArrayList<>();
  private final List<PodDisruptionBudget> pdbs = new ArrayList<>();
  private final ApiActions api = new ApiActions() {
    @Override
    public void evictVictim(Pod victim, Pod preemptor, String nodeName) {
      evicted.add(victim.getMetadata().getName() + "@" + nodeName);
    }

    @Override
    public void clearNominatedNodeName(Pod pod) {}
  };
  private final ClusterListers listers = new ClusterListers() {
    @Override
    public List<PodDisruptionBudget> pdbs() {
      return pdbs;
    }
  };

  private static PodInfo prio(String name, String cpu, int priority, String node, String app) {
    var b = pod(name, cpu, null).editSpec().withPriority(priority).endSpec().editMetadata().addToLabels("app", app)
        .endMetadata();
    if (node != null) {
      b.editSpec().withNodeName(node).endSpec();
    }
    return new PodInfo(b.build());
  }

  /** Runs PreFilter + Filter on all nodes like a cycle, then PostFilter. */
  private PostFilterPlugin.Result preempt(PodInfo p, List<NodeInfo> nodes) {
    Framework fw = new Framework(ConfigLoader.defaults().profiles().get(0), InTreeRegistry.create(), listers,
        PodNominator.NONE, api, new Parallelizer(1));
    Snapshot snap = Snapshot.of(nodes);
    fw.setSnapshot(() -> snap);
    CycleState state = new CycleState();
    assertTrue(fw.runPreFilterPlugins(state, p, nodes).status().isSuccess());
    Diagnosis d = new Diagnosis();
    for (NodeInfo n : nodes) {
      Status s = fw.runFilterPlugins(state, p, n);
      if (!s.isSuccess()) {
        d.nodeToStatus.set(n.name(), s);
      }
    }
    return fw.runPostFilterPlugins(state, p, d.nodeToStatus);
  }

  @Test
  void evictsTheLowestPriorityPodsThatMakeRoom() {
    List<NodeInfo> nodes = List.of(
        nodeInfo(node("n1", "2", "4Gi", 110).build(), prio("mid", "2", 50, "n1", "a")),
        nodeInfo(node("n2", "2", "4Gi", 110).build(), prio("low", "1", 10, "n2", "a"), prio("low2", "1", 10, "n2",
            "a")));
    PostFilterPlugin.Result r = preempt(prio("high", "2", 100, null, "b"), nodes);
    assertTrue(r.status().isSuccess(), r.status().toString());
    assertEquals("n2", r.nominatedNodeName());
    assertEquals(List.of("low2@n2", "low@n2"), evicted.stream().sorted().toList());
  }

  @Test
  void fewestVictimsWinAtEqualPriority() {
    List<NodeInfo> nodes = List.of(
        nodeInfo(node("n1", "2", "4Gi", 110).build(), prio("big", "2", 10, "n1", "a")),
        nodeInfo(node("n2", "2", "4Gi", 110).build(), prio("s1", "1", 10, "n2", "a"), prio("s2", "1", 10, "n2",
            "a")));
    PostFilterPlugin.Result r = preempt(prio("high", "2", 100, null, "b"), nodes);
    assertEquals("n1", r.nominatedNodeName());
    assertEquals(List.of("big@n1"), evicted);
  }

  @Test
  void onlyAsManyVictimsAsNeeded() {
    List<NodeInfo> nodes = List.of(nodeInfo(node("n1", "3", "4Gi", 110).build(), prio("a", "1", 10, "n1", "a"),
        prio("b", "1", 20, "n1", "a"), prio("c", "1", 30, "n1", "a")));
    preempt(prio("high", "1", 100, null, "b"), nodes);
    assertEquals(List.of("a@n1"), evicted);
  }

  @Test
  void pdbProtectedPodsAreSparedWhenPossible() {
    pdbs.add(new PodDisruptionBudgetBuilder().withNewMetadata().withName("pdb").withNamespace("ns").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "protected").endSelector().endSpec()
        .withNewStatus().withDisruptionsAllowed(0).endStatus().build());
    List<NodeInfo> nodes = List.of(
        nodeInfo(node("n1", "1", "4Gi", 110).build(), prio("guarded", "1", 10, "n1", "protected")),
        nodeInfo(node("n2", "1", "4Gi", 110).build(), prio("free", "1", 10, "n2", "other")));
    PostFilterPlugin.Result r = preempt(prio("high", "1", 100, null, "b"), nodes);
    assertEquals("n2", r.nominatedNodeName());
  }

  @Test
  void nothingToEvictGivesUpstreamsMessage() {
    List<NodeInfo> nodes = List.of(nodeInfo(node("n1", "1", "4Gi", 110).build(), prio("vip", "1", 1000, "n1", "a")));
    PostFilterPlugin.Result r = preempt(prio("high", "1", 100, null, "b"), nodes);
    assertTrue(r.status().isRejected());
    assertEquals("preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
        r.status().message());
  }

  @Test
  void preemptionPolicyNeverDoesNotPreempt() {
    List<NodeInfo> nodes = List.of(nodeInfo(node("n1", "1", "4Gi", 110).build(), prio("low", "1", 1, "n1", "a")));
    PodInfo p = new PodInfo(prio("high", "1", 100, null, "b").pod().edit().editSpec().withPreemptionPolicy("Never")
        .endSpec().build());
    PostFilterPlugin.Result r = preempt(p, nodes);
    assertEquals("preemption: not eligible due to preemptionPolicy=Never.", r.status().message());
    assertTrue(evicted.isEmpty());
  }

  @Test
  void unresolvableNodesAreNotHelped() {
    List<NodeInfo> nodes = List.of(nodeInfo(node("n1", "1", "4Gi", 110).editSpec().withUnschedulable(true)
        .endSpec().build(), prio("low", "1", 1, "n1", "a")));
    PostFilterPlugin.Result r = preempt(prio("high", "1", 100, null, "b"), nodes);
    assertEquals("preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
        r.status().message());
  }
}

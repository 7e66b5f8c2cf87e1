package io.quarkube.scheduler.cache;

import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SchedulerCacheTest {
  private final SchedulerCache cache = new SchedulerCache(Duration.ofSeconds(30).toNanos());

  @Test
  void assumedPodsCountUntilConfirmedOrForgotten() {
    cache.addOrUpdateNode(node("n1"));
    PodInfo p = new PodInfo(pod("p", "1", "1Gi").build());
    cache.assumePod(p, "n1");
    assertEquals(1000, cache.nodeInfo("n1").requested().milliCpu);
    assertTrue(cache.isAssumed(p.key()));
    // The informer confirms the binding: still counted once.
    cache.addPod(new PodInfo(p.pod().edit().editSpec().withNodeName("n1").endSpec().build()));
    assertFalse(cache.isAssumed(p.key()));
    assertEquals(1000, cache.nodeInfo("n1").requested().milliCpu);
    assertEquals(1, cache.nodeInfo("n1").pods().size());

    PodInfo q = new PodInfo(pod("q", "1", null).build());
    cache.assumePod(q, "n1");
    cache.forgetPod(q.key());
    assertEquals(1000, cache.nodeInfo("n1").requested().milliCpu);
  }

  @Test
  void assumedPodsExpireWhenTheBindingIsNeverConfirmed() {
    cache.addOrUpdateNode(node("n1"));
    PodInfo p = new PodInfo(pod("p", "1", null).build());
    cache.assumePod(p, "n1");
    cache.finishBinding(p.key(), 0);
    assertEquals(0, cache.cleanupExpiredAssumedPods(Duration.ofSeconds(29).toNanos()));
    assertEquals(1, cache.cleanupExpiredAssumedPods(Duration.ofSeconds(31).toNanos()));
    assertEquals(0, cache.nodeInfo("n1").requested().milliCpu);
  }

  @Test
  void snapshotCopiesOnlyChangedNodes() {
    cache.addOrUpdateNode(node("n1"));
    cache.addOrUpdateNode(node("n2"));
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    assertEquals(2, s.numNodes());
    NodeInfo n1 = s.get("n1");
    NodeInfo n2 = s.get("n2");
    cache.assumePod(new PodInfo(pod("p", "1", null).build()), "n2");
    cache.updateSnapshot(s);
    assertSame(n1, s.get("n1"));
    assertNotSame(n2, s.get("n2"));
    assertEquals(1000, s.get("n2").requested().milliCpu);
    assertSame(s.get("n2"), s.nodeInfos().get(1));
  }

  @Test
  void removedNodesLeaveTheSnapshotButTheirPodsStayUntilDeleted() {
    cache.addOrUpdateNode(node("n1"));
    PodInfo p = new PodInfo(pod("p", "1", null).editSpec().withNodeName("n1").endSpec().build());
    cache.addPod(p);
    cache.removeNode("n1");
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    assertEquals(0, s.numNodes());
    cache.addOrUpdateNode(node("n1"));
    cache.updateSnapshot(s);
    assertEquals(1000, s.get("n1").requested().milliCpu);
    cache.removePod(p);
    cache.updateSnapshot(s);
    assertEquals(0, s.get("n1").requested().milliCpu);
  }

  @Test
  void affinityListsFollowThePods() {
    cache.addOrUpdateNode(node("n1"));
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    assertTrue(s.havePodsWithRequiredAntiAffinity().isEmpty());
    PodInfo anti = new PodInfo(pod("a").edit().editSpec().withNodeName("n1").withNewAffinity().withNewPodAntiAffinity()
        .addNewRequiredDuringSchedulingIgnoredDuringExecution().withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector().endLabelSelector().endRequiredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity().endAffinity().endSpec().build());
    cache.addPod(anti);
    cache.updateSnapshot(s);
    assertEquals(1, s.havePodsWithRequiredAntiAffinity().size());
    cache.removePod(anti);
    cache.updateSnapshot(s);
    assertTrue(s.havePodsWithRequiredAntiAffinity().isEmpty());
  }
}

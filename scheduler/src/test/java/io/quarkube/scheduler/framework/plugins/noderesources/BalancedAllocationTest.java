package io.quarkube.scheduler.framework.plugins.noderesources;

import static io.quarkube.scheduler.testing.Fixtures.bound;
import static io.quarkube.scheduler.testing.Fixtures.info;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.PodInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class BalancedAllocationTest {
  private final BalancedAllocation plugin = new BalancedAllocation(MissingNode.getInstance());

  @Test
  void equalFractionsScoreHundred() {
    PodInfo p = info(pod("p", "1", "2Gi").build());
    assertEquals(100, plugin.score(new CycleState(), p, nodeInfo(node("n1", "4", "8Gi", 110).build())));
  }

  @Test
  void unevenFractionsScoreLower() {
    PodInfo p = info(pod("p", "1", "1Gi").build());
    var n = nodeInfo(node("n1", "4", "8Gi", 110).build(), bound(pod("a", "2", null), "n1"));
    // cpu 3/4 = 0.75, memory 1/8 = 0.125: std = 0.3125 -> 68
    assertEquals(68, plugin.score(new CycleState(), p, n));
  }

  @Test
  void bestEffortPodsAreSkipped() {
    assertTrue(plugin.preScore(new CycleState(), info(pod("p")), List.of()).isSkip());
  }
}

package io.quarkube.scheduler.framework.plugins.schedulinggates;

import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

class SchedulingGatesTest {
  @Test
  void gatedPodsWait() {
    SchedulingGates g = new SchedulingGates();
    assertTrue(g.preEnqueue(new PodInfo(pod("p"))).isSuccess());
    PodInfo gated = new PodInfo(pod("p").edit().editSpec().addNewSchedulingGate("example.com/wait")
        .endSpec().build());
    assertEquals("waiting for scheduling gates: [example.com/wait]", g.preEnqueue(gated).message());
  }
}

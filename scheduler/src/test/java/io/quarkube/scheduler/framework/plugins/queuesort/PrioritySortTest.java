package io.quarkube.scheduler.framework.plugins.queuesort;

import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.QueuedPodInfo;
import org.junit.jupiter.api.Test;

class PrioritySortTest {
  @Test
  void higherPriorityFirstThenOlderFirst() {
    PrioritySort s = new PrioritySort();
    QueuedPodInfo low = new QueuedPodInfo(new PodInfo(pod("low").edit().editSpec().withPriority(1).endSpec().build()),
        1);
    QueuedPodInfo high = new QueuedPodInfo(new PodInfo(pod("high").edit().editSpec().withPriority(5).endSpec()
        .build()), 2);
    QueuedPodInfo older = new QueuedPodInfo(new PodInfo(pod("older")), 1);
    QueuedPodInfo newer = new QueuedPodInfo(new PodInfo(pod("newer")), 2);
    assertTrue(s.compare(high, low) < 0);
    assertTrue(s.compare(older, newer) < 0);
  }
}

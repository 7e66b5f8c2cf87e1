package io.quarkube.scheduler.queue;

import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.QueuedPodInfo;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.queuesort.PrioritySort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final PrioritySort sort = new PrioritySort();
  private final SchedulingQueue q = new SchedulingQueue(sort::compare, p -> Status.SUCCESS,
      Map.of("NodeResourcesFit", List.of(ClusterEvent.ASSIGNED_POD_DELETE, ClusterEvent.NODE_ADD),
          "TaintToleration", List.of(ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.UPDATE_NODE_TAINT))),
      Duration.ofSeconds(1), Duration.ofSeconds(10), now::get, new Nominator());

  private static PodInfo prio(String name, int p) {
    return new PodInfo(pod(name).edit().editSpec().withPriority(p).endSpec().build());
  }

  private QueuedPodInfo pop() throws InterruptedException {
    return q.pop(0, TimeUnit.MILLISECONDS);
  }

  @Test
  void popsByPriorityThenAge() throws Exception {
    q.add(prio("low", 1));
    now.addAndGet(1);
    q.add(prio("high", 10));
    now.addAndGet(1);
    q.add(prio("low2", 1));
    assertEquals("high", pop().podInfo().name());
    assertEquals("low", pop().podInfo().name());
    assertEquals("low2", pop().podInfo().name());
    assertNull(pop());
  }

  @Test
  void unschedulablePodsMoveOnlyOnEventsTheirPluginsCareAbout() throws Exception {
    q.add(prio("p", 0));
    QueuedPodInfo p = pop();
    long cycle = q.schedulingCycle();
    p.unschedulablePlugins.add("TaintToleration");
    q.addUnschedulable(p, cycle, false);
    assertEquals("unschedulable", q.whereIs(p.key()));
    q.moveAllToActiveOrBackoff(ClusterEvent.ASSIGNED_POD_DELETE);
    assertEquals("unschedulable", q.whereIs(p.key()));
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    q.moveAllToActiveOrBackoff(ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.UPDATE_NODE_TAINT));
    assertEquals("active", q.whereIs(p.key()));
  }

  @Test
  void backoffDoublesUpToTheMaximum() throws Exception {
    q.add(prio("p", 0));
    QueuedPodInfo p = pop();
    assertEquals(Duration.ofSeconds(1).toNanos(), q.backoffDuration(p));
    p.attempts = 3;
    assertEquals(Duration.ofSeconds(4).toNanos(), q.backoffDuration(p));
    p.attempts = 10;
    assertEquals(Duration.ofSeconds(10).toNanos(), q.backoffDuration(p));
  }

  @Test
  void errorsGoToBackoffAndComeBackWhenItExpires() throws Exception {
    q.add(prio("p", 0));
    QueuedPodInfo p = pop();
    q.addUnschedulable(p, q.schedulingCycle(), true);
    assertEquals("backoff", q.whereIs(p.key()));
    q.flushBackoffCompleted();
    assertEquals("backoff", q.whereIs(p.key()));
    now.addAndGet(Duration.ofMillis(1001).toNanos());
    q.flushBackoffCompleted();
    assertEquals("active", q.whereIs(p.key()));
  }

  @Test
  void eventDuringTheAttemptSendsThePodToBackoffNotUnschedulable() throws Exception {
    q.add(prio("p", 0));
    QueuedPodInfo p = pop();
    long cycle = q.schedulingCycle();
    q.moveAllToActiveOrBackoff(ClusterEvent.NODE_ADD);
    p.unschedulablePlugins.add("NodeResourcesFit");
    q.addUnschedulable(p, cycle, false);
    assertEquals("backoff", q.whereIs(p.key()));
  }

  @Test
  void deletionDuringTheAttemptDropsThePod() throws Exception {
    PodInfo pi = prio("p", 0);
    q.add(pi);
    QueuedPodInfo p = pop();
    q.delete(pi);
    p.unschedulablePlugins.add("NodeResourcesFit");
    q.addUnschedulable(p, q.schedulingCycle(), false);
    assertNull(q.whereIs(p.key()));
  }

  @Test
  void leftoverUnschedulablePodsAreRetriedAfterFiveMinutes() throws Exception {
    q.add(prio("p", 0));
    QueuedPodInfo p = pop();
    p.unschedulablePlugins.add("TaintToleration");
    q.addUnschedulable(p, q.schedulingCycle(), false);
    q.flushUnschedulableLeftover();
    assertEquals("unschedulable", q.whereIs(p.key()));
    now.addAndGet(Duration.ofMinutes(5).plusSeconds(1).toNanos());
    q.flushUnschedulableLeftover();
    assertEquals("active", q.whereIs(p.key()));
  }

  @Test
  void gatedPodsWaitUntilUpdated() throws Exception {
    SchedulingQueue gq = new SchedulingQueue(sort::compare, p -> p.pod().getSpec().getSchedulingGates().isEmpty()
        ? Status.SUCCESS : Status.unresolvable("gated").withPlugin("SchedulingGates"), Map.of(),
        Duration.ofSeconds(1), Duration.ofSeconds(10), now::get, new Nominator());
    PodInfo gated = new PodInfo(pod("p").edit().editSpec().addNewSchedulingGate("x").endSpec().build());
    gq.add(gated);
    assertEquals("gated", gq.whereIs(gated.key()));
    PodInfo open = new PodInfo(gated.pod().edit().editSpec().withSchedulingGates().endSpec().build());
    gq.update(gated, open);
    assertEquals("active", gq.whereIs(gated.key()));
  }
}

package io.quarkube.scheduler.core;

import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static io.quarkube.scheduler.testing.Fixtures.taint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.scheduler.cache.SchedulerCache;
import io.quarkube.scheduler.config.ConfigLoader;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.InTreeRegistry;
import io.quarkube.scheduler.framework.runtime.Framework;
import io.quarkube.scheduler.framework.runtime.Parallelizer;
import io.quarkube.scheduler.queue.Nominator;
import io.quarkube.scheduler.queue.SchedulingQueue;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduling loop in-process: real framework, cache and queue; bindings and status writes recorded. */
class SchedulerTest {
  private final Map<String, String> bindings = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final Map<String, Pod> pods = new ConcurrentHashMap<>();
  private final SchedulerCache cache = new SchedulerCache(Duration.ofSeconds(30).toNanos());
  private final ExecutorService binders = Executors.newFixedThreadPool(4);
  private final Nominator nominator = new Nominator();
  private final ApiActions api = new ApiActions() {
    @Override
    public void evictVictim(Pod victim, Pod preemptor, String nodeName) {}

    @Override
    public void clearNominatedNodeName(Pod pod) {}

    @Override
    public Status bind(Pod pod, String nodeName) {
      bindings.put(pod.getMetadata().getName(), nodeName);
      return Status.SUCCESS;
    }
  };
  private final Framework fwk = new Framework(ConfigLoader.defaults().profiles().get(0), InTreeRegistry.create(),
      ClusterListers.EMPTY, nominator, api, new Parallelizer(2));
  private final SchedulingQueue queue = new SchedulingQueue(fwk::compareQueued, fwk::runPreEnqueuePlugins,
      fwk.eventsToRegister(), Duration.ofSeconds(1), Duration.ofSeconds(10), System::nanoTime, nominator);
  private final Scheduler scheduler = new Scheduler(cache, queue, Map.of("default-scheduler", fwk),
      new PodScheduler(0), binders, new PodStatusWriter() {
        @Override
        public void schedulingFailed(Pod pod, String reason, String message, String nominatedNodeName) {
          failures.put(pod.getMetadata().getName(), reason + ": " + message);
        }

        @Override
        public void scheduled(Pod pod, String nodeName) {}
      }, SchedulerMetrics.NONE, p -> pods.get(p.name()), System::nanoTime);

  @AfterEach
  void stop() {
    binders.shutdownNow();
  }

  private void submit(Pod p) {
    pods.put(p.getMetadata().getName(), p);
    queue.add(new PodInfo(p));
  }

  private void drain() throws Exception {
    while (scheduler.scheduleOne(0)) {
      // keep going while pods are active
    }
    binders.submit(() -> { }).get(5, TimeUnit.SECONDS);
    binders.shutdown();
    assertTrue(binders.awaitTermination(5, TimeUnit.SECONDS));
  }

  @Test
  void podsInFlightNeverOvercommitANode() throws Exception {
    cache.addOrUpdateNode(node("n1", "2", "8Gi", 110).build());
    cache.addOrUpdateNode(node("n2", "1", "8Gi", 110).build());
    for (int i = 0; i < 4; i++) {
      submit(pod("p" + i, "1", null).build());
    }
    drain();
    assertEquals(3, bindings.size());
    Map<String, Integer> perNode = new HashMap<>();
    bindings.values().forEach(n -> perNode.merge(n, 1, Integer::sum));
    assertEquals(Map.of("n1", 2, "n2", 1), perNode);
    assertEquals(1, failures.size());
    assertEquals("Unschedulable: 0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are "
        + "available: 2 No preemption victims found for incoming pod.", failures.values().iterator().next());
  }

  @Test
  void upstreamsMessageForMixedReasons() throws Exception {
    cache.addOrUpdateNode(node("n1", "2", "8Gi", 110).build());
    cache.addPod(new PodInfo(pod("running", "1", null).editSpec().withNodeName("n1").endSpec().build()));
    cache.addOrUpdateNode(node("n2", "8", "8Gi", 110).editSpec().withTaints(taint("dedicated", "gpu", "NoSchedule"))
        .endSpec().build());
    cache.addOrUpdateNode(node("n3", "8", "8Gi", 110).editSpec().withTaints(taint("dedicated", "gpu", "NoSchedule"))
        .endSpec().build());
    submit(pod("big", "2", null).build());
    drain();
    assertEquals("Unschedulable: 0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint "
        + "{dedicated: gpu}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
        + "2 Preemption is not helpful for scheduling.", failures.get("big"));
    assertEquals("unschedulable", queue.whereIs(new PodInfo(pods.get("big")).key()));
  }

  @Test
  void noNodesAtAll() throws Exception {
    submit(pod("p"));
    drain();
    assertEquals("Unschedulable: no nodes available to schedule pods", failures.get("p"));
  }

  @Test
  void anUnschedulablePodIsScheduledOnceANodeAppears() throws Exception {
    cache.addOrUpdateNode(node("small", "1", "8Gi", 110).build());
    Pod p = pod("p", "2", null).build();
    submit(p);
    assertTrue(scheduler.scheduleOne(0));
    awaitQueued(p);
    cache.addOrUpdateNode(node("big", "4", "8Gi", 110).build());
    queue.moveAllToActiveOrBackoff(ClusterEvent.NODE_ADD);
    // Still backing off for 1 s: poll the queue until it is active, then schedule.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!"active".equals(queue.whereIs(new PodInfo(p).key())) && System.nanoTime() < deadline) {
      queue.flushBackoffCompleted();
      Thread.onSpinWait();
    }
    drain();
    assertEquals("big", bindings.get("p"));
  }

  private void awaitQueued(Pod p) {
    String key = new PodInfo(p).key();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (queue.whereIs(key) == null || "inFlight".equals(queue.whereIs(key))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("pod not requeued: " + queue.whereIs(key));
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void spreadAcrossNodesByLeastAllocated() throws Exception {
    for (int i = 0; i < 4; i++) {
      cache.addOrUpdateNode(node("n" + i, "4", "8Gi", 110).build());
    }
    for (int i = 0; i < 8; i++) {
      submit(pod("p" + i, "1", "1Gi").build());
    }
    drain();
    Map<String, Integer> perNode = new HashMap<>();
    bindings.values().forEach(n -> perNode.merge(n, 1, Integer::sum));
    assertEquals(List.of(2, 2, 2, 2), List.copyOf(perNode.values()));
  }
}

package io.quarkube.client.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ControllerTest {
  /** Fails a key as often as asked, then succeeds; reports each call. */
  static final class Flaky extends Controller<String> {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<String> succeeded = new LinkedBlockingQueue<>();
    volatile int failuresLeft;

    Flaky(Informers informers) {
      super("flaky");
      informers.addEventHandler(ConfigMap.class, enqueueing(Keys::of));
      waitForSync(informers, ConfigMap.class);
    }

    @Override
    protected void reconcile(String key) {
      calls.add(key);
      if (failuresLeft-- > 0) {
        throw new IllegalStateException("not yet");
      }
      succeeded.add(key);
    }
  }

  private static ConfigMap cm(String ns, String name) {
    return new ConfigMapBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().build();
  }

  @Test
  void handlersEnqueueNamespaceNameKeys() throws Exception {
    StaticInformers informers = new StaticInformers();
    Flaky c = new Flaky(informers);
    informers.put(cm("ns1", "a"));
    informers.put(cm("ns1", "a")); // update of a queued key: still one
    informers.put(cm("ns2", "b"));
    assertEquals(2, c.queue().length());
    assertTrue(c.processNextItem());
    assertTrue(c.processNextItem());
    assertEquals(List.of("ns1/a", "ns2/b"), c.calls);
    informers.remove(cm("ns1", "a"));
    assertEquals(1, c.queue().length(), "deletes enqueue too: reconcile sees the object gone");
  }

  @Test
  void failuresAreRetriedWithBackoffThenForgotten() throws Exception {
    StaticInformers informers = new StaticInformers();
    Flaky c = new Flaky(informers);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    c.bindMetrics(meters);
    c.failuresLeft = 3;
    c.start(2);
    informers.put(cm("ns", "x"));
    assertEquals("ns/x", c.succeeded.poll(10, TimeUnit.SECONDS));
    assertEquals(4, c.calls.size());
    // The worker forgets the failures and records the time right after reconcile returned: wait for that.
    await(() -> c.queue().numRequeues("ns/x") == 0 && meters.get("controller_reconcile_duration")
        .tag("result", "success").timer().count() > 0);
    assertEquals(0, c.queue().numRequeues("ns/x"), "success forgets the failures");
    assertEquals(3.0, meters.get("workqueue_retries").tag("name", "flaky").counter().count());
    assertEquals(1, meters.get("controller_reconcile_duration").tag("result", "success").timer().count());
    c.stop();
  }

  @Test
  void aCreateRefusedInATerminatingNamespaceIsNotRetried() throws Exception {
    StaticInformers informers = new StaticInformers();
    io.fabric8.kubernetes.api.model.Status refused = new io.fabric8.kubernetes.api.model.StatusBuilder()
        .withCode(403).withReason("Forbidden").withNewDetails().addNewCause().withField("metadata.namespace")
        .withMessage("namespace ns is being terminated").withReason("NamespaceTerminating").endCause().endDetails()
        .build();
    Controller<String> c = new Controller<>("creator") {
      {
        informers.addEventHandler(ConfigMap.class, enqueueing(Keys::of));
      }

      @Override
      protected void reconcile(String key) {
        throw new io.fabric8.kubernetes.client.KubernetesClientException(refused);
      }
    };
    informers.put(cm("ns", "x"));
    assertTrue(c.processNextItem());
    assertEquals(0, c.queue().numRequeues("ns/x"), "dropped, as upstream's controllers drop it");
    assertEquals(0, c.queue().length());

    assertFalse(Controller.namespaceTerminating(new io.fabric8.kubernetes.client.KubernetesClientException(
        new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403).withReason("Forbidden").build())));
  }

  /** Holds every reconcile until released; counts how many run at once. */
  static final class Slow extends Controller<String> {
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
    final LinkedBlockingQueue<String> done = new LinkedBlockingQueue<>();

    Slow() {
      super("slow");
    }

    @Override
    protected void reconcile(String key) throws InterruptedException {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      release.await();
      running.decrementAndGet();
      done.add(key);
    }
  }

  @Test
  void workersReconcileAtMostTheirNumberOfKeysAtOnceOnSharedThreads() throws Exception {
    Slow c = new Slow();
    c.start(3);
    for (int i = 0; i < 10; i++) {
      c.enqueue("ns/k" + i);
    }
    // Three run and the dispatcher waits for a free slot: from here on no fourth reconcile can start. (Without the
    // bound the dispatcher would take all ten keys and wait on an empty queue instead.)
    await(() -> c.running.get() == 3 && c.queue().length() == 7 && threadWaiting("slow-dispatch"));
    assertEquals(3, c.running.get(), "three reconciles run, the other keys wait");
    assertEquals(7, c.queue().length());
    c.release.countDown();
    for (int i = 0; i < 10; i++) {
      assertTrue(c.done.poll(10, TimeUnit.SECONDS) != null, "every key is reconciled");
    }
    assertEquals(3, c.mostAtOnce.get());
    c.stop();
  }

  /** Waits up to 10 s for {@code condition}; fails if it never holds. */
  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
      Thread.onSpinWait();
    }
  }

  private static boolean threadWaiting(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name)
        && t.getState() == Thread.State.WAITING);
  }

  @Test
  void workersWaitForTheCachesToSync() throws Exception {
    StaticInformers caches = new StaticInformers();
    java.util.concurrent.atomic.AtomicBoolean synced = new java.util.concurrent.atomic.AtomicBoolean();
    Flaky c = new Flaky(caches);
    c.waitForSync(synced::get);
    c.start(1);
    c.enqueue("ns/x");
    assertFalse(c.isSynced());
    assertEquals(1, c.queue().length(), "no worker takes keys before the caches synced");
    synced.set(true);
    assertEquals("ns/x", c.succeeded.poll(10, TimeUnit.SECONDS));
    assertTrue(c.isSynced());
    c.stop();
  }

  @Test
  void expectationsHoldUntilObservedOrExpired() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(0);
    java.time.Clock clock = new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return java.time.Instant.ofEpochMilli(now.get());
      }
    };
    Expectations e = new Expectations(clock);
    assertTrue(e.satisfied("ns/rs"), "nothing recorded");
    e.expectCreations("ns/rs", 2);
    assertFalse(e.satisfied("ns/rs"));
    e.creationObserved("ns/rs");
    assertFalse(e.satisfied("ns/rs"));
    e.creationObserved("ns/rs");
    assertTrue(e.satisfied("ns/rs"));

    e.expectDeletions("ns/rs", List.of("u1", "u2"));
    e.deletionObserved("ns/rs", "u1");
    e.deletionObserved("ns/rs", "u1"); // seen twice (terminating, then deleted): counts once
    e.deletionObserved("ns/rs", "other");
    assertFalse(e.satisfied("ns/rs"));
    now.addAndGet(Expectations.TTL.plus(Duration.ofSeconds(1)).toMillis());
    assertTrue(e.satisfied("ns/rs"), "expired");
  }
}

package io.quarkube.client.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void anItemWaitsOnceHoweverOftenItIsAdded() throws Exception {
    try (WorkQueue<String> q = WorkQueue.withDefaultBackoff("t")) {
      q.add("a");
      q.add("b");
      q.add("a");
      assertEquals(2, q.length());
      assertEquals("a", q.get());
      assertEquals("b", q.get());
      assertEquals(0, q.length());
    }
  }

  @Test
  void anItemAddedWhileProcessedComesBackOnlyAfterDone() throws Exception {
    try (WorkQueue<String> q = WorkQueue.withDefaultBackoff("t")) {
      q.add("a");
      assertEquals("a", q.get());
      q.add("a");
      q.add("a");
      assertEquals(0, q.length(), "a is being processed: not handed to another worker");
      assertNull(q.poll(Duration.ZERO));
      q.done("a");
      assertEquals(1, q.length(), "added while processed: back once");
      assertEquals("a", q.get());
      q.done("a");
      assertEquals(0, q.length());
    }
  }

  @Test
  void noKeyIsEverProcessedByTwoWorkersAtOnce() throws Exception {
    try (WorkQueue<Integer> q = WorkQueue.withDefaultBackoff("t")) {
      Set<Integer> inHand = ConcurrentHashMap.newKeySet();
      AtomicReference<String> violation = new AtomicReference<>();
      AtomicInteger processed = new AtomicInteger();
      int workers = 8;
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        Thread t = new Thread(() -> {
          try {
            Integer item;
            while ((item = q.get()) != null) {
              if (!inHand.add(item)) {
                violation.set("key " + item + " handed to two workers");
              }
              Thread.onSpinWait();
              inHand.remove(item);
              processed.incrementAndGet();
              q.done(item);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        t.start();
        threads.add(t);
      }
      for (int i = 0; i < 20_000; i++) {
        q.add(i % 10);
      }
      // Everything added is eventually processed; then the queue is empty and idle.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while ((q.length() > 0 || !inHand.isEmpty()) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      q.shutDown();
      for (Thread t : threads) {
        t.join(WAIT.toMillis());
      }
      assertNull(violation.get(), violation.get());
      assertTrue(processed.get() >= 10 && processed.get() <= 20_000, "processed " + processed.get());
    }
  }

  @Test
  void addAfterAddsLaterAndTheEarlierTimeWins() throws Exception {
    try (WorkQueue<String> q = WorkQueue.withDefaultBackoff("t")) {
      q.addAfter("x", Duration.ofHours(1));
      assertEquals(1, q.waitingCount());
      assertNull(q.poll(Duration.ofMillis(20)));
      q.addAfter("x", Duration.ofMillis(10));
      assertEquals("x", q.poll(WAIT), "the shorter delay replaced the hour");
      q.done("x");
      q.addAfter("y", Duration.ofMillis(200));
      q.addAfter("y", Duration.ofHours(1)); // later: ignored
      assertEquals("y", q.poll(WAIT));
      assertEquals(0, q.waitingCount());
    }
  }

  @Test
  void addAfterOfAnItemAlreadyQueuedDoesNotDuplicateIt() throws Exception {
    try (WorkQueue<String> q = WorkQueue.withDefaultBackoff("t")) {
      q.add("a");
      // Long enough that the get() below always runs first: a delayed add that fires while "a" still waits in the
      // queue is (rightly) absorbed, which would make this test depend on scheduling.
      q.addAfter("a", Duration.ofMillis(300));
      assertEquals("a", q.get());
      assertEquals(0, q.length(), "one copy only");
      q.done("a");
      // The delayed add fires later and queues it once more (it was asked for), then nothing else.
      assertEquals("a", q.poll(WAIT));
      q.done("a");
      assertNull(q.poll(Duration.ofMillis(50)));
    }
  }

  @Test
  void rateLimitedRetriesBackOffPerItemAndForgetResets() throws Exception {
    ExponentialBackoff<String> backoff = new ExponentialBackoff<>(Duration.ofMillis(1), Duration.ofMillis(8));
    try (WorkQueue<String> q = new WorkQueue<>("t", backoff)) {
      q.addRateLimited("a");
      assertEquals("a", q.poll(WAIT));
      q.done("a");
      q.addRateLimited("a");
      assertEquals("a", q.poll(WAIT));
      q.done("a");
      assertEquals(2, q.numRequeues("a"));
      assertEquals(0, q.numRequeues("b"));
      q.forget("a");
      assertEquals(0, q.numRequeues("a"));
    }
  }

  @Test
  void exponentialBackoffDoublesUpToTheCap() {
    ExponentialBackoff<String> b = new ExponentialBackoff<>(Duration.ofMillis(5), Duration.ofSeconds(1000));
    assertEquals(Duration.ofMillis(5), b.when("a"));
    assertEquals(Duration.ofMillis(10), b.when("a"));
    assertEquals(Duration.ofMillis(20), b.when("a"));
    assertEquals(Duration.ofMillis(5), b.when("b"), "per item");
    for (int i = 0; i < 100; i++) {
      b.when("a");
    }
    assertEquals(Duration.ofSeconds(1000), b.when("a"), "capped, no overflow");
    b.forget("a");
    assertEquals(Duration.ofMillis(5), b.when("a"));
  }

  @Test
  void shutDownReleasesBlockedWorkersAndIgnoresLaterAdds() throws Exception {
    WorkQueue<String> q = WorkQueue.withDefaultBackoff("t");
    CountDownLatch returned = new CountDownLatch(1);
    AtomicReference<String> got = new AtomicReference<>("unset");
    Thread worker = new Thread(() -> {
      try {
        got.set(q.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      returned.countDown();
    });
    worker.start();
    q.shutDown();
    assertTrue(returned.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertNull(got.get());
    q.add("late");
    assertEquals(0, q.length());
    assertNull(q.get());
  }
}

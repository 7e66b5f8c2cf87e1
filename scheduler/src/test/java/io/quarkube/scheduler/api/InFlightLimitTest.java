package io.quarkube.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
  @Test
  void startsAtMostTheLimitAndTheRestAsEarlierOnesFinish() throws Exception {
    InFlightLimit limit = new InFlightLimit(2, 0);
    List<CompletableFuture<Integer>> started = new ArrayList<>();
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      results.add(limit.submit(() -> {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        started.add(f);
        return f;
      }));
    }
    assertEquals(2, started.size());
    assertEquals(3, limit.queued());
    started.get(0).complete(0);
    assertEquals(3, started.size());
    assertEquals(0, results.get(0).get());
    started.get(1).completeExceptionally(new IllegalStateException("no"));
    assertEquals(4, started.size());
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> results.get(1).get());
    assertInstanceOf(IllegalStateException.class, e.getCause());
    for (int i = 2; i < 5; i++) {
      if (i + 2 < 5) {
        assertEquals(i + 2, started.size());
      }
      started.get(i).complete(i);
    }
    for (int i = 2; i < 5; i++) {
      assertEquals(i, results.get(i).get());
    }
    assertEquals(0, limit.inFlight());
    assertEquals(0, limit.queued());
  }

  @Test
  void dropsBeyondABoundedQueue() {
    InFlightLimit limit = new InFlightLimit(1, 2);
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> running = limit.submit(() -> never);
    CompletableFuture<String> q1 = limit.submit(() -> CompletableFuture.completedFuture("a"));
    CompletableFuture<String> q2 = limit.submit(() -> CompletableFuture.completedFuture("b"));
    CompletableFuture<String> dropped = limit.submit(() -> CompletableFuture.completedFuture("c"));
    assertTrue(dropped.isCompletedExceptionally());
    assertFalse(q1.isDone());
    never.complete("x");
    assertEquals("x", running.join());
    assertEquals("a", q1.join());
    assertEquals("b", q2.join());
  }

  @Test
  void aCallThatThrowsFailsItsFutureAndFreesTheSlot() {
    InFlightLimit limit = new InFlightLimit(1, 0);
    CompletableFuture<String> bad = limit.submit(() -> {
      throw new IllegalArgumentException("bad");
    });
    assertTrue(bad.isCompletedExceptionally());
    assertEquals("ok", limit.submit(() -> CompletableFuture.completedFuture("ok")).join());
  }

  @Test
  void manyThreadsNeverExceedTheLimit() throws Exception {
    InFlightLimit limit = new InFlightLimit(3, 0);
    java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger max = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    List<CompletableFuture<Integer>> all = java.util.Collections.synchronizedList(new ArrayList<>());
    List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      submitted.add(pool.submit(() -> all.add(limit.submit(() -> {
        max.accumulateAndGet(now.incrementAndGet(), Math::max);
        return CompletableFuture.supplyAsync(() -> {
          now.decrementAndGet();
          return 1;
        }, pool);
      }))));
    }
    for (java.util.concurrent.Future<?> f : submitted) {
      f.get();
    }
    int sum = 0;
    for (CompletableFuture<Integer> f : all) {
      sum += f.get();
    }
    pool.shutdown();
    assertEquals(2000, sum);
    assertTrue(max.get() <= 3, "max in flight " + max.get());
    assertEquals(0, limit.inFlight());
  }
}

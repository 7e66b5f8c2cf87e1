package io.quarkube.apiserver.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopWritesTest {
  /** An event loop that runs its tasks only when the test says so. */
  private static final class ManualLoop implements java.util.concurrent.Executor {
    final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      Runnable t;
      while ((t = tasks.poll()) != null) {
        t.run();
      }
    }
  }

  @Test
  void aFanOutBecomesOneTaskOnTheLoopThatWritesInSubmissionOrder() {
    ManualLoop loop = new ManualLoop();
    LoopWrites writes = new LoopWrites(loop);
    List<Integer> written = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int n = i;
      writes.submit(() -> written.add(n));
    }
    assertEquals(1, loop.tasks.size(), "one hand-off for the whole fan-out, not one per write");
    assertTrue(written.isEmpty(), "nothing is written off the loop");
    loop.runAll();
    assertEquals(1000, written.size());
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, written.get(i));
    }
  }

  @Test
  void aWriteAfterADrainSchedulesTheNextOne() {
    ManualLoop loop = new ManualLoop();
    LoopWrites writes = new LoopWrites(loop);
    List<String> written = new ArrayList<>();
    writes.submit(() -> written.add("a"));
    loop.runAll();
    writes.submit(() -> written.add("b"));
    assertEquals(1, loop.tasks.size());
    loop.runAll();
    assertEquals(List.of("a", "b"), written);
  }

  @Test
  void aFailingWriteDoesNotStopTheOthers() {
    ManualLoop loop = new ManualLoop();
    LoopWrites writes = new LoopWrites(loop);
    List<String> written = new ArrayList<>();
    writes.submit(() -> written.add("before"));
    writes.submit(() -> {
      throw new IllegalStateException("connection closed");
    });
    writes.submit(() -> written.add("after"));
    loop.runAll();
    assertEquals(List.of("before", "after"), written);
  }

  @Test
  void aStoppedLoopDropsItsWritesWithoutFailingTheFanOut() {
    java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
    LoopWrites writes = new LoopWrites(task -> {
      tries.incrementAndGet();
      throw new java.util.concurrent.RejectedExecutionException("event loop terminated");
    });
    writes.submit(() -> { });
    writes.submit(() -> { });
    assertEquals(2, tries.get(), "the second write tries the loop again instead of waiting for a drain that never ran");
  }

  @Test
  void concurrentSubmittersLoseNothingAndEachKeepsItsOrder() throws Exception {
    ExecutorService loopThread = Executors.newSingleThreadExecutor();
    ExecutorService producers = Executors.newFixedThreadPool(4);
    try {
      LoopWrites writes = new LoopWrites(loopThread);
      int perProducer = 20_000;
      List<List<Integer>> seen = new ArrayList<>();
      CountDownLatch done = new CountDownLatch(4);
      for (int p = 0; p < 4; p++) {
        List<Integer> mine = new ArrayList<>(); // only touched on the loop thread
        seen.add(mine);
        producers.submit(() -> {
          for (int i = 0; i < perProducer; i++) {
            int n = i;
            writes.submit(() -> mine.add(n));
          }
          writes.submit(done::countDown);
        });
      }
      assertTrue(done.await(30, TimeUnit.SECONDS), "every submitter's last write ran");
      CountDownLatch flushed = new CountDownLatch(1);
      loopThread.submit(flushed::countDown);
      assertTrue(flushed.await(10, TimeUnit.SECONDS));
      for (List<Integer> mine : seen) {
        assertEquals(perProducer, mine.size());
        for (int i = 0; i < perProducer; i++) {
          assertEquals(i, mine.get(i));
        }
      }
    } finally {
      producers.shutdownNow();
      loopThread.shutdownNow();
    }
  }
}

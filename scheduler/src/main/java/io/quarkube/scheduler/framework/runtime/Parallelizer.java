package io.quarkube.scheduler.framework.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Runs per-node work on a few threads (upstream's parallelize.Until). Pieces are handed out in small chunks from a
 * shared counter; the caller works too, so {@code parallelism} 1 means no extra threads. Small jobs stay on the
 * caller: handing 50 cheap filter calls to other threads costs more than it saves.
 */
public final class Parallelizer implements AutoCloseable {
  private static final int MIN_PIECES_PER_THREAD = 64;

  private final int parallelism;
  private final ExecutorService pool;

  public Parallelizer(int parallelism) {
    this.parallelism = Math.max(1, parallelism);
    if (this.parallelism > 1) {
      AtomicInteger n = new AtomicInteger();
      this.pool = Executors.newFixedThreadPool(this.parallelism - 1, r -> {
        Thread t = new Thread(r, "scheduler-parallel-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    } else {
      this.pool = null;
    }
  }

  public int parallelism() {
    return parallelism;
  }

  /** Calls {@code work} for 0..pieces-1 until done or {@code stop} says so. Exceptions propagate. */
  public void until(int pieces, IntConsumer work, BooleanSupplier stop) {
    int workers = Math.min(parallelism, pieces / MIN_PIECES_PER_THREAD);
    if (pool == null || workers <= 1) {
      for (int i = 0; i < pieces; i++) {
        if (stop.getAsBoolean()) {
          return;
        }
        work.accept(i);
      }
      return;
    }
    int chunk = Math.max(1, (int) Math.sqrt(pieces) / 2);
    AtomicInteger next = new AtomicInteger();
    Runnable r = () -> {
      while (!stop.getAsBoolean()) {
        int start = next.getAndAdd(chunk);
        if (start >= pieces) {
          return;
        }
        int end = Math.min(pieces, start + chunk);
        for (int i = start; i < end; i++) {
          work.accept(i);
        }
      }
    };
    List<Future<?>> futures = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) {
      futures.add(pool.submit(r));
    }
    RuntimeException failure = null;
    try {
      r.run();
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}

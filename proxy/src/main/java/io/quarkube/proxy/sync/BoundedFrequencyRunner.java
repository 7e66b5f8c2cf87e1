package io.quarkube.proxy.sync;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Upstream's BoundedFrequencyRunner: {@link #request()} asks for a run; runs happen at most once per
 * {@code minInterval} (a burst of changes becomes one sync), and at least once per {@code maxInterval} (the periodic
 * full resync that repairs rules someone else changed). A failed run is retried after {@code minInterval}, later
 * doubling up to {@code maxInterval}. One thread: runs never overlap.
 */
public final class BoundedFrequencyRunner {
  private static final Logger LOG = Logger.getLogger(BoundedFrequencyRunner.class);

  private final Runnable task;
  private final long minNanos;
  private final long maxNanos;
  private final ScheduledExecutorService executor;
  private long lastRun = Long.MIN_VALUE / 2;
  private boolean pending;
  private long retryNanos;

  public BoundedFrequencyRunner(String name, Runnable task, Duration minInterval, Duration maxInterval) {
    this.task = task;
    this.minNanos = minInterval.toNanos();
    this.maxNanos = maxInterval.toNanos();
    this.retryNanos = minNanos;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the periodic runs and asks for a first one now. */
  public void start() {
    executor.scheduleWithFixedDelay(this::request, maxNanos, maxNanos, TimeUnit.NANOSECONDS);
    request();
  }

  /** Asks for a run: as soon as minInterval since the last run has passed; requests meanwhile are merged. */
  public synchronized void request() {
    if (pending || executor.isShutdown()) {
      return;
    }
    pending = true;
    long delay = Math.max(0, lastRun + minNanos - System.nanoTime());
    executor.schedule(this::runOnce, delay, TimeUnit.NANOSECONDS);
  }

  private void runOnce() {
    synchronized (this) {
      pending = false;
      lastRun = System.nanoTime();
    }
    try {
      task.run();
      retryNanos = minNanos;
    } catch (RuntimeException e) {
      LOG.errorf("sync failed (retry in %d ms): %s", TimeUnit.NANOSECONDS.toMillis(retryNanos), e.getMessage());
      synchronized (this) {
        if (!executor.isShutdown()) {
          executor.schedule(this::request, retryNanos, TimeUnit.NANOSECONDS);
        }
      }
      retryNanos = Math.min(retryNanos * 2, maxNanos);
    }
  }

  public void stop() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.quarkube.apiserver.storage;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Compacts etcd's history as upstream's API server does ({@code --etcd-compaction-interval}, 5 minutes): at each tick
 * it compacts up to the revision it saw at the previous tick, so at least one interval of history stays for watches
 * that resume. Without it etcd keeps every old value until its 2 GiB quota is full and refuses all writes (NOSPACE:
 * about ten write benchmarks on one cluster).
 */
public final class Compactor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Compactor.class);

  private final LongSupplier currentRevision;
  private final LongConsumer compact;
  private ScheduledExecutorService timer;
  /** The revision seen at the previous tick (0: none yet). Only the timer thread touches it. */
  private long previous;

  public Compactor(LongSupplier currentRevision, LongConsumer compact) {
    this.currentRevision = currentRevision;
    this.compact = compact;
  }

  /** Ticks every {@code interval} on a daemon thread; a zero or negative interval leaves compaction off. */
  public Compactor start(Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      return this;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "etcd-compactor");
      t.setDaemon(true);
      return t;
    });
    long millis = interval.toMillis();
    timer.scheduleWithFixedDelay(this::tickQuietly, millis, millis, TimeUnit.MILLISECONDS);
    return this;
  }

  /** One step: compact to the previous tick's revision, then remember the current one. */
  void tick() {
    long now = currentRevision.getAsLong();
    if (previous > 0 && previous < now) {
      compact.accept(previous);
      LOG.debugf("compacted etcd up to revision %d", previous);
    }
    previous = now;
  }

  private void tickQuietly() {
    try {
      tick();
    } catch (RuntimeException e) {
      // Already compacted further (another API server, etcdctl) or etcd unreachable: the next tick tries again.
      LOG.debugf("etcd compaction skipped: %s", e.toString());
      previous = 0;
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}

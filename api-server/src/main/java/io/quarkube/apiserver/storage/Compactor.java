package io.quarkube.apiserver.storage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Compacts etcd's history as upstream's API server does ({@code --etcd-compaction-interval}, 5 minutes): etcd is
 * compacted up to a revision it had at least one interval ago, so that much history stays for watches that resume.
 * Without it etcd keeps every old value, each write gets slower as the history grows (6x per delete measured at
 * ~2 GB), and at its 2 GiB quota etcd refuses all writes (NOSPACE).
 *
 * <p>Where upstream remembers the previous tick's revision in memory, and so compacts nothing until an API server
 * has run for two intervals, this compactor keeps its mark (revision and wall-clock time) in etcd itself, under
 * {@link #MARK_KEY}. A cluster that is started and stopped every few minutes on one data folder (benchmarks, tests,
 * a laptop) therefore still compacts: the first tick after a restart compacts up to the mark an earlier run left,
 * once that mark is an interval old. The mark is swapped with a compare-and-swap, so several API servers compact
 * once per interval between them.
 */
public final class Compactor implements AutoCloseable {
  /** Outside {@code /registry/}: no resource's list or watch sees it. */
  public static final String MARK_KEY = "/quarkube/compaction-mark";
  /** The first tick waits this long (or the interval, if shorter): start-up has the CPU first. */
  private static final Duration FIRST_TICK = Duration.ofSeconds(30);
  private static final Logger LOG = Logger.getLogger(Compactor.class);

  private final EtcdStorage etcd;
  private final String markKey;
  private final Clock clock;
  private ScheduledExecutorService timer;

  public Compactor(EtcdStorage etcd) {
    this(etcd, MARK_KEY, Clock.systemUTC());
  }

  Compactor(EtcdStorage etcd, String markKey, Clock clock) {
    this.etcd = etcd;
    this.markKey = markKey;
    this.clock = clock;
  }

  /** Ticks on a daemon thread, first soon after start, then every {@code interval}; zero or less: no compaction. */
  public Compactor start(Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      return this;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "etcd-compactor");
      t.setDaemon(true);
      return t;
    });
    long first = Math.min(FIRST_TICK.toMillis(), interval.toMillis());
    timer.scheduleWithFixedDelay(() -> tickQuietly(interval), first, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * One step. Without a mark: sets one at the current revision. With a mark at least {@code interval} old: compacts
   * up to its revision and moves the mark to the current revision. With a younger mark: nothing, so the mark keeps
   * its age across restarts.
   *
   * @return the revision compacted to, or 0 when this tick compacted nothing
   */
  long tick(Duration interval) {
    long now = clock.millis();
    Optional<StoredValue> stored = etcd.get(markKey);
    long current = etcd.currentRevision();
    Mark mark = stored.map(s -> Mark.parse(s.value())).orElse(null);
    if (stored.isEmpty()) {
      etcd.create(markKey, new Mark(current, now).bytes());
      return 0;
    }
    if (mark != null && now - mark.timeMillis() < interval.toMillis()) {
      return 0;
    }
    long compacted = 0;
    if (mark != null && mark.revision() < current) {
      compactTo(mark.revision());
      compacted = mark.revision();
    }
    // A lost swap means another API server moved the mark in between: it compacts next time, not this one.
    etcd.update(markKey, new Mark(current, now).bytes(), stored.get().modRevision());
    return compacted;
  }

  private void compactTo(long revision) {
    try {
      etcd.compact(revision);
      LOG.infof("compacted etcd's history up to revision %d", revision);
    } catch (StorageException.Compacted e) {
      // Already compacted at or past it (etcdctl, another API server): the history is gone all the same.
    }
  }

  private void tickQuietly(Duration interval) {
    try {
      tick(interval);
    } catch (RuntimeException e) {
      // etcd unreachable, or another API server swapped the mark first: the next tick tries again.
      LOG.debugf("etcd compaction skipped: %s", e.toString());
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** Where etcd was ({@code revision}) at {@code timeMillis}, stored as "revision timeMillis". */
  record Mark(long revision, long timeMillis) {
    byte[] bytes() {
      return (revision + " " + timeMillis).getBytes(StandardCharsets.UTF_8);
    }

    /** Null when the stored value is not a mark (then the next tick replaces it). */
    static Mark parse(byte[] value) {
      String[] parts = new String(value, StandardCharsets.UTF_8).trim().split(" ");
      try {
        return parts.length == 2 ? new Mark(Long.parseLong(parts[0]), Long.parseLong(parts[1])) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}

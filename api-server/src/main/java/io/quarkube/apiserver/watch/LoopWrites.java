package io.quarkube.apiserver.watch;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The writes of all watch streams whose connections live on one event loop, run on that loop as one task per burst.
 *
 * <p>Why: a change that reaches 1,000 watches is fanned out on the etcd client's thread. Writing to each response
 * from there makes Vert.x queue one task per write on the connection's event loop, and the loop wakes up, runs a
 * task and sleeps again over and over while the fan-out thread competes with it for the CPU: the last watcher of a
 * fan-out got its bytes hundreds of milliseconds after the first. Here the fan-out only appends to the loop's queue;
 * one drain on the loop writes them all (each write on its own loop is direct, without another hand-off).
 *
 * <p>Order: one queue per loop, first in first out, so the writes of one stream (always on its connection's loop)
 * stay in the order they were submitted. A failing write (a connection closed meanwhile) does not stop the others.
 */
final class LoopWrites {
  private static final Logger LOG = Logger.getLogger(LoopWrites.class);
  private static final Map<Executor, LoopWrites> BY_LOOP = new ConcurrentHashMap<>();

  private final Executor loop;
  private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
  /** A drain is scheduled or running: later submissions only append. */
  private final AtomicBoolean draining = new AtomicBoolean();

  LoopWrites(Executor loop) {
    this.loop = loop;
  }

  /** The queue of one event loop (a connection's Netty event loop), shared by every stream on it. */
  static LoopWrites of(Executor loop) {
    return BY_LOOP.computeIfAbsent(loop, LoopWrites::new);
  }

  /** Runs {@code write} on the loop after every write submitted before it. */
  void submit(Runnable write) {
    pending.add(write);
    if (draining.compareAndSet(false, true)) {
      try {
        loop.execute(this::drain);
      } catch (RejectedExecutionException shutDown) {
        // The loop is gone (the server stops) and its connections with it: nothing to write to, and the fan-out
        // that called must go on to the other loops.
        pending.clear();
        draining.set(false);
      }
    }
  }

  private void drain() {
    while (true) {
      Runnable write;
      while ((write = pending.poll()) != null) {
        try {
          write.run();
        } catch (RuntimeException e) {
          LOG.debugf("watch write failed: %s", e.toString());
        }
      }
      draining.set(false);
      // A write added between the last poll and the reset found the flag still set and scheduled nothing: take it
      // now, unless a new drain got the flag first.
      if (pending.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }
}

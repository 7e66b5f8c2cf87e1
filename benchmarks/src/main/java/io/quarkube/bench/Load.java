package io.quarkube.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Load shapes: N clients back to back for a while (closed loop), and a fixed arrival rate (open loop). */
final class Load {
  private Load() {}

  /** One blocking operation; its argument is a sequence number unique in the run. */
  interface Op {
    void run(long seq) throws Exception;
  }

  /** The outcome of a run: operations done, seconds taken, their latencies. */
  record Result(long ops, double seconds, Latencies latencies) {
    double perSecond() {
      return ops / seconds;
    }
  }

  /** {@code clients} threads each run {@code op} back to back until {@code seconds} have passed. */
  static Result closedLoop(int clients, double seconds, AtomicLong seq, Op op) throws Exception {
    Latencies lat = new Latencies();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    AtomicLong done = new AtomicLong();
    List<Future<?>> fs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      fs.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          long t = System.nanoTime();
          op.run(seq.getAndIncrement());
          lat.add(System.nanoTime() - t);
          done.incrementAndGet();
        }
        return null;
      }));
    }
    try {
      for (Future<?> f : fs) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(done.get(), (System.nanoTime() - start) / 1e9, lat);
  }

  /**
   * Starts one operation every 1/rate seconds for {@code seconds}, whatever the earlier ones do, on up to
   * {@code workers} connections (threads) - no coordinated omission: each latency counts from when the operation was
   * due, so a server that falls behind shows it as queueing time. When more than {@code workers} + half a second of
   * operations are waiting, it stops issuing (the server cannot keep the rate) so the run stays bounded; the result
   * then holds fewer operations than asked for.
   */
  static Result openLoop(double rate, double seconds, int workers, AtomicLong seq, Op op) throws Exception {
    Latencies lat = new Latencies();
    long n = (long) (rate * seconds);
    long interval = (long) (1e9 / rate);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    List<Future<?>> all = new ArrayList<>();
    AtomicLong finished = new AtomicLong();
    long maxBacklog = workers + (long) (rate / 2);
    long start = System.nanoTime();
    try {
      for (long i = 0; i < n; i++) {
        if (i - finished.get() > maxBacklog) {
          n = i;
          break;
        }
        long due = start + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        long s = seq.getAndIncrement();
        all.add(pool.submit(() -> {
          try {
            op.run(s);
            lat.add(System.nanoTime() - due);
          } finally {
            finished.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> f : all) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    return new Result(n, (System.nanoTime() - start) / 1e9, lat);
  }
}

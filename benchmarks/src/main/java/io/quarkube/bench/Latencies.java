package io.quarkube.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, thread-safe to add to; percentiles by the nearest-rank method. */
public final class Latencies {
  private long[] samples = new long[1024];
  private int count;

  public synchronized void add(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  public synchronized void addAll(Latencies other) {
    long[] theirs = other.snapshot();
    for (long v : theirs) {
      add(v);
    }
  }

  public synchronized int count() {
    return count;
  }

  private synchronized long[] snapshot() {
    return Arrays.copyOf(samples, count);
  }

  /** The p-th percentile (0 < p ≤ 100) in milliseconds; NaN without samples. */
  public double percentileMs(double p) {
    long[] s = snapshot();
    if (s.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(s);
    int rank = (int) Math.ceil(p / 100.0 * s.length);
    return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
  }

  public double p50() {
    return percentileMs(50);
  }

  public double p99() {
    return percentileMs(99);
  }

  public double maxMs() {
    return percentileMs(100);
  }
}

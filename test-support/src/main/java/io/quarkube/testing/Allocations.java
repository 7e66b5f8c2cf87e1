package io.quarkube.testing;

import java.util.function.IntConsumer;

/** What code allocates on the calling thread: for tests that bound garbage per call, never time. */
public final class Allocations {
  private Allocations() {}

  /**
   * Bytes allocated per call of {@code call}, averaged over {@code measured} calls made after {@code warmUp} unmeasured
   * ones (which fill caches and tables the measured calls would otherwise pay for). Calls are numbered from 0.
   */
  public static long perCall(int warmUp, int measured, IntConsumer call) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    for (int i = 0; i < warmUp; i++) {
      call.accept(i);
    }
    long before = threads.getThreadAllocatedBytes(self);
    for (int i = warmUp; i < warmUp + measured; i++) {
      call.accept(i);
    }
    return (threads.getThreadAllocatedBytes(self) - before) / measured;
  }
}

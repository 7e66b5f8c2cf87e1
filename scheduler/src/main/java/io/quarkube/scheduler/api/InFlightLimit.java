package io.quarkube.scheduler.api;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most {@code maxInFlight} asynchronous calls at a time; the rest wait in a queue and start as earlier ones
 * finish. The HTTP client opens one connection (and one TLS handshake) per concurrent request, so this is also the
 * bound on the scheduler's connections for writes. With {@code maxQueued} the queue is bounded and a call beyond
 * it is dropped (its future completes with {@link Dropped}): for best-effort writes such as events, which client-go
 * likewise drops when its broadcaster's queue is full.
 */
final class InFlightLimit {
  /** The call was not made: the queue was full. */
  static final class Dropped extends RuntimeException {
    Dropped() {
      super("dropped: too many queued requests", null, false, false);
    }
  }

  private record Pending<T>(Supplier<CompletableFuture<T>> call, CompletableFuture<T> result) {}

  private final int maxInFlight;
  private final int maxQueued;
  private final Queue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** {@code maxQueued} 0 means unbounded. */
  InFlightLimit(int maxInFlight, int maxQueued) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1");
    }
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
  }

  <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (maxQueued > 0 && queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      result.completeExceptionally(new Dropped());
      return result;
    } else if (maxQueued <= 0) {
      queued.incrementAndGet();
    }
    queue.add(new Pending<>(call, result));
    drain();
    return result;
  }

  int inFlight() {
    return inFlight.get();
  }

  int queued() {
    return queued.get();
  }

  private void drain() {
    while (true) {
      int n = inFlight.get();
      if (n >= maxInFlight || queue.isEmpty()) {
        return;
      }
      if (!inFlight.compareAndSet(n, n + 1)) {
        continue;
      }
      Pending<?> p = queue.poll();
      if (p == null) {
        // Another thread took it; give the slot back and look again (a call queued meanwhile may have seen the
        // slot taken and left it to us).
        inFlight.decrementAndGet();
        continue;
      }
      queued.decrementAndGet();
      start(p);
    }
  }

  private <T> void start(Pending<T> p) {
    CompletableFuture<T> f;
    try {
      f = p.call().get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((v, e) -> {
      inFlight.decrementAndGet();
      drain();
      if (e != null) {
        p.result().completeExceptionally(e);
      } else {
        p.result().complete(v);
      }
    });
  }
}

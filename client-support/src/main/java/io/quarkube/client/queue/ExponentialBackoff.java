package io.quarkube.client.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-item exponential backoff: {@code base * 2^failures}, capped at {@code max} (upstream's
 * {@code ItemExponentialFailureRateLimiter}). An item that keeps failing does not slow down the others.
 *
 * @param <T> the item type
 */
public final class ExponentialBackoff<T> implements RateLimiter<T> {
  private final Duration base;
  private final Duration max;
  private final Map<T, Integer> failures = new HashMap<>();

  public ExponentialBackoff(Duration base, Duration max) {
    this.base = Objects.requireNonNull(base);
    this.max = Objects.requireNonNull(max);
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= max, got base " + base + ", max " + max);
    }
  }

  /** Upstream's controller default: 5 ms doubling up to 1000 s. */
  public static <T> ExponentialBackoff<T> controllerDefault() {
    return new ExponentialBackoff<>(Duration.ofMillis(5), Duration.ofSeconds(1000));
  }

  @Override
  public synchronized Duration when(T item) {
    int exp = failures.merge(item, 1, Integer::sum) - 1;
    // Past 2^62 nanoseconds the multiplication would overflow; max is reached long before anyway.
    if (exp >= 62 || base.toNanos() > (max.toNanos() >> Math.min(exp, 62))) {
      return max;
    }
    return Duration.ofNanos(base.toNanos() << exp);
  }

  @Override
  public synchronized void forget(T item) {
    failures.remove(item);
  }

  @Override
  public synchronized int numRequeues(T item) {
    return failures.getOrDefault(item, 0);
  }
}

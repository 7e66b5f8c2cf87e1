package io.quarkube.client.queue;

import java.time.Duration;

/**
 * Decides how long an item waits before it is retried (upstream's {@code workqueue.TypedRateLimiter}).
 *
 * @param <T> the item type
 */
public interface RateLimiter<T> {
  /** How long {@code item} should wait now; counts one more failure for it. */
  Duration when(T item);

  /** Forgets the failures of {@code item} (it succeeded, or was given up on). */
  void forget(T item);

  /** How many times {@code item} was rate limited since it was last forgotten. */
  int numRequeues(T item);
}

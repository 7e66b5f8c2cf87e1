package io.quarkube.controllers.nodelifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket on an injectable clock (client-go's {@code flowcontrol.NewTokenBucketRateLimiter}): {@code qps}
 * tokens a second up to {@code burst}. Upstream limits how fast nodes get NoExecute taints this way
 * ({@code --node-eviction-rate}, 0.1/s), so a network blip cannot evict the whole cluster at once.
 */
final class TokenBucket {
  private final Clock clock;
  private final double qps;
  private final int burst;
  private double tokens;
  private Instant last;

  TokenBucket(Clock clock, double qps, int burst) {
    this.clock = clock;
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.instant();
  }

  /** Takes a token if there is one. */
  synchronized boolean tryAccept() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** How long until a token will be there. */
  synchronized Duration untilNext() {
    refill();
    if (tokens >= 1 || qps <= 0) {
      return qps <= 0 ? Duration.ofSeconds(10) : Duration.ZERO;
    }
    return Duration.ofMillis((long) Math.ceil((1 - tokens) / qps * 1000));
  }

  private void refill() {
    Instant now = clock.instant();
    double elapsed = Duration.between(last, now).toNanos() / 1e9;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * qps);
      last = now;
    }
  }
}

package io.quarkube.kubelet.pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Restart back-off per pod container, as upstream's flowcontrol.Backoff is used by the kubelet: the first restart is
 * immediate, the next ones wait 10 s, 20 s, 40 s ... up to 5 min after the container finished; a container that ran
 * quietly for twice the maximum (10 min) starts again from 10 s.
 */
public final class CrashBackoff {
  private final Duration initial;
  private final Duration max;
  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(Duration backoff, Instant lastUpdate) {}

  public CrashBackoff(Duration initial, Duration max, Clock clock) {
    this.initial = initial;
    this.max = max;
    this.clock = clock;
  }

  public static CrashBackoff kubeletDefault() {
    return new CrashBackoff(Duration.ofSeconds(10), Duration.ofMinutes(5), Clock.systemUTC());
  }

  /**
   * How long the restart of {@code key}, whose last run ended at {@code finishedAt}, must still wait; zero means
   * "restart now", and then the next back-off is recorded.
   */
  public synchronized Duration remaining(String key, Instant finishedAt) {
    Instant event = finishedAt == null ? clock.instant() : finishedAt;
    Entry entry = entries.get(key);
    boolean expired = entry != null
        && Duration.between(entry.lastUpdate(), event).compareTo(max.multipliedBy(2)) > 0;
    if (entry != null && !expired) {
      Duration since = Duration.between(event, clock.instant());
      if (since.compareTo(entry.backoff()) < 0) {
        return entry.backoff().minus(since);
      }
    }
    next(key, event);
    return Duration.ZERO;
  }

  /**
   * Records a failure now (an image pull's, as upstream's puller calls {@code Next}) and gives the back-off until the
   * next try: 10 s, 20 s, 40 s ... up to 5 min, from 10 s again after 10 quiet minutes.
   */
  public synchronized Duration failedNow(String key) {
    next(key, clock.instant());
    return current(key);
  }

  /** How long the key's back-off since its last failure still runs (upstream's IsInBackOffSinceUpdate), or zero. */
  public synchronized Duration remainingSinceFailure(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return Duration.ZERO;
    }
    Duration left = entry.backoff().minus(Duration.between(entry.lastUpdate(), clock.instant()));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** The back-off currently applied to the key (for messages), or zero. */
  public Duration current(String key) {
    Entry entry = entries.get(key);
    return entry == null ? Duration.ZERO : entry.backoff();
  }

  private void next(String key, Instant event) {
    Entry entry = entries.get(key);
    if (entry == null || Duration.between(entry.lastUpdate(), event).compareTo(max.multipliedBy(2)) > 0) {
      entries.put(key, new Entry(initial, event));
    } else {
      Duration doubled = entry.backoff().multipliedBy(2);
      entries.put(key, new Entry(doubled.compareTo(max) > 0 ? max : doubled, event));
    }
  }

  /** Forgets every key starting with {@code prefix} (a pod's uid). */
  public void forgetAll(String prefix) {
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }
}

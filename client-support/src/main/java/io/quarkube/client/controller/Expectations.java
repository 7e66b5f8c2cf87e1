package io.quarkube.client.controller;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a controller is waiting to see in its cache after its own writes (upstream's
 * {@code UIDTrackingControllerExpectations}). A controller that created 3 pods must not create 3 more because its
 * cache has not seen them yet: it records {@code expectCreations(key, 3)}, the pod informer's add handler calls
 * {@link #creationObserved}, and the controller only computes a new diff once {@link #satisfied} says so.
 * Deletions are tracked by uid, so a pod seen first as "terminating" and then as deleted counts once.
 *
 * <p>Expectations expire after {@link #TTL} (as upstream's 5 minutes): a lost watch event cannot wedge a controller.
 */
public final class Expectations {
  public static final Duration TTL = Duration.ofMinutes(5);

  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private static final class Entry {
    int adds;
    final Set<String> deletes = new HashSet<>();
    final long setAtMillis;

    Entry(long setAtMillis) {
      this.setAtMillis = setAtMillis;
    }
  }

  public Expectations() {
    this(Clock.systemUTC());
  }

  public Expectations(Clock clock) {
    this.clock = clock;
  }

  /** The controller is about to create {@code count} objects for {@code key} (replaces earlier expectations). */
  public void expectCreations(String key, int count) {
    Entry e = new Entry(clock.millis());
    e.adds = count;
    entries.put(key, e);
  }

  /** The controller is about to delete the objects with these uids for {@code key} (replaces earlier ones). */
  public void expectDeletions(String key, Collection<String> uids) {
    Entry e = new Entry(clock.millis());
    e.deletes.addAll(uids);
    entries.put(key, e);
  }

  /** One expected creation was seen (or failed, so it will never be seen). */
  public void creationObserved(String key) {
    Entry e = entries.get(key);
    if (e != null) {
      synchronized (e) {
        e.adds--;
      }
    }
  }

  /** The object with {@code uid} was seen deleted (or its deletion failed). Unexpected uids are ignored. */
  public void deletionObserved(String key, String uid) {
    Entry e = entries.get(key);
    if (e != null) {
      synchronized (e) {
        e.deletes.remove(uid);
      }
    }
  }

  /**
   * True when the controller may compute a new diff for {@code key}: nothing is expected any more, no expectations
   * were ever recorded, or they expired.
   */
  public boolean satisfied(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return true;
    }
    synchronized (e) {
      if (e.adds <= 0 && e.deletes.isEmpty()) {
        return true;
      }
    }
    return clock.millis() - e.setAtMillis > TTL.toMillis();
  }

  /** Drops the expectations of {@code key} (its object is gone). */
  public void forget(String key) {
    entries.remove(key);
  }

  /** Pending creations still expected for {@code key} (for tests and logs). */
  public int pendingCreations(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return 0;
    }
    synchronized (e) {
      return Math.max(0, e.adds);
    }
  }
}

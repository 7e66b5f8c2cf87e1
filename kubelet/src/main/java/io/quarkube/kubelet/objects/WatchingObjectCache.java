package io.quarkube.kubelet.objects;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Objects of one kind (ConfigMaps or Secrets) kept current by one watch per referenced object, as upstream's
 * watch-based manager (pkg/kubelet/util/manager): each {@code namespace/name} has a watch while at least one reference
 * to it is held, so a pod sync reads its objects from memory instead of GETting each one every ten seconds. The watch
 * stops when the last reference goes. Thread-safe: pod workers sync several pods at once.
 */
public final class WatchingObjectCache<T> {
  /** How often {@link #get} looks whether a new watch has had its first list (upstream polls every 10 ms). */
  private static final long SYNC_POLL_MILLIS = 10;

  private final String kind;
  private final ObjectWatch.Starter<T> starter;
  private final Duration syncTimeout;
  /** By {@code namespace/name}; guarded by {@code this}. */
  private final Map<String, Entry<T>> entries = new HashMap<>();

  private static final class Entry<T> {
    final ObjectWatch<T> watch;
    int references;

    Entry(ObjectWatch<T> watch) {
      this.watch = watch;
    }
  }

  /** The object cannot be answered for: not referenced by any pod, or its watch has not listed it in time. */
  public static final class UnavailableException extends RuntimeException {
    public UnavailableException(String message) {
      super(message);
    }
  }

  /**
   * @param kind        for messages: {@code configmap} or {@code secret}
   * @param syncTimeout how long {@link #get} waits for a new watch's first list before it fails
   */
  public WatchingObjectCache(String kind, ObjectWatch.Starter<T> starter, Duration syncTimeout) {
    this.kind = kind;
    this.starter = starter;
    this.syncTimeout = syncTimeout;
  }

  /** One more user of the object; the first one starts its watch. */
  public synchronized void addReference(String namespace, String name) {
    entries.computeIfAbsent(key(namespace, name), k -> new Entry<>(starter.start(namespace, name))).references++;
  }

  /** One user less; the last one stops its watch (a later reference starts a new one). */
  public void deleteReference(String namespace, String name) {
    ObjectWatch<T> unused = null;
    synchronized (this) {
      Entry<T> entry = entries.get(key(namespace, name));
      if (entry == null) {
        return;
      }
      if (--entry.references <= 0) {
        entries.remove(key(namespace, name));
        unused = entry.watch;
      }
    }
    if (unused != null) {
      unused.stop();
    }
  }

  /**
   * The object as its watch last saw it, null when it does not exist (so a deleted object is "not found" here too).
   * Waits for a new watch's first list, at most the sync timeout.
   *
   * @throws UnavailableException when no pod references the object, or the watch has not listed it in time
   */
  public T get(String namespace, String name) {
    ObjectWatch<T> watch;
    synchronized (this) {
      Entry<T> entry = entries.get(key(namespace, name));
      if (entry == null) {
        // As upstream: only objects of registered pods are watched, so only they can be answered for.
        throw new UnavailableException(kind + " \"" + namespace + "\"/\"" + name + "\" not registered");
      }
      watch = entry.watch;
    }
    long deadline = System.nanoTime() + syncTimeout.toNanos();
    while (!watch.hasSynced()) {
      if (System.nanoTime() > deadline) {
        throw new UnavailableException("failed to sync " + kind + " cache: timed out waiting for the condition");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(SYNC_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted waiting for the " + kind + " cache");
      }
    }
    return watch.current();
  }

  /** How many objects are watched now. */
  public synchronized int watches() {
    return entries.size();
  }

  /** How many references the object has (0: not watched). */
  public synchronized int references(String namespace, String name) {
    Entry<T> entry = entries.get(key(namespace, name));
    return entry == null ? 0 : entry.references;
  }

  /** Stops every watch (the kubelet stops). */
  public void close() {
    Map<String, Entry<T>> all;
    synchronized (this) {
      all = new HashMap<>(entries);
      entries.clear();
    }
    all.values().forEach(e -> e.watch.stop());
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}

package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.ListPage;
import io.quarkube.apiserver.registry.WatchEvent;
import io.quarkube.apiserver.storage.StorageWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * An in-memory copy of one resource, kept current by a storage watch (the API server's own informer): RBAC and the
 * Node authorizer read it on every request instead of going to etcd. Optional indexes map an object to index keys
 * (e.g. a pod to its node). The watch restarts from the last seen revision, or relists after a compaction.
 *
 * <p>An optional filter keeps only the objects its reader can use (the Node authorizer's pods bound to a node): an
 * object that does not pass is held as if deleted, so a copy of a busy resource does not hold every decoded object.
 */
public final class ObjectCache {
  private static final Logger LOG = Logger.getLogger(ObjectCache.class);

  private final GenericStore<HasMetadata> store;
  private final Map<String, Function<HasMetadata, Collection<String>>> indexers;
  private final Predicate<HasMetadata> keeps;
  private final Predicate<byte[]> mayKeepJson;
  private volatile UnaryOperator<HasMetadata> projection = UnaryOperator.identity();
  private final Map<String, HasMetadata> items = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Set<String>>> indexes = new ConcurrentHashMap<>();
  private final CountDownLatch synced = new CountDownLatch(1);
  private final List<Runnable> onChange = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile long lastRevision;
  private volatile boolean stopped;
  private volatile StorageWatch watch;
  private Set<String> seenDuringRelist;

  public ObjectCache(GenericStore<HasMetadata> store, Map<String, Function<HasMetadata, Collection<String>>> indexers) {
    this(store, indexers, o -> true);
  }

  /** A copy of only the objects that pass {@code keeps} (the others are held as if deleted). */
  public ObjectCache(GenericStore<HasMetadata> store, Map<String, Function<HasMetadata, Collection<String>>> indexers,
      Predicate<HasMetadata> keeps) {
    this(store, indexers, keeps, json -> true);
  }

  /**
   * A copy of only the objects that pass {@code keeps}, with a check of a watch event's JSON before it is decoded:
   * when {@code mayKeepJson} says no, the object does not pass {@code keeps} and no earlier version of it did either
   * (so nothing held goes away), and the event is passed over undecoded. Decoding was most of what this copy cost
   * (the Node authorizer's: every pending pod's create and update, only to find it holds no node).
   */
  public ObjectCache(GenericStore<HasMetadata> store, Map<String, Function<HasMetadata, Collection<String>>> indexers,
      Predicate<HasMetadata> keeps, Predicate<byte[]> mayKeepJson) {
    this.store = store;
    this.indexers = Map.copyOf(indexers);
    this.keeps = keeps;
    this.mayKeepJson = mayKeepJson;
    for (String index : indexers.keySet()) {
      indexes.put(index, new ConcurrentHashMap<>());
    }
  }

  /**
   * Holds what {@code projection} makes of each kept object instead of the object (what its readers use of it; the
   * indexers see the projection too). Set before {@link #start}.
   */
  public ObjectCache holding(UnaryOperator<HasMetadata> projection) {
    this.projection = projection;
    return this;
  }

  /** Starts the list+watch on a daemon thread; {@link #awaitSynced} tells when the first list is in. */
  public ObjectCache start() {
    Thread t = new Thread(() -> run(0), "cache-" + store.definition().resource());
    t.setDaemon(true);
    t.start();
    return this;
  }

  public void stop() {
    stopped = true;
    StorageWatch w = watch;
    if (w != null) {
      w.close();
    }
  }

  /** Runs {@code listener} after every change (on the watch thread); used to re-aggregate cluster roles. */
  public void onChange(Runnable listener) {
    onChange.add(listener);
  }

  public boolean awaitSynced(Duration timeout) {
    try {
      return synced.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public boolean synced() {
    return synced.getCount() == 0;
  }

  public HasMetadata get(String namespace, String name) {
    return items.get(key(namespace, name));
  }

  public Collection<HasMetadata> all() {
    return items.values();
  }

  /** The objects whose indexer gave {@code value} for {@code index}. */
  public List<HasMetadata> byIndex(String index, String value) {
    Set<String> keys = indexes.get(index).getOrDefault(value, Set.of());
    List<HasMetadata> out = new ArrayList<>(keys.size());
    for (String k : keys) {
      HasMetadata o = items.get(k);
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  private void run(long from) {
    long backoff = 100;
    while (!stopped) {
      try {
        if (from <= 0) {
          // The initial list is read here rather than by the watch so that its revision is known even when it is
          // empty: a reader waiting for the copy to reach a revision (awaitRevision) must not wait for an event.
          ListPage<HasMetadata> initial = store.list(null, ListOptions.all());
          synchronized (this) {
            seenDuringRelist = new HashSet<>();
            for (HasMetadata item : initial.items()) {
              put(new WatchEvent<>("ADDED", item, initial.resourceVersion()));
            }
            for (String k : new ArrayList<>(items.keySet())) {
              if (!seenDuringRelist.contains(k)) {
                remove(k);
              }
            }
            seenDuringRelist = null;
          }
          from = initial.resourceVersion();
          advanceTo(from);
        }
        CountDownLatch ended = new CountDownLatch(1);
        watch = store.watch(null, ListOptions.all(), from, new GenericStore.WatchListener<>() {
          @Override
          public void onEvent(WatchEvent<HasMetadata> event) {
            apply(event);
          }

          @Override
          public void onProgress(long revision) {
            advanceTo(revision);
          }

          @Override
          public void onError(Throwable error) {
            LOG.debugf("watch of %s ended: %s", store.definition().resource(), error.toString());
            if (error instanceof io.quarkube.apiserver.storage.StorageException.Compacted) {
              lastRevision = 0;
            }
            ended.countDown();
          }
        });
        synced.countDown();
        synchronized (this) {
          notifyAll();
        }
        fireChange();
        backoff = 100;
        ended.await();
        watch.close();
        from = lastRevision;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.debugf("cache of %s: %s; retrying", store.definition().resource(), e.toString());
        from = lastRevision;
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /**
   * Waits until the copy has seen {@code revision} (at most {@code maxWaitMillis}); false if it has not by then.
   * With {@link GenericStore#lastWriteRevision} this makes reads from the copy see every write made so far.
   */
  public boolean awaitRevision(long revision, long maxWaitMillis) {
    if (lastRevision >= revision && synced()) {
      return true;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    synchronized (this) {
      while (lastRevision < revision || !synced()) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private synchronized void advanceTo(long revision) {
    if (revision > lastRevision) {
      lastRevision = revision;
      notifyAll();
    }
  }

  private synchronized void apply(WatchEvent<HasMetadata> e) {
    if (!passedOver(e)) {
      put(e);
    }
    // Only now: a reader that sees the new revision (without the lock) must find the object in place.
    advanceTo(e.resourceVersion());
    if (synced()) {
      fireChange();
    }
  }

  private boolean passedOver(WatchEvent<HasMetadata> e) {
    if (!"ADDED".equals(e.type()) && !"MODIFIED".equals(e.type())) {
      return false;
    }
    byte[] json = e.objectJson();
    return json != null && !mayKeepJson.test(json);
  }

  private synchronized void put(WatchEvent<HasMetadata> e) {
    HasMetadata obj = e.object();
    String k = key(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    if (seenDuringRelist != null) {
      seenDuringRelist.add(k);
    }
    if ("BOOKMARK".equals(e.type())) {
      return;
    }
    remove(k);
    if (!"DELETED".equals(e.type()) && keeps.test(obj)) {
      obj = projection.apply(obj);
      items.put(k, obj);
      for (var idx : indexers.entrySet()) {
        for (String v : idx.getValue().apply(obj)) {
          indexes.get(idx.getKey()).computeIfAbsent(v, x -> ConcurrentHashMap.newKeySet()).add(k);
        }
      }
    }
  }

  private void remove(String k) {
    HasMetadata old = items.remove(k);
    if (old == null) {
      return;
    }
    for (var idx : indexers.entrySet()) {
      for (String v : idx.getValue().apply(old)) {
        Set<String> keys = indexes.get(idx.getKey()).get(v);
        if (keys != null) {
          keys.remove(k);
        }
      }
    }
  }

  private void fireChange() {
    for (Runnable r : onChange) {
      try {
        r.run();
      } catch (RuntimeException ex) {
        LOG.warnf(ex, "cache listener of %s failed", store.definition().resource());
      }
    }
  }

  private static String key(String namespace, String name) {
    return (namespace == null ? "" : namespace) + "/" + name;
  }
}

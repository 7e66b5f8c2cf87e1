package io.quarkube.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.storage.ListResult;
import io.quarkube.apiserver.storage.Storage;
import io.quarkube.apiserver.storage.StorageEvent;
import io.quarkube.apiserver.storage.StorageWatch;
import io.quarkube.apiserver.storage.StorageWatchListener;
import io.quarkube.apiserver.storage.StoredValue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.jboss.logging.Logger;

/**
 * One resource's watches served from one etcd watch, after upstream's cacher: every API watch of the resource (the
 * kubelet's pods of its node, each informer, each {@code kubectl get -w}) registers here instead of opening an etcd
 * watch of its own; each change is decoded once and the same event object goes to every watcher it matches, which
 * also lets the HTTP layer encode it once.
 *
 * <p>The cache keeps the changes of the last {@link Sizing#retention} (75 s, upstream's eventFreshDuration), at least
 * {@link Sizing#min} and at most {@link Sizing#max} of them, so that a watch resuming from a recent resourceVersion (an
 * informer after a dropped connection or a watch timeout) replays from memory even while thousands of objects change
 * per minute; a fixed count of 500 covered two seconds of a write benchmark, and every informer resuming after that
 * got an etcd watch of its own that decoded every change again. A watch from before that window is not served here:
 * {@link #register} answers null and the store opens a direct etcd watch, which replays from etcd's history or
 * reports the compaction (410 Gone) exactly as without a cache. Decoded objects are kept only while a change is
 * being fanned out; the window holds the stored bytes, so its memory is that of the raw values.
 *
 * <p>It also keeps the current state of every key (the stored bytes, shared with the window's changes), filled by a
 * paged list when the cache starts and kept by the watch, so that lists with {@code resourceVersion=0} (informers'
 * first list) are answered from memory, as upstream's cacher does, without reading etcd. Its cost is that of the
 * raw values: about 3 KiB per pod.
 */
final class WatchCache<T extends HasMetadata> {
  private static final Logger LOG = Logger.getLogger(WatchCache.class);

  private final GenericStore<T> store;
  private final Storage storage;
  private final Sizing sizing;

  private final Object lock = new Object();
  /** The window: every change after {@link #windowStart}, oldest first. Guarded by lock. */
  private final ArrayDeque<Change<T>> window = new ArrayDeque<>();
  private long windowStart;
  /**
   * The current value of every key of the resource, in key order. Written under lock; {@link #current} reads one key
   * without it (a write's first attempt must not wait for a cache restart reading etcd).
   */
  private final NavigableMap<String, StoredValue> state = new ConcurrentSkipListMap<>();
  /** The revision {@link #state} is at: the newest change or progress notification seen. Guarded by lock. */
  private long stateRevision;
  /**
   * Guards {@link #watchers} and {@link #fanOut}, alone when a watch ends and inside {@link #lock} otherwise. A watch
   * ends on the HTTP event loop (its client went away) and must not wait for {@link #lock}, which is held while the
   * cache (re)starts by reading etcd: with etcd down, up to its 30 s timeout.
   */
  private final Object watchersLock = new Object();
  private final List<Watcher<T>> watchers = new ArrayList<>();
  /** A copy of {@link #watchers} for the fan-out, replaced on every change of the list. */
  private volatile Watcher<T>[] fanOut = newArray(0);
  /**
   * The etcd watch feeding the cache; null while not running (before the first watch, while it loads, after an
   * error). Written under lock; volatile for {@link #current}, which serves {@link #state} only while it is set.
   */
  private volatile StorageWatch source;

  /**
   * How many changes the window keeps: those younger than {@code retention}, but never fewer than {@code min} nor more
   * than {@code max}.
   */
  record Sizing(int min, int max, Duration retention) {
    Sizing {
      if (min < 1 || max < min) {
        throw new IllegalArgumentException("watch cache sizes: need 1 <= min <= max, got " + min + ", " + max);
      }
    }

    /** A window of exactly {@code capacity} changes, whatever their age. */
    static Sizing fixed(int capacity) {
      return new Sizing(capacity, capacity, Duration.ZERO);
    }
  }

  WatchCache(GenericStore<T> store, Storage storage, Sizing sizing) {
    this.store = store;
    this.storage = storage;
    this.sizing = sizing;
  }

  /**
   * Starts streaming to {@code listener} every change under {@code keyPrefix} after {@code afterRevision} that
   * passes {@code filter}, or answers null when {@code afterRevision} is older than the window.
   */
  StorageWatch register(String keyPrefix, ListOptions filter, long afterRevision,
      GenericStore.WatchListener<T> listener) {
    synchronized (lock) {
      startIfStopped();
      if (afterRevision < windowStart) {
        return null;
      }
      Watcher<T> w = new Watcher<>(store, keyPrefix, filter, afterRevision, listener);
      // Replay under the lock: a change is either in the window now or reaches this watcher by the fan-out, once.
      for (Change<T> c : window) {
        w.deliver(c);
      }
      for (Change<T> c : window) {
        c.forgetDecodedUnlessDelivering();
      }
      synchronized (watchersLock) {
        watchers.add(w);
        fanOut = watchers.toArray(newArray(watchers.size()));
      }
      return () -> remove(w);
    }
  }

  /** The keys under a prefix at one revision, as the cache holds them. */
  record Snapshot(long revision, List<StoredValue> values) {}

  /**
   * The current values under {@code keyPrefix}, starting the cache if it is not running; null when the cache has not
   * reached {@code notOlderThan} yet (the caller then reads etcd, which is at least that new).
   */
  Snapshot snapshot(String keyPrefix, long notOlderThan) {
    synchronized (lock) {
      startIfStopped();
      if (stateRevision < notOlderThan) {
        return null;
      }
      // Only references are copied under the lock; decoding happens outside it.
      return new Snapshot(stateRevision,
          new ArrayList<>(state.subMap(keyPrefix, true, keyPrefix + Character.MAX_VALUE, false).values()));
    }
  }

  /**
   * The value of {@code key} as the cache last saw it, or null when the cache does not follow etcd now or has not seen
   * the key. It may be behind etcd: writes start from it and compare its revision (upstream's cachedExistingObject),
   * so a stale value costs one retry, and no read of etcd is needed when it is current.
   */
  StoredValue current(String key) {
    return source != null ? state.get(key) : null;
  }

  /** The number of API watches this cache serves now (for metrics and tests). */
  int watcherCount() {
    return fanOut.length;
  }

  private void remove(Watcher<T> w) {
    synchronized (watchersLock) {
      if (watchers.remove(w)) {
        fanOut = watchers.toArray(newArray(watchers.size()));
      }
    }
  }

  private void startIfStopped() {
    if (source != null) {
      return;
    }
    String prefix = store.prefix(null);
    long from = load(prefix);
    window.clear();
    windowStart = from;
    LOG.debugf("watch cache of %s starts at revision %d", store.definition().groupResource(), from);
    source = storage.watch(prefix, from, new Feed());
  }

  /** Fills {@link #state} from etcd, a page at a time at one revision, and answers that revision. */
  private long load(String prefix) {
    state.clear();
    long revision = 0;
    String startAfter = null;
    while (true) {
      ListResult page = storage.list(prefix, startAfter, revision, store.listPageKeys());
      revision = page.revision();
      for (StoredValue v : page.items()) {
        state.put(v.key(), v);
      }
      if (!page.more() || page.items().isEmpty()) {
        break;
      }
      startAfter = page.items().get(page.items().size() - 1).key();
    }
    stateRevision = revision;
    return revision;
  }

  /** The etcd watch's listener: its calls come one at a time, in revision order. */
  private final class Feed implements StorageWatchListener {
    @Override
    public void onEvents(List<StorageEvent> events) {
      List<Change<T>> changes = new ArrayList<>(events.size());
      Watcher<T>[] targets;
      synchronized (lock) {
        if (source == null) {
          return;
        }
        for (StorageEvent e : events) {
          Change<T> c = new Change<>(store, e, true);
          changes.add(c);
          window.addLast(c);
          if (e.type() == StorageEvent.Type.DELETE) {
            state.remove(e.key());
          } else {
            state.put(e.key(), new StoredValue(e.key(), e.value(), e.revision()));
          }
          stateRevision = Math.max(stateRevision, e.revision());
        }
        long freshSince = System.nanoTime() - sizing.retention().toNanos();
        while (window.size() > sizing.max()
            || window.size() > sizing.min() && window.peekFirst().receivedNanos - freshSince < 0) {
          windowStart = window.removeFirst().event.revision();
        }
        targets = fanOut;
      }
      long last = events.get(events.size() - 1).revision();
      for (Change<T> c : changes) {
        for (Watcher<T> w : targets) {
          w.deliver(c);
        }
        c.forgetDecoded();
      }
      // Watchers whose selector let nothing through still learn how far the resource has got (for bookmarks).
      for (Watcher<T> w : targets) {
        w.progress(last);
      }
    }

    @Override
    public void onProgress(long revision) {
      synchronized (lock) {
        if (source != null) {
          stateRevision = Math.max(stateRevision, revision);
        }
      }
      for (Watcher<T> w : fanOut) {
        w.progress(revision);
      }
    }

    @Override
    public void onError(Throwable error) {
      Watcher<T>[] ended;
      synchronized (lock) {
        if (fanOut.length > 0) {
          LOG.infof("watch cache of %s stops: %s; its %d watches end and their clients resume",
              store.definition().groupResource(), error.toString(), fanOut.length);
        }
        StorageWatch s = source;
        source = null;
        window.clear();
        state.clear();
        stateRevision = 0;
        synchronized (watchersLock) {
          ended = fanOut;
          watchers.clear();
          fanOut = newArray(0);
        }
        if (s != null) {
          s.close();
        }
      }
      for (Watcher<T> w : ended) {
        w.listener.onError(error);
      }
    }
  }

  /** One etcd change; the objects are decoded on first use and shared by every watcher it reaches. */
  static final class Change<T extends HasMetadata> {
    final StorageEvent event;
    /** When the cache received it ({@link System#nanoTime}), for the window's retention. */
    final long receivedNanos = System.nanoTime();
    private final GenericStore<T> store;
    private T current;
    private T previous;
    /** The events handed out, one per type, so that watchers share them and their encoding. */
    private WatchEvent<T> added;
    private WatchEvent<T> modified;
    private WatchEvent<T> deleted;
    private WatchEvent<T> movedOut;

    /** Being fanned out now: its decoded objects and events are kept until the fan-out forgets them. */
    private boolean delivering;

    Change(GenericStore<T> store, StorageEvent event) {
      this(store, event, false);
    }

    Change(GenericStore<T> store, StorageEvent event, boolean delivering) {
      this.store = store;
      this.event = event;
      this.delivering = delivering;
    }

    synchronized T current() {
      if (current == null && event.value() != null) {
        current = store.decode(event.value(), event.revision());
      }
      return current;
    }

    synchronized T previous() {
      if (previous == null && event.previous() != null) {
        previous = store.decode(event.previous(), event.revision());
      }
      return previous;
    }

    synchronized WatchEvent<T> event(String type) {
      return switch (type) {
        case "ADDED" -> added == null ? added = ofCurrent(type) : added;
        case "MODIFIED" -> modified == null ? modified = ofCurrent(type) : modified;
        case "DELETED" -> deleted == null ? deleted = WatchEvent.stored(type, event.revision(), this::previous,
            () -> storedJson(event.previous())) : deleted;
        default -> throw new IllegalArgumentException(type);
      };
    }

    /** An object that no longer matches a watcher's selector leaves its view as DELETED, with its new state. */
    synchronized WatchEvent<T> movedOut() {
      return movedOut == null ? movedOut = ofCurrent("DELETED") : movedOut;
    }

    /** Decoded only when a watcher needs the object; JSON watchers get the stored bytes. */
    private WatchEvent<T> ofCurrent(String type) {
      return WatchEvent.stored(type, event.revision(), this::current, () -> storedJson(event.value()));
    }

    /** What decoding {@code bytes} at this revision and encoding the object again gives, or null. */
    private byte[] storedJson(byte[] bytes) {
      return bytes == null || store.strategy().defaultsOnRead() ? null
          : StoredJson.withResourceVersion(bytes, event.revision(), store.definition().apiVersion());
    }

    /**
     * After a replay: the window keeps bytes only, but a change the fan-out is still handing out keeps its objects
     * (and shared events), which it forgets itself when done.
     */
    synchronized void forgetDecodedUnlessDelivering() {
      if (!delivering) {
        forgetDecoded();
      }
    }

    /** The window keeps bytes only: decoded objects are several times larger. */
    synchronized void forgetDecoded() {
      delivering = false;
      current = null;
      previous = null;
      added = modified = deleted = movedOut = null;
    }
  }

  /** One API watch: which changes it wants and how they look to it (also used for direct etcd watches). */
  static final class Watcher<T extends HasMetadata> {
    private final GenericStore<T> store;
    private final String keyPrefix;
    private final ListOptions filter;
    private final boolean everything;
    private final long afterRevision;
    final GenericStore.WatchListener<T> listener;

    Watcher(GenericStore<T> store, String keyPrefix, ListOptions filter, long afterRevision,
        GenericStore.WatchListener<T> listener) {
      this.store = store;
      this.keyPrefix = keyPrefix;
      this.filter = filter;
      this.everything = filter.selectsEverything();
      this.afterRevision = afterRevision;
      this.listener = listener;
    }

    void deliver(Change<T> c) {
      StorageEvent e = c.event;
      if (e.revision() <= afterRevision || !e.key().startsWith(keyPrefix)) {
        return;
      }
      WatchEvent<T> out = translate(c);
      if (out != null) {
        listener.onEvent(out);
      }
    }

    void progress(long revision) {
      if (revision > afterRevision) {
        listener.onProgress(revision);
      }
    }

    /** Upstream's watch filtering: an object moving into the selection is ADDED, one moving out DELETED. */
    private WatchEvent<T> translate(Change<T> c) {
      StorageEvent e = c.event;
      boolean existed = e.previous() != null;
      if (everything) {
        if (e.type() == StorageEvent.Type.DELETE) {
          return existed ? c.event("DELETED") : null;
        }
        return c.event(existed ? "MODIFIED" : "ADDED");
      }
      boolean wasMatching = existed && store.matches(c.previous(), filter);
      if (e.type() == StorageEvent.Type.DELETE) {
        return wasMatching ? c.event("DELETED") : null;
      }
      boolean nowMatches = store.matches(c.current(), filter);
      if (nowMatches) {
        return c.event(wasMatching ? "MODIFIED" : "ADDED");
      }
      return wasMatching ? c.movedOut() : null;
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> Watcher<T>[] newArray(int n) {
    return (Watcher<T>[]) new Watcher<?>[n];
  }
}

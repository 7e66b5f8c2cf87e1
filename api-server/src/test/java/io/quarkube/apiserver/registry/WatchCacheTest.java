package io.quarkube.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.selection.FieldSelector;
import io.quarkube.apiserver.selection.LabelSelector;
import io.quarkube.apiserver.storage.EtcdStorage;
import io.quarkube.apiserver.storage.ListResult;
import io.quarkube.apiserver.storage.Storage;
import io.quarkube.apiserver.storage.StorageEvent;
import io.quarkube.apiserver.storage.StorageException;
import io.quarkube.apiserver.storage.StorageWatch;
import io.quarkube.apiserver.storage.StorageWatchListener;
import io.quarkube.apiserver.storage.StoredValue;
import io.quarkube.testing.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The watch cache against a real etcd: one etcd watch per resource, shared events, its window and fall-back. */
class WatchCacheTest {
  private static EtcdStorage etcd;

  @BeforeAll
  static void start() {
    etcd = new EtcdStorage(EtcdServer.shared().endpoint());
  }

  @AfterAll
  static void stop() {
    etcd.close();
  }

  /** A store over a storage that counts the etcd watches opened and can break them. */
  private static final class Fixture {
    final CountingStorage storage = new CountingStorage(etcd);
    final GenericStore<HasMetadata> store;
    final String ns = "wc-" + UUID.randomUUID().toString().substring(0, 8);

    Fixture(int capacity) {
      this(WatchCache.Sizing.fixed(capacity));
    }

    Fixture(WatchCache.Sizing sizing) {
      store = new Registry(ResourceCatalog.builtIn(), storage, Clock.systemUTC()).store("", "v1", "configmaps")
          .orElseThrow();
      store.enableWatchCache(sizing);
    }

    long create(String name, Map<String, String> labels) {
      ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
          .addToData("k", "v").build();
      return Long.parseLong(store.create(ns, cm, false).getMetadata().getResourceVersion());
    }

    void relabel(String name, Map<String, String> labels) {
      HasMetadata cm = store.get(ns, name);
      cm.getMetadata().setLabels(labels);
      store.update(ns, name, cm, null, false);
    }

    long now() {
      return etcd.currentRevision();
    }
  }

  @Test
  void manyWatchersShareOneEtcdWatchAndOneEventInstance() throws Exception {
    Fixture f = new Fixture(100);
    long from = f.now();
    List<BlockingQueue<WatchEvent<HasMetadata>>> queues = new ArrayList<>();
    List<StorageWatch> handles = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      BlockingQueue<WatchEvent<HasMetadata>> q = new LinkedBlockingQueue<>();
      queues.add(q);
      handles.add(f.store.watch(f.ns, ListOptions.all(), from, GenericStoreTest.listener(q)));
    }
    assertEquals(1, f.storage.watches.get(), "etcd watches opened for 20 API watches");
    assertEquals(20, f.store.cachedWatchers());
    f.create("a", Map.of());
    f.relabel("a", Map.of("x", "y"));
    f.store.delete(f.ns, "a", DeleteOptions.defaults());
    List<WatchEvent<HasMetadata>> first = take(queues.get(0), 3);
    assertEquals(List.of("ADDED a", "MODIFIED a", "DELETED a"), describe(first));
    for (BlockingQueue<WatchEvent<HasMetadata>> q : queues.subList(1, queues.size())) {
      List<WatchEvent<HasMetadata>> got = take(q, 3);
      for (int i = 0; i < 3; i++) {
        assertSame(first.get(i), got.get(i), "watchers get the same event, so it is encoded once");
      }
    }
    assertEquals("y", first.get(1).object().getMetadata().getLabels().get("x"));
    assertEquals(first.get(2).resourceVersion(),
        Long.parseLong(first.get(2).object().getMetadata().getResourceVersion()));
    for (WatchEvent<HasMetadata> e : first) {
      // JSON watches write these bytes instead of encoding the object: they must be what encoding it gives.
      assertEquals(new String(io.quarkube.apiserver.json.Json.bytes(e.object()), StandardCharsets.UTF_8),
          new String(e.objectJson(), StandardCharsets.UTF_8), e.type());
    }
    handles.forEach(StorageWatch::close);
    assertEquals(0, f.store.cachedWatchers());
  }

  @Test
  void aWatchResumingInsideTheWindowReplaysFromMemory() throws Exception {
    Fixture f = new Fixture(100);
    f.store.watch(f.ns, ListOptions.all(), f.now(), GenericStoreTest.listener(new LinkedBlockingQueue<>()))
        .close(); // starts the cache
    long a = f.create("a", Map.of());
    f.create("b", Map.of());
    f.create("c", Map.of());
    awaitCacheSees(f, "c");
    BlockingQueue<WatchEvent<HasMetadata>> q = new LinkedBlockingQueue<>();
    try (StorageWatch w = f.store.watch(f.ns, ListOptions.all(), a, GenericStoreTest.listener(q))) {
      assertEquals(List.of("ADDED b", "ADDED c"), describe(take(q, 2)));
      assertEquals(1, f.storage.watches.get(), "served from the cache's window, no new etcd watch");
    }
  }

  /** Starts the cache, creates a to e and waits until the cache has e; answers a's revision. */
  private static long startThenCreateFive(Fixture f) throws Exception {
    f.store.watch(f.ns, ListOptions.all(), f.now(), GenericStoreTest.listener(new LinkedBlockingQueue<>()))
        .close();
    long a = f.create("a", Map.of());
    for (String n : List.of("b", "c", "d", "e")) {
      f.create(n, Map.of());
    }
    awaitCacheSees(f, "e");
    return a;
  }

  @Test
  void aWatchFromBeforeTheWindowGoesToEtcdAndStillSeesEverything() throws Exception {
    Fixture f = new Fixture(2);
    long a = startThenCreateFive(f);
    BlockingQueue<WatchEvent<HasMetadata>> q = new LinkedBlockingQueue<>();
    try (StorageWatch w = f.store.watch(f.ns, ListOptions.all(), a, GenericStoreTest.listener(q))) {
      assertEquals(List.of("ADDED b", "ADDED c", "ADDED d", "ADDED e"), describe(take(q, 4)));
      assertEquals(2, f.storage.watches.get(), "older than the window of 2: a direct etcd watch");
    }
    // And once etcd has compacted that history, the direct watch reports it (the API answers 410 Gone).
    etcd.compact(f.now());
    BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    try (StorageWatch w = f.store.watch(f.ns, ListOptions.all(), a, errorsTo(errors))) {
      Throwable t = errors.poll(20, TimeUnit.SECONDS);
      assertTrue(t instanceof StorageException.Compacted, String.valueOf(t));
    }
  }

  @Test
  void freshChangesBeyondTheMinimumStayInTheWindowUpToItsMaximum() throws Exception {
    // At least 2, at most 4, and all of the last hour: five changes leave the newest four in memory.
    Fixture f = new Fixture(new WatchCache.Sizing(2, 4, Duration.ofHours(1)));
    long a = startThenCreateFive(f);
    BlockingQueue<WatchEvent<HasMetadata>> q = new LinkedBlockingQueue<>();
    try (StorageWatch w = f.store.watch(f.ns, ListOptions.all(), a, GenericStoreTest.listener(q))) {
      assertEquals(List.of("ADDED b", "ADDED c", "ADDED d", "ADDED e"), describe(take(q, 4)));
      assertEquals(1, f.storage.watches.get(), "four fresh changes kept beyond the minimum of 2: no etcd watch");
    }
    BlockingQueue<WatchEvent<HasMetadata>> older = new LinkedBlockingQueue<>();
    try (StorageWatch w = f.store.watch(f.ns, ListOptions.all(), a - 1, GenericStoreTest.listener(older))) {
      assertEquals(List.of("ADDED a", "ADDED b", "ADDED c", "ADDED d", "ADDED e"), describe(take(older, 5)));
      assertEquals(2, f.storage.watches.get(), "the fifth change is beyond the maximum of 4: a direct etcd watch");
    }
  }

  @Test
  void selectorsSeeObjectsMoveInAndOut() throws Exception {
    Fixture f = new Fixture(100);
    long from = f.now();
    ListOptions appX = new ListOptions(LabelSelector.parse("app=x"), FieldSelector.everything(), 0, null, null,
        null);
    BlockingQueue<WatchEvent<HasMetadata>> q = new LinkedBlockingQueue<>();
    try (StorageWatch w = f.store.watch(f.ns, appX, from, GenericStoreTest.listener(q))) {
      f.create("other", Map.of("app", "z"));
      f.create("m", Map.of("app", "y"));
      f.relabel("m", Map.of("app", "x")); // moves in
      f.relabel("m", Map.of("app", "x", "more", "1"));
      f.relabel("m", Map.of("app", "y")); // moves out: DELETED with the new state
      f.create("n", Map.of("app", "x"));
      f.store.delete(f.ns, "n", DeleteOptions.defaults());
      List<WatchEvent<HasMetadata>> got = take(q, 5);
      assertEquals(List.of("ADDED m", "MODIFIED m", "DELETED m", "ADDED n", "DELETED n"), describe(got));
      assertEquals("y", got.get(2).object().getMetadata().getLabels().get("app"));
      assertNull(q.poll(200, TimeUnit.MILLISECONDS), "nothing about objects never in the selection");
    }
  }

  @Test
  void anotherNamespaceIsNotSeen() throws Exception {
    Fixture f = new Fixture(100);
    Fixture other = new Fixture(100);
    BlockingQueue<WatchEvent<HasMetadata>> q = new LinkedBlockingQueue<>();
    try (StorageWatch w = f.store.watch(f.ns, ListOptions.all(), f.now(), GenericStoreTest.listener(q))) {
      other.store.create(f.ns + "x", new ConfigMapBuilder().withNewMetadata().withName("prefix-twin")
          .endMetadata().build(), false); // namespace "<ns>x" shares the key prefix "<ns>" but not "<ns>/"
      f.create("mine", Map.of());
      assertEquals(List.of("ADDED mine"), describe(take(q, 1)));
    }
  }

  @Test
  void aBrokenEtcdWatchEndsEveryWatchAndTheNextOneStartsAfresh() throws Exception {
    Fixture f = new Fixture(100);
    BlockingQueue<Throwable> e1 = new LinkedBlockingQueue<>();
    BlockingQueue<Throwable> e2 = new LinkedBlockingQueue<>();
    f.store.watch(f.ns, ListOptions.all(), f.now(), errorsTo(e1));
    f.store.watch(f.ns, ListOptions.all(), f.now(), errorsTo(e2));
    f.storage.breakWatches(new StorageException("watch closed by etcd"));
    assertNotNull(e1.poll(10, TimeUnit.SECONDS));
    assertNotNull(e2.poll(10, TimeUnit.SECONDS));
    assertEquals(0, f.store.cachedWatchers());
    BlockingQueue<WatchEvent<HasMetadata>> q = new LinkedBlockingQueue<>();
    try (StorageWatch w = f.store.watch(f.ns, ListOptions.all(), f.now(), GenericStoreTest.listener(q))) {
      f.create("after", Map.of());
      assertEquals(List.of("ADDED after"), describe(take(q, 1)));
      assertEquals(2, f.storage.watches.get(), "the cache opened a new etcd watch");
    }
  }

  @Test
  void endingAWatchDoesNotWaitForTheCacheRestartingWhileEtcdDoesNotAnswer() throws Exception {
    Fixture f = new Fixture(100);
    StorageWatch ended = f.store.watch(f.ns, ListOptions.all(), f.now(), errorsTo(new LinkedBlockingQueue<>()));
    f.storage.breakWatches(new StorageException("etcd went away"));
    CountDownLatch etcdAnswers = new CountDownLatch(1);
    f.storage.listGate = etcdAnswers;
    long from = f.now();
    CompletableFuture<StorageWatch> restarting = CompletableFuture.supplyAsync(
        () -> f.store.watch(f.ns, ListOptions.all(), from, errorsTo(new LinkedBlockingQueue<>())));
    assertTrue(f.storage.listWaiting.await(20, TimeUnit.SECONDS), "the cache restarts and reads etcd");
    // The ended watch's client goes away (on the HTTP event loop) while the cache reads etcd to restart.
    CompletableFuture.runAsync(ended::close).get(5, TimeUnit.SECONDS);
    assertFalse(restarting.isDone());
    etcdAnswers.countDown();
    restarting.get(20, TimeUnit.SECONDS).close();
  }

  @Test
  void listsAtResourceVersionZeroComeFromTheCacheWithoutReadingEtcd() throws Exception {
    Fixture f = new Fixture(100);
    f.create("a", Map.of());
    f.create("b", Map.of("app", "x"));
    ListOptions any = new ListOptions(LabelSelector.everything(), FieldSelector.everything(), 0, null, "0", null);
    assertEquals(List.of("a", "b"), names(f.store.list(f.ns, any)), "the first one starts the cache");
    long c = f.create("c", Map.of("app", "x"));
    f.store.delete(f.ns, "a", DeleteOptions.defaults());
    awaitCacheSees(f, "a");
    int reads = f.storage.lists.get();
    ListPage<HasMetadata> page = f.store.list(f.ns, any);
    assertEquals(List.of("b", "c"), names(page));
    assertTrue(page.resourceVersion() > c, "at least as new as the cache: " + page.resourceVersion());
    ListOptions appX = new ListOptions(LabelSelector.parse("app=x"),
        FieldSelector.parse("metadata.name!=b", f.store.selectableFields(), "ConfigMap"), 0, null, "0", null);
    assertEquals(List.of("c"), names(f.store.list(f.ns, appX)));
    ListOptions notOlder = new ListOptions(LabelSelector.everything(), FieldSelector.everything(), 0, null,
        Long.toString(c), "NotOlderThan");
    assertEquals(List.of("b", "c"), names(f.store.list(f.ns, notOlder)));
    assertEquals(reads, f.storage.lists.get(), "no etcd read for lists the cache could answer");
    assertEquals(List.of("b", "c"), names(f.store.list(f.ns, ListOptions.all())));
    assertTrue(f.storage.lists.get() > reads, "no resourceVersion: a consistent read from etcd");
    // Newer than the cache and than etcd: upstream's "Too large resource version" after trying etcd.
    ListOptions future = new ListOptions(LabelSelector.everything(), FieldSelector.everything(), 0, null,
        Long.toString(f.now() + 1000), "NotOlderThan");
    assertEquals(504, assertThrows(ApiException.class, () -> f.store.list(f.ns, future)).code());
  }

  @Test
  void writesStartFromTheCachedValueAndABehindCacheCostsARetryNotAnUpdate() throws Exception {
    Fixture f = new Fixture(100);
    f.store.watch(f.ns, ListOptions.all(), f.now(), GenericStoreTest.listener(new LinkedBlockingQueue<>())).close();
    f.create("a", Map.of());
    awaitCacheSees(f, "a");

    int reads = f.storage.gets.get();
    f.store.guaranteedUpdate(f.ns, "a", null, null, false, cm -> label(cm, "first", "1"));
    assertEquals(reads, f.storage.gets.get(), "the update started from the cache's value: no read of etcd");

    // The cache falls behind: another API server (a store without a cache) writes while the cache's feed waits.
    CountDownLatch feed = new CountDownLatch(1);
    f.storage.eventGate = feed;
    GenericStore<HasMetadata> other = new Registry(ResourceCatalog.builtIn(), etcd, Clock.systemUTC())
        .store("", "v1", "configmaps").orElseThrow();
    other.guaranteedUpdate(f.ns, "a", null, null, false, cm -> label(cm, "other", "2"));
    HasMetadata updated = f.store.guaranteedUpdate(f.ns, "a", null, null, false, cm -> label(cm, "second", "3"));
    feed.countDown();
    assertEquals(Map.of("first", "1", "other", "2", "second", "3"), updated.getMetadata().getLabels(),
        "the stale start lost its transaction and was retried on etcd's value");
    assertEquals(Map.of("first", "1", "other", "2", "second", "3"), f.store.get(f.ns, "a").getMetadata().getLabels());
    // A conditional update naming etcd's revision, which the cache has not seen yet, is checked against etcd.
    f.storage.eventGate = new CountDownLatch(1);
    String rv = other.guaranteedUpdate(f.ns, "a", null, null, false, cm -> label(cm, "third", "4"))
        .getMetadata().getResourceVersion();
    f.store.guaranteedUpdate(f.ns, "a", rv, null, false, cm -> label(cm, "fourth", "5"));
    f.storage.eventGate.countDown();
    f.storage.eventGate = null;

    awaitCacheSees(f, "a");
    reads = f.storage.gets.get();
    assertTrue(f.store.delete(f.ns, "a", DeleteOptions.defaults()).deleted());
    assertEquals(reads, f.storage.gets.get(), "the delete started from the cache's value");
  }

  private static HasMetadata label(HasMetadata object, String key, String value) {
    Map<String, String> labels = new java.util.HashMap<>(
        object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels());
    labels.put(key, value);
    object.getMetadata().setLabels(labels);
    return object;
  }

  @Test
  void theCacheLoadsTheCurrentStateInPagesWhenItStarts() throws Exception {
    Fixture f = new Fixture(100);
    for (int i = 0; i < 7; i++) {
      f.create("item-" + i, Map.of());
    }
    f.store.setListPageKeys(3);
    ListOptions any = new ListOptions(LabelSelector.everything(), FieldSelector.everything(), 0, null, "0", null);
    assertEquals(7, f.store.list(f.ns, any).items().size());
    assertTrue(f.storage.maxListLimit.get() <= 3 && f.storage.maxListLimit.get() > 0,
        "pages of at most 3 keys, asked " + f.storage.maxListLimit.get());
  }

  private static List<String> names(ListPage<HasMetadata> page) {
    List<String> out = new ArrayList<>();
    page.items().forEach(i -> out.add(i.getMetadata().getName()));
    return out;
  }

  private static void awaitCacheSees(Fixture f, String name) throws InterruptedException {
    // A throwaway watcher from now-1 sees the newest change once the cache has it.
    BlockingQueue<WatchEvent<HasMetadata>> q = new LinkedBlockingQueue<>();
    long last = f.now();
    try (StorageWatch w = f.store.watch(f.ns, ListOptions.all(), last - 1, GenericStoreTest.listener(q))) {
      WatchEvent<HasMetadata> e = q.poll(20, TimeUnit.SECONDS);
      assertNotNull(e, "cache did not see " + name);
      assertEquals(name, e.object().getMetadata().getName());
    }
  }

  private static GenericStore.WatchListener<HasMetadata> errorsTo(BlockingQueue<Throwable> errors) {
    return new GenericStore.WatchListener<>() {
      @Override
      public void onEvent(WatchEvent<HasMetadata> event) {}

      @Override
      public void onError(Throwable error) {
        errors.add(error);
      }
    };
  }

  private static List<WatchEvent<HasMetadata>> take(BlockingQueue<WatchEvent<HasMetadata>> q, int n)
      throws InterruptedException {
    List<WatchEvent<HasMetadata>> out = new ArrayList<>();
    while (out.size() < n) {
      WatchEvent<HasMetadata> e = q.poll(20, TimeUnit.SECONDS);
      assertNotNull(e, "only " + describe(out) + " of " + n + " events");
      out.add(e);
    }
    return out;
  }

  private static List<String> describe(List<WatchEvent<HasMetadata>> events) {
    List<String> out = new ArrayList<>();
    for (WatchEvent<HasMetadata> e : events) {
      out.add(e.type() + " " + (e.object() == null ? "-" : e.object().getMetadata().getName()));
    }
    return out;
  }

  /** Storage that counts watches and can end them all with an error, as a lost etcd connection would. */
  private static final class CountingStorage implements Storage {
    final Storage delegate;
    final AtomicInteger watches = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong maxListLimit = new java.util.concurrent.atomic.AtomicLong();
    final List<StorageWatchListener> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger gets = new AtomicInteger();
    /** When set, watch events wait for it before they reach the cache: a cache behind etcd. */
    volatile CountDownLatch eventGate;
    /** When set, lists wait for it: an etcd that does not answer. */
    volatile CountDownLatch listGate;
    /** Counted down when a list starts waiting for {@link #listGate}. */
    final CountDownLatch listWaiting = new CountDownLatch(1);

    CountingStorage(Storage delegate) {
      this.delegate = delegate;
    }

    void breakWatches(Throwable error) {
      for (StorageWatchListener l : listeners) {
        l.onError(error);
      }
    }

    @Override
    public StorageWatch watch(String prefix, long afterRevision, StorageWatchListener listener) {
      watches.incrementAndGet();
      listeners.add(listener);
      StorageWatch w = delegate.watch(prefix, afterRevision, StorageWatchListener.of(events -> {
        CountDownLatch gate = eventGate;
        if (gate != null) {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        listener.onEvents(events);
      }, listener::onProgress, listener::onError));
      return () -> {
        listeners.remove(listener);
        w.close();
      };
    }

    @Override
    public long create(String key, byte[] value) {
      return delegate.create(key, value);
    }

    @Override
    public Optional<StoredValue> get(String key) {
      gets.incrementAndGet();
      return delegate.get(key);
    }

    @Override
    public long update(String key, byte[] value, long expectedRevision) {
      return delegate.update(key, value, expectedRevision);
    }

    @Override
    public long delete(String key, long expectedRevision) {
      return delegate.delete(key, expectedRevision);
    }

    @Override
    public ListResult list(String prefix, String startAfter, long revision, long limit) {
      lists.incrementAndGet();
      maxListLimit.accumulateAndGet(limit, Math::max);
      CountDownLatch gate = listGate;
      if (gate != null) {
        listWaiting.countDown();
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.list(prefix, startAfter, revision, limit);
    }

    @Override
    public long currentRevision() {
      return delegate.currentRevision();
    }

    @Override
    public void close() {}
  }
}

package io.quarkube.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.storage.EtcdStorage;
import io.quarkube.apiserver.storage.StorageWatch;
import io.quarkube.testing.EtcdServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several writers make 2,000 changes while watchers start and resume from random earlier resourceVersions; every
 * watcher must see every change after its start point exactly once, in order.
 */
class WatchCorrectnessTest {
  private static final int WRITERS = 4;
  private static final int CHANGES = 2000;
  private static final int WATCHERS = 12;

  /** What one change did, keyed by the revision etcd gave it. */
  record Change(String type, String name) {}

  @Test
  void everyWatcherSeesEveryLaterChangeOnceAndInOrder() throws Exception {
    try (EtcdStorage storage = new EtcdStorage(EtcdServer.shared().endpoint())) {
      Registry registry = new Registry(ResourceCatalog.builtIn(), storage, Clock.systemUTC());
      GenericStore<HasMetadata> cms = registry.store("", "v1", "configmaps").orElseThrow();
      String ns = "watch-" + Long.toHexString(System.nanoTime());
      long base = storage.currentRevision();
      ConcurrentSkipListMap<Long, Change> history = new ConcurrentSkipListMap<>();
      List<Watcher> watchers = new CopyOnWriteArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          writers.add(pool.submit(() -> write(cms, ns, writer, history)));
        }
        Random random = new Random(42);
        // Watchers start while writes are in flight, each from a revision already written (or the base).
        Future<?> starter = pool.submit(() -> {
          for (int i = 0; i < WATCHERS; i++) {
            List<Long> seen = new ArrayList<>(history.keySet());
            long from = seen.isEmpty() ? base : seen.get(random.nextInt(seen.size()));
            Watcher watcher = new Watcher(from);
            watcher.handle = cms.watch(ns, ListOptions.all(), from, watcher);
            watchers.add(watcher);
            awaitHistorySize(history, (i + 1) * CHANGES / (WATCHERS + 1));
          }
          return null;
        });
        for (Future<?> f : writers) {
          f.get(5, TimeUnit.MINUTES);
        }
        starter.get(5, TimeUnit.MINUTES);
      } finally {
        pool.shutdownNow();
      }
      assertEquals(CHANGES, history.size());
      long last = history.lastKey();
      for (Watcher w : watchers) {
        w.awaitRevision(last);
        w.handle.close();
        List<Long> expected = new ArrayList<>(history.tailMap(w.from, false).keySet());
        List<Long> got = w.revisions();
        assertEquals(expected.size(), got.size(), "watcher from " + w.from + " saw a different number of events");
        assertEquals(expected, got, "watcher from " + w.from + " saw events out of order or twice");
        for (int i = 0; i < got.size(); i++) {
          Change c = history.get(got.get(i));
          assertEquals(c.type() + " " + c.name(), w.events.get(i), "event at revision " + got.get(i));
        }
        assertTrue(w.errors.isEmpty(), "watcher errors: " + w.errors);
      }
    }
  }

  /** Each writer creates, updates and deletes its own objects; every write's revision goes into the history. */
  private static void write(GenericStore<HasMetadata> cms, String ns, int writer, Map<Long, Change> history) {
    int perWriter = CHANGES / WRITERS;
    int done = 0;
    int object = 0;
    while (done < perWriter) {
      String name = "w" + writer + "-" + object++;
      ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
          .withData(Map.of("v", "0")).build();
      HasMetadata created = cms.create(ns, cm, false);
      history.put(rv(created), new Change("ADDED", name));
      done++;
      if (done < perWriter) {
        ConfigMap next = (ConfigMap) created;
        next.setData(Map.of("v", "1"));
        history.put(rv(cms.update(ns, name, next, null, false)), new Change("MODIFIED", name));
        done++;
      }
      if (done < perWriter) {
        // The delete's revision is what the DELETED event carries.
        long deletedAt = cms.delete(ns, name, DeleteOptions.defaults()).revision();
        history.put(deletedAt, new Change("DELETED", name));
        done++;
      }
    }
  }

  private static long rv(HasMetadata o) {
    return Long.parseLong(o.getMetadata().getResourceVersion());
  }

  private static void awaitHistorySize(Map<Long, Change> history, int size) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (history.size() < size && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  /** Collects events; revisions come from the objects' resourceVersions. */
  static final class Watcher implements GenericStore.WatchListener<HasMetadata> {
    final long from;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<Long> revs = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    volatile StorageWatch handle;

    Watcher(long from) {
      this.from = from;
    }

    @Override
    public void onEvent(WatchEvent<HasMetadata> event) {
      events.add(event.type() + " " + event.object().getMetadata().getName());
      revs.add(event.resourceVersion());
      synchronized (this) {
        notifyAll();
      }
    }

    @Override
    public void onError(Throwable error) {
      errors.add(error);
    }

    List<Long> revisions() {
      synchronized (revs) {
        return new ArrayList<>(revs);
      }
    }

    synchronized void awaitRevision(long revision) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 60_000;
      while ((revs.isEmpty() || revs.get(revs.size() - 1) < revision) && System.currentTimeMillis() < deadline) {
        wait(1000);
      }
    }
  }
}

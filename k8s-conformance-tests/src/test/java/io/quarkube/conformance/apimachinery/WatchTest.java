package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Watches on config maps: from a resourceVersion, restarted without a gap, by label selector, concurrently. */
@ExtendWith(TestNamespace.class)
class WatchTest {
  private final KubernetesClient client = Cluster.client();

  /** One event as a watcher saw it: type, object name, resourceVersion and the value of data.mutation. */
  record Event(String type, String name, String rv, String mutation) {
    String brief() {
      return type + " " + name + " " + mutation;
    }
  }

  /** A watch that queues what it receives. */
  final class Recorder implements Watcher<ConfigMap>, AutoCloseable {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final Watch watch;

    Recorder(String ns, String rv, String selector) {
      ListOptionsBuilder o = new ListOptionsBuilder().withResourceVersion(rv);
      if (selector != null) {
        o.withLabelSelector(selector);
      }
      ListOptions options = o.build();
      watch = client.configMaps().inNamespace(ns).watch(options, this);
    }

    @Override
    public void eventReceived(Action action, ConfigMap cm) {
      if (action == Action.BOOKMARK) {
        return;
      }
      Map<String, String> data = cm.getData();
      events.add(new Event(action.name(), cm.getMetadata().getName(), cm.getMetadata().getResourceVersion(),
          data == null ? null : data.get("mutation")));
    }

    @Override
    public void onClose(WatcherException cause) {}

    /** The next {@code n} events (fails when they do not come within 30 s). */
    List<Event> next(int n) throws InterruptedException {
      List<Event> got = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.size() < n) {
        Event e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("expected " + n + " events, got " + got);
        }
        got.add(e);
      }
      return got;
    }

    /** Asserts nothing more arrives within a short while (used after the expected events). */
    void nothingMore() throws InterruptedException {
      assertNull(events.poll(1, TimeUnit.SECONDS), "no further event");
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  private ConfigMap create(String ns, String name, Map<String, String> labels) {
    return client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .withLabels(labels).endMetadata().build()).create();
  }

  private ConfigMap mutate(String ns, String name, int value) {
    return client.configMaps().inNamespace(ns).withName(name).edit(cm -> new ConfigMapBuilder(cm)
        .addToData("mutation", Integer.toString(value)).build());
  }

  private String listRv(String ns) {
    return client.configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
  }

  private static List<String> brief(List<Event> events) {
    return events.stream().map(Event::brief).toList();
  }

  @Conformance("api-machinery.watch-from-rv")
  @Test
  void watchFromAPastResourceVersionSeesOnlyLaterChanges(String ns) throws Exception {
    create(ns, "cm", Map.of("watch", "from-rv"));
    mutate(ns, "cm", 1);
    ConfigMap first = mutate(ns, "cm", 2);
    mutate(ns, "cm", 3);
    client.configMaps().inNamespace(ns).withName("cm").delete();
    try (Recorder w = new Recorder(ns, first.getMetadata().getResourceVersion(), "watch=from-rv")) {
      assertEquals(List.of("MODIFIED cm 3", "DELETED cm 3"), brief(w.next(2)));
      w.nothingMore();
    }
  }

  @Conformance("api-machinery.watch-restart")
  @Test
  void restartedWatchContinuesFromTheLastResourceVersion(String ns) throws Exception {
    String start = listRv(ns);
    String last;
    try (Recorder w = new Recorder(ns, start, "watch=restart")) {
      create(ns, "cm", Map.of("watch", "restart"));
      mutate(ns, "cm", 1);
      mutate(ns, "cm", 2);
      List<Event> seen = w.next(3);
      assertEquals(List.of("ADDED cm null", "MODIFIED cm 1", "MODIFIED cm 2"), brief(seen));
      last = seen.get(2).rv();
    }
    // Changes while no watch is open...
    mutate(ns, "cm", 3);
    mutate(ns, "cm", 4);
    client.configMaps().inNamespace(ns).withName("cm").delete();
    // ...are all delivered, once, by a watch restarted from the last resourceVersion seen.
    try (Recorder w = new Recorder(ns, last, "watch=restart")) {
      assertEquals(List.of("MODIFIED cm 3", "MODIFIED cm 4", "DELETED cm 4"), brief(w.next(3)));
      w.nothingMore();
    }
  }

  @Conformance("api-machinery.watch-selector")
  @Test
  void objectsLeavingTheSelectorAreDeletedForItsWatchers(String ns) throws Exception {
    String start = listRv(ns);
    try (Recorder a = new Recorder(ns, start, "watch-this=A");
        Recorder b = new Recorder(ns, start, "watch-this=B");
        Recorder either = new Recorder(ns, start, "watch-this in (A,B)")) {
      create(ns, "cm-a", Map.of("watch-this", "A"));
      mutate(ns, "cm-a", 1);
      client.configMaps().inNamespace(ns).withName("cm-a").edit(cm -> new ConfigMapBuilder(cm).editMetadata()
          .addToLabels("watch-this", "B").endMetadata().build());
      mutate(ns, "cm-a", 2);
      client.configMaps().inNamespace(ns).withName("cm-a").edit(cm -> new ConfigMapBuilder(cm).editMetadata()
          .addToLabels("watch-this", "elsewhere").endMetadata().build());
      mutate(ns, "cm-a", 3); // seen by nobody
      client.configMaps().inNamespace(ns).withName("cm-a").edit(cm -> new ConfigMapBuilder(cm).editMetadata()
          .addToLabels("watch-this", "A").endMetadata().addToData("mutation", "4").build());
      client.configMaps().inNamespace(ns).withName("cm-a").delete();
      create(ns, "other", Map.of("watch-this", "C")); // matches no watcher

      assertEquals(List.of("ADDED cm-a null", "MODIFIED cm-a 1", "DELETED cm-a 1", "ADDED cm-a 4",
          "DELETED cm-a 4"), brief(a.next(5)));
      assertEquals(List.of("ADDED cm-a 1", "MODIFIED cm-a 2", "DELETED cm-a 2"), brief(b.next(3)));
      assertEquals(List.of("ADDED cm-a null", "MODIFIED cm-a 1", "MODIFIED cm-a 1", "MODIFIED cm-a 2",
          "DELETED cm-a 2", "ADDED cm-a 4", "DELETED cm-a 4"), brief(either.next(7)));
      a.nothingMore();
      b.nothingMore();
      either.nothingMore();
    }
  }

  @Conformance("api-machinery.watch-concurrent-order")
  @Test
  void concurrentWatchesSeeTheSameOrder(String ns) throws Exception {
    String start = listRv(ns);
    int writes = 60;
    Thread writer = new Thread(() -> {
      for (int i = 0; i < writes; i++) {
        String name = "cm-" + (i % 5);
        if (client.configMaps().inNamespace(ns).withName(name).get() == null) {
          create(ns, name, Map.of("watch", "order"));
        } else if (i % 7 == 0) {
          client.configMaps().inNamespace(ns).withName(name).delete();
        } else {
          mutate(ns, name, i);
        }
      }
    });
    List<Recorder> watchers = new ArrayList<>();
    try (Recorder first = new Recorder(ns, start, "watch=order")) {
      writer.start();
      // Each later watch starts at the resourceVersion of an event the first one saw, while writes go on.
      List<Event> firstEvents = new ArrayList<>(first.next(5));
      for (int k = 0; k < 4; k++) {
        watchers.add(new Recorder(ns, firstEvents.get(firstEvents.size() - 1).rv(), "watch=order"));
        firstEvents.addAll(first.next(5));
      }
      writer.join(TimeUnit.MINUTES.toMillis(2));
      Event e;
      while ((e = first.events.poll(2, TimeUnit.SECONDS)) != null) {
        firstEvents.add(e);
      }
      List<String> order = firstEvents.stream().map(Event::rv).toList();
      assertEquals(order.stream().distinct().count(), order.size(), "no resourceVersion twice");
      for (Recorder w : watchers) {
        List<String> theirs = new ArrayList<>();
        while ((e = w.events.poll(2, TimeUnit.SECONDS)) != null) {
          theirs.add(e.rv());
        }
        int from = order.indexOf(theirs.get(0));
        assertEquals(order.subList(from, order.size()), theirs, "a later watch sees the same sequence");
      }
    } finally {
      watchers.forEach(Recorder::close);
    }
  }
}

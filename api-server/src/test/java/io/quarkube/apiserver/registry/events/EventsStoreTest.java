package io.quarkube.apiserver.registry.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.DeleteOptions;
import io.quarkube.apiserver.registry.EtcdRegistryFixture;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.WatchEvent;
import io.quarkube.apiserver.selection.FieldSelector;
import io.quarkube.apiserver.storage.StorageWatch;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** events.k8s.io/v1 and core/v1 serve the same Events, stored once as core v1 under /registry/events/. */
class EventsStoreTest extends EtcdRegistryFixture {
  private static io.fabric8.kubernetes.api.model.events.v1.Event v1Event(String ns, String name, String note) {
    return Json.convert(Json.treeOf(("{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\""
        + name + "\"},\"eventTime\":\"2025-01-02T03:04:05.000000Z\",\"reportingController\":\"example.com/ctl\","
        + "\"reportingInstance\":\"ctl-0\",\"action\":\"Scale\",\"reason\":\"Scaled\",\"type\":\"Normal\","
        + "\"regarding\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"namespace\":\"" + ns
        + "\",\"name\":\"web\"},\"note\":\"" + note
        + "\"}").getBytes()), io.fabric8.kubernetes.api.model.events.v1.Event.class);
  }

  private static Event coreEvent(String ns, String name, String message) {
    return Json.convert(Json.treeOf(("{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"" + name
        + "\"},\"involvedObject\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"namespace\":\"" + ns
        + "\",\"name\":\"p\"},\"reason\":\"Started\",\"message\":\"" + message + "\",\"type\":\"Normal\","
        + "\"source\":{\"component\":\"kubelet\"},\"firstTimestamp\":\"2025-01-02T03:04:05Z\","
        + "\"lastTimestamp\":\"2025-01-02T03:04:05Z\",\"count\":1}").getBytes()), Event.class);
  }

  @Test
  void oneObjectThroughBothVersions() {
    GenericStore<HasMetadata> core = registry.store("", "v1", "events").orElseThrow();
    GenericStore<HasMetadata> v1 = registry.store("events.k8s.io", "v1", "events").orElseThrow();
    String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);

    var created = (io.fabric8.kubernetes.api.model.events.v1.Event) v1.create(ns, v1Event(ns, "e1", "hello"), false);
    assertEquals("events.k8s.io/v1", created.getApiVersion());
    String json = new String(storage.get("/registry/events/" + ns + "/e1").orElseThrow().value());
    assertTrue(json.startsWith("{\"apiVersion\":\"v1\",\"kind\":\"Event\""), json);
    assertTrue(json.contains("\"message\":\"hello\""), json);
    assertTrue(json.contains("\"reportingComponent\":\"example.com/ctl\""), json);
    assertFalse(json.contains("\"note\""), json);

    Event asCore = (Event) core.get(ns, "e1");
    assertEquals("v1", asCore.getApiVersion());
    assertEquals("hello", asCore.getMessage());
    assertEquals("web", asCore.getInvolvedObject().getName());
    assertEquals(created.getMetadata().getResourceVersion(), asCore.getMetadata().getResourceVersion());

    core.create(ns, coreEvent(ns, "e2", "from core"), false);
    var fromCore = (io.fabric8.kubernetes.api.model.events.v1.Event) v1.get(ns, "e2");
    assertEquals("from core", fromCore.getNote());
    assertEquals("p", fromCore.getRegarding().getName());
    assertEquals("kubelet", fromCore.getDeprecatedSource().getComponent());

    var listedV1 = v1.list(ns, ListOptions.all()).items();
    assertEquals(2, listedV1.size());
    listedV1.forEach(e -> assertEquals("events.k8s.io/v1", e.getApiVersion()));
    var listedCore = core.list(ns, ListOptions.all()).items();
    assertEquals(2, listedCore.size());
    listedCore.forEach(e -> assertEquals("v1", e.getApiVersion()));

    // events.k8s.io/v1's field selectors: regarding.*, reportingController
    var byRegarding = new ListOptions(ListOptions.all().labels(),
        FieldSelector.parse("regarding.name=p", v1.selectableFields(), "Event"), 0, null, null, null);
    assertEquals(1, v1.list(ns, byRegarding).items().size());
    assertThrows(ApiException.class, () -> FieldSelector.parse("involvedObject.name=p", v1.selectableFields(),
        "Event"));

    // strict validation through events.k8s.io/v1 only
    assertThrows(ApiException.class, () -> v1.create(ns, Json.convert(Json.treeOf(
        "{\"metadata\":{\"name\":\"bad\"},\"note\":\"x\"}".getBytes()),
        io.fabric8.kubernetes.api.model.events.v1.Event.class), false));

    // updates and deletes through one are seen through the other
    fromCore.setNote(null);
    var patched = (io.fabric8.kubernetes.api.model.events.v1.Event) v1.get(ns, "e1");
    patched.getMetadata().setLabels(java.util.Map.of("patched", "yes"));
    v1.update(ns, "e1", patched, null, false);
    assertEquals("yes", core.get(ns, "e1").getMetadata().getLabels().get("patched"));
    core.delete(ns, "e2", DeleteOptions.defaults());
    assertThrows(ApiException.class, () -> v1.get(ns, "e2"));
  }

  @Test
  void watchesSeeTheOthersWrites() throws Exception {
    GenericStore<HasMetadata> core = registry.store("", "v1", "events").orElseThrow();
    GenericStore<HasMetadata> v1 = registry.store("events.k8s.io", "v1", "events").orElseThrow();
    String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    BlockingQueue<WatchEvent<HasMetadata>> coreEvents = new LinkedBlockingQueue<>();
    BlockingQueue<WatchEvent<HasMetadata>> v1Events = new LinkedBlockingQueue<>();
    long from = storage.currentRevision();
    try (StorageWatch cw = core.watch(ns, ListOptions.all(), from, listener(coreEvents));
        StorageWatch vw = v1.watch(ns, ListOptions.all(), from, listener(v1Events))) {
      v1.create(ns, v1Event(ns, "w1", "through v1"), false);
      core.create(ns, coreEvent(ns, "w2", "through core"), false);

      for (String name : new String[] {"w1", "w2"}) {
        WatchEvent<HasMetadata> c = coreEvents.poll(20, TimeUnit.SECONDS);
        assertNotNull(c, "core watch: " + name);
        assertEquals("ADDED", c.type());
        Event ce = (Event) c.object();
        assertEquals(name, ce.getMetadata().getName());
        assertEquals(name.equals("w1") ? "through v1" : "through core", ce.getMessage());
        WatchEvent<HasMetadata> v = v1Events.poll(20, TimeUnit.SECONDS);
        assertNotNull(v, "events.k8s.io watch: " + name);
        var ve = (io.fabric8.kubernetes.api.model.events.v1.Event) v.object();
        assertEquals(name, ve.getMetadata().getName());
        assertEquals("events.k8s.io/v1", ve.getApiVersion());
        assertEquals(name.equals("w1") ? "through v1" : "through core", ve.getNote());
        if (v.objectJson() != null) {
          String j = new String(v.objectJson());
          assertTrue(j.contains("\"apiVersion\":\"events.k8s.io/v1\""), j);
        }
      }
    }
  }

  private static GenericStore.WatchListener<HasMetadata> listener(BlockingQueue<WatchEvent<HasMetadata>> q) {
    return new GenericStore.WatchListener<>() {
      @Override
      public void onEvent(WatchEvent<HasMetadata> event) {
        q.add(event);
      }

      @Override
      public void onError(Throwable error) {}
    };
  }
}

package io.quarkube.apiserver.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.apiserver.json.JsonBytes;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.storage.EtcdStorage;
import io.quarkube.testing.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API server's own informer against a real etcd, fed by a store's watch cache. */
class ObjectCacheTest {
  private static EtcdStorage storage;

  @BeforeAll
  static void start() {
    storage = new EtcdStorage(EtcdServer.shared().endpoint());
  }

  @AfterAll
  static void stop() {
    storage.close();
  }

  @Test
  void eventsTheJsonCheckRefusesAreNotDecoded() throws Exception {
    GenericStore<HasMetadata> pods = new Registry(ResourceCatalog.builtIn(), storage, Clock.systemUTC())
        .store("", "v1", "pods").orElseThrow();
    pods.enableWatchCache(100);
    String ns = "oc-" + UUID.randomUUID().toString().substring(0, 8);
    Set<String> decoded = ConcurrentHashMap.newKeySet();
    byte[] nodeName = "\"nodeName\":\"".getBytes(StandardCharsets.UTF_8);
    // The shared etcd holds other tests' pods too: only this namespace's are looked at.
    ObjectCache cache = new ObjectCache(pods, Map.of(), p -> {
      if (ns.equals(p.getMetadata().getNamespace())) {
        decoded.add(p.getMetadata().getName());
      }
      return ((Pod) p).getSpec().getNodeName() != null;
    }, json -> JsonBytes.contains(json, nodeName)).start();
    try {
      assertTrue(cache.awaitSynced(Duration.ofSeconds(10)));
      pods.create(ns, pod("pending"), false);
      pods.create(ns, pod("later"), false);
      long rv = Long.parseLong(pods.updateInStorage(ns, "later", "binding", false, p -> {
        ((Pod) p).getSpec().setNodeName("node-1");
        return p;
      }).getMetadata().getResourceVersion());
      assertTrue(cache.awaitRevision(rv, 10_000));
      assertEquals(List.of("later"), cache.all().stream().filter(o -> ns.equals(o.getMetadata().getNamespace()))
          .map(o -> o.getMetadata().getName()).toList());
      // Only the bound pod's event was decoded: the two creates were passed over on their JSON.
      assertEquals(Set.of("later"), decoded);
    } finally {
      cache.stop();
    }
  }

  private static Pod pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
  }
}

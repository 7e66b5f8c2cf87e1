package io.quarkube.conformance.storage;

import static io.quarkube.conformance.storage.CsiDriverTest.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.CSIStorageCapacity;
import io.fabric8.kubernetes.api.model.storage.CSIStorageCapacityBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * storage.k8s.io/v1 CSIStorageCapacities as upstream's "CSIStorageCapacities API operations" conformance test drives
 * them: discovery, create, get, list (namespace and all), watch, patch, update, delete, deletecollection; plus the
 * immutable storage class and kubectl's columns.
 */
@ExtendWith(TestNamespace.class)
class CsiStorageCapacityTest {
  private static final String CLASS = "e2e.example.com";
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private static CSIStorageCapacity capacity(String name, String label, String amount) {
    return new CSIStorageCapacityBuilder().withNewMetadata().withName(name).addToLabels("test", label).endMetadata()
        .withStorageClassName(CLASS).withCapacity(amount == null ? null : new Quantity(amount))
        .withNewNodeTopology().addToMatchLabels("topology.example.com/zone", "z1").endNodeTopology().build();
  }

  private static Watcher<CSIStorageCapacity> recorder(List<String> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, CSIStorageCapacity c) {
        events.add(action + " " + c.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  @Conformance("storage.csistoragecapacity-api")
  @Test
  void csiStorageCapacitiesApiOperations(String ns) {
    List<String> resources = client.getApiResources("storage.k8s.io/v1").getResources().stream()
        .map(APIResource::getName).toList();
    assertTrue(resources.contains("csistoragecapacities"), resources.toString());
    var inNs = client.storage().v1().csiStorageCapacities().inNamespace(ns);
    String label = "e2e-" + ns;
    List<String> events = new CopyOnWriteArrayList<>();
    List<String> allEvents = new CopyOnWriteArrayList<>();
    try (Watch w = inNs.withLabel("test", label).watch(recorder(events));
        Watch all = client.storage().v1().csiStorageCapacities().inAnyNamespace().withLabel("test", label)
            .watch(recorder(allEvents))) {
      inNs.resource(capacity("csc1", label, "1Gi")).create();
      KubernetesClientException again = assertThrows(KubernetesClientException.class,
          () -> inNs.resource(capacity("csc1", label, "1Gi")).create());
      assertEquals(409, again.getCode());
      inNs.resource(capacity("csc2", label, "2Gi")).create();
      inNs.resource(capacity("csc3", label, null)).create();
      assertEquals("1Gi", inNs.withName("csc1").get().getCapacity().toString());
      assertEquals(3, inNs.withLabel("test", label).list().getItems().size());
      assertEquals(3, client.storage().v1().csiStorageCapacities().inAnyNamespace().withLabel("test", label).list()
          .getItems().size());
      Await.until(Duration.ofSeconds(30), "three ADDED events", () -> events.containsAll(List.of("ADDED csc1",
          "ADDED csc2", "ADDED csc3")));

      List<String> lines = kubectl.run("get", "csistoragecapacities", "-A", "-l", "test=" + label).ok().out()
          .lines().toList();
      assertEquals(List.of("NAMESPACE", "NAME", "STORAGECLASSNAME", "CAPACITY"), words(lines.get(0)));
      assertEquals(List.of(ns, "csc1", CLASS, "1Gi"), words(lines.get(1)));
      assertEquals(List.of(ns, "csc3", CLASS, "<unset>"), words(lines.get(3)));

      CSIStorageCapacity patched = inNs.withName("csc1").edit(c -> new CSIStorageCapacityBuilder(c).editMetadata()
          .addToAnnotations("patched", "true").endMetadata().build());
      assertEquals("true", patched.getMetadata().getAnnotations().get("patched"));
      CSIStorageCapacity got = inNs.withName("csc1").get();
      got.getMetadata().getAnnotations().put("updated", "true");
      got.setCapacity(new Quantity("3Gi"));
      CSIStorageCapacity updated = inNs.resource(got).update();
      assertEquals("true", updated.getMetadata().getAnnotations().get("updated"));
      assertEquals("3Gi", updated.getCapacity().toString());
      Await.until(Duration.ofSeconds(30), "a MODIFIED event", () -> events.contains("MODIFIED csc1"));
      Await.until(Duration.ofSeconds(30), "the events across namespaces", () -> allEvents.containsAll(List.of(
          "ADDED csc1", "ADDED csc2", "ADDED csc3", "MODIFIED csc1")));

      Kubectl.Result immutable = kubectl.run("patch", "csistoragecapacity", "csc2", "-n", ns, "--type=merge", "-p",
          "{\"storageClassName\":\"other\"}").fails();
      assertTrue(immutable.err().contains("storageClassName: Invalid value: \"other\": field is immutable"),
          immutable.err());

      inNs.withName("csc1").delete();
      assertEquals(null, inNs.withName("csc1").get());
      Await.until(Duration.ofSeconds(30), "a DELETED event", () -> events.contains("DELETED csc1"));
      inNs.withLabel("test", label).delete();
      assertEquals(List.of(), inNs.withLabel("test", label).list().getItems());
    }
  }
}

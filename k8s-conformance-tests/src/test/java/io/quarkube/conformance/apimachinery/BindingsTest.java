package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * core/v1 {@code bindings}: {@code POST /api/v1/namespaces/<ns>/bindings} assigns the pod the Binding names to its
 * target node, as {@code pods/<name>/binding} does; only create is served.
 */
@ExtendWith(TestNamespace.class)
class BindingsTest {
  private final KubernetesClient client = Cluster.client();

  private static String binding(String pod, String node) {
    return """
        {"apiVersion":"v1","kind":"Binding","metadata":{"name":"%s","annotations":{"bound-by":"e2e"}},
         "target":{"apiVersion":"v1","kind":"Node","name":"%s"}}""".formatted(pod, node);
  }

  @Conformance("api-machinery.bindings")
  @Test
  void postingABindingAssignsThePod(String ns) {
    // a scheduler that does not exist: the real one leaves the pod to this test
    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("bound").endMetadata()
        .withNewSpec().withSchedulerName("quarkube-e2e-unscheduled").addNewContainer().withName("c")
        .withImage("registry.local/pause:3.9").endContainer().endSpec().build()).create();
    String node = client.nodes().list().getItems().get(0).getMetadata().getName();

    Api.Response created = Api.send("POST", "/api/v1/namespaces/" + ns + "/bindings", "application/json",
        binding("bound", node), "application/json");
    assertEquals(201, created.code(), created.toString());
    assertEquals("Success", created.json().path("status").asText(), created.toString());
    Pod pod = client.pods().inNamespace(ns).withName("bound").get();
    assertEquals(node, pod.getSpec().getNodeName());
    assertEquals("e2e", pod.getMetadata().getAnnotations().get("bound-by"));
    assertTrue(pod.getStatus().getConditions().stream()
        .anyMatch(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus())), pod.toString());

    // bound once: a second binding is a conflict, as through pods/binding
    Api.Response again = Api.send("POST", "/api/v1/namespaces/" + ns + "/bindings", "application/json",
        binding("bound", node), "application/json");
    assertEquals(409, again.code(), again.toString());
    assertTrue(again.json().path("message").asText().contains("is already assigned to node \"" + node + "\""),
        again.toString());
    // a pod that does not exist, a Binding without a name or a target
    Api.Response missing = Api.send("POST", "/api/v1/namespaces/" + ns + "/bindings", "application/json",
        binding("nope", node), "application/json");
    assertEquals(404, missing.code(), missing.toString());
    assertEquals("pods \"nope\" not found", missing.json().path("message").asText(), missing.toString());
    Api.Response nameless = Api.send("POST", "/api/v1/namespaces/" + ns + "/bindings", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{},\"target\":{\"name\":\"" + node + "\"}}",
        "application/json");
    assertEquals(400, nameless.code(), nameless.toString());
    // create alone: no list
    Api.Response list = Api.get("/api/v1/namespaces/" + ns + "/bindings", "application/json");
    assertEquals(405, list.code(), list.toString());
    assertEquals("MethodNotAllowed", list.json().path("reason").asText(), list.toString());

    Api.Response discovery = Api.get("/api/v1", "application/json");
    String row = discovery.json().path("resources").findValues("name").toString();
    assertTrue(row.contains("\"bindings\""), row);
    discovery.json().path("resources").forEach(r -> {
      if (r.path("name").asText().equals("bindings")) {
        assertEquals("{\"name\":\"bindings\",\"singularName\":\"binding\",\"namespaced\":true,\"kind\":\"Binding\","
            + "\"verbs\":[\"create\"]}", r.toString());
      }
    });
    client.pods().inNamespace(ns).withName("bound").withGracePeriod(0).delete();
  }

  /**
   * A binding is a create of pods/binding and goes through admission as upstream's: in a namespace being terminated
   * NamespaceLifecycle refuses it (before the store would, because the pod is being deleted too).
   */
  @Conformance("api-machinery.bindings")
  @Test
  void aBindingGoesThroughAdmission() {
    String ns = "e2e-binding-admission-" + Long.toHexString(System.nanoTime());
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    Await.defaultServiceAccount(client, ns);
    try {
      // a finalizer keeps the pod (and with it the namespace) while the namespace is being terminated
      client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("held")
          .withFinalizers("e2e.quarkube.io/hold").endMetadata().withNewSpec()
          .withSchedulerName("quarkube-e2e-unscheduled").addNewContainer().withName("c")
          .withImage("registry.local/pause:3.9").endContainer().endSpec().build()).create();
      client.namespaces().withName(ns).delete();
      Await.until(Duration.ofSeconds(30), "namespace " + ns + " terminating", () -> {
        var n = client.namespaces().withName(ns).get();
        return n != null && n.getStatus() != null && "Terminating".equals(n.getStatus().getPhase());
      });
      String node = client.nodes().list().getItems().get(0).getMetadata().getName();
      Api.Response refused = Api.send("POST", "/api/v1/namespaces/" + ns + "/pods/held/binding", "application/json",
          binding("held", node), "application/json");
      assertEquals(403, refused.code(), refused.toString());
      assertEquals("Forbidden", refused.json().path("reason").asText(), refused.toString());
      assertTrue(refused.json().path("message").asText().contains("unable to create new content in namespace " + ns
          + " because it is being terminated"), refused.toString());
      Api.Response legacy = Api.send("POST", "/api/v1/namespaces/" + ns + "/bindings", "application/json",
          binding("held", node), "application/json");
      assertEquals(403, legacy.code(), legacy.toString());
      Pod pod = client.pods().inNamespace(ns).withName("held").get();
      assertTrue(pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty(), pod.toString());
    } finally {
      // a merge patch without a resourceVersion: the namespace controller is deleting the pod meanwhile
      client.pods().inNamespace(ns).withName("held").patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType
              .JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
    }
  }
}

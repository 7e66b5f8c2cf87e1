package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A namespace's own API: patch, update, the status subresource and the finalize subresource. */
@ExtendWith(TestNamespace.class)
class NamespaceApiTest {
  private final KubernetesClient client = Cluster.client();

  @Conformance("api-machinery.namespace-patch-status-finalize")
  @Test
  void patchUpdateStatusAndFinalize(String ns) {
    // patch
    client.namespaces().withName(ns).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"testLabel\":\"testValue\"}}}");
    assertEquals("testValue", client.namespaces().withName(ns).get().getMetadata().getLabels().get("testLabel"));
    // update
    Namespace updated = client.namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata()
        .addToAnnotations("e2e/updated", "yes").endMetadata().build());
    assertEquals("yes", updated.getMetadata().getAnnotations().get("e2e/updated"));
    assertEquals("Active", updated.getStatus().getPhase());

    // status: patch a condition through /status.
    Api.Response patched = Api.send("PATCH", "/api/v1/namespaces/" + ns + "/status",
        "application/merge-patch+json", """
            {"status":{"conditions":[{"type":"StatusPatch","status":"True",
             "reason":"E2E","message":"patched by the e2e test"}]}}""", "application/json");
    assertEquals(200, patched.code(), patched.toString());
    Namespace afterPatch = client.namespaces().withName(ns).get();
    assertTrue(afterPatch.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("StatusPatch")
        && c.getMessage().equals("patched by the e2e test")), afterPatch.getStatus().toString());

    // status: update (PUT) through /status.
    JsonNode current = Api.get("/api/v1/namespaces/" + ns + "/status", "application/json").json();
    String body = current.toString().replace("\"StatusPatch\"", "\"StatusUpdate\"");
    Api.Response put = Api.send("PUT", "/api/v1/namespaces/" + ns + "/status", "application/json", body,
        "application/json");
    assertEquals(200, put.code(), put.toString());
    assertTrue(client.namespaces().withName(ns).get().getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("StatusUpdate")));

    // finalize: spec.finalizers change only through /finalize.
    JsonNode nsJson = Api.get("/api/v1/namespaces/" + ns, "application/json").json();
    String withFake = nsJson.toString().replace("\"finalizers\":[\"kubernetes\"]",
        "\"finalizers\":[\"kubernetes\",\"e2e.example.com/fakeFinalizer\"]");
    assertTrue(withFake.contains("fakeFinalizer"), nsJson.toString());
    Api.Response fin = Api.send("PUT", "/api/v1/namespaces/" + ns + "/finalize", "application/json", withFake,
        "application/json");
    assertEquals(200, fin.code(), fin.toString());
    assertEquals(List.of("kubernetes", "e2e.example.com/fakeFinalizer"), client.namespaces().withName(ns).get()
        .getSpec().getFinalizers());
    Namespace n = client.namespaces().withName(ns).get();
    List<String> back = new ArrayList<>(n.getSpec().getFinalizers());
    back.remove("e2e.example.com/fakeFinalizer");
    n.getSpec().setFinalizers(back);
    Api.Response removed = Api.send("PUT", "/api/v1/namespaces/" + ns + "/finalize", "application/json",
        io.fabric8.kubernetes.client.utils.Serialization.asJson(n), "application/json");
    assertEquals(200, removed.code(), removed.toString());
    assertEquals(List.of("kubernetes"), client.namespaces().withName(ns).get().getSpec().getFinalizers());
  }
}

package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** discovery.k8s.io/v1 EndpointSlices through upstream's EndpointSlice API conformance tests. */
@ExtendWith(TestNamespace.class)
class EndpointSliceApiTest {
  private final KubernetesClient client = Cluster.client();

  private List<EndpointSlice> slicesOf(String ns, String service) {
    return client.discovery().v1().endpointSlices().inNamespace(ns).withLabel("kubernetes.io/service-name", service)
        .list().getItems();
  }

  @Conformance("network.endpointslice-selector-service")
  @Test
  void endpointsAndSlicesComeAndGoWithASelectorService(String ns) {
    String name = "example-empty-selector";
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().addToSelector("does-not-match-anything", "endpoints-and-endpoint-slices-should-still-be-created")
        .addNewPort().withName("example").withPort(80).withProtocol("TCP").endPort().endSpec().build()).create();
    Await.until(Duration.ofSeconds(60), "the service's Endpoints",
        () -> client.endpoints().inNamespace(ns).withName(name).get() != null);
    Await.until(Duration.ofSeconds(60), "the service's EndpointSlice", () -> !slicesOf(ns, name).isEmpty());
    EndpointSlice slice = slicesOf(ns, name).get(0);
    assertEquals("endpointslice-controller.k8s.io",
        slice.getMetadata().getLabels().get("endpointslice.kubernetes.io/managed-by"));
    assertEquals(List.of(), slice.getEndpoints() == null ? List.of() : slice.getEndpoints());

    client.services().inNamespace(ns).withName(name).delete();
    Await.until(Duration.ofSeconds(60), "the Endpoints deleted with the service",
        () -> client.endpoints().inNamespace(ns).withName(name).get() == null);
    Await.until(Duration.ofSeconds(90), "the EndpointSlice deleted with the service",
        () -> slicesOf(ns, name).isEmpty());
  }

  @Conformance("network.endpointslice-api")
  @Test
  void endpointSliceApiOperations(String ns) throws Exception {
    Api.assertDiscovered("discovery.k8s.io", "v1", "endpointslices");
    var slices = client.discovery().v1().endpointSlices().inNamespace(ns);
    String label = ns;
    EndpointSlice template = new EndpointSliceBuilder().withNewMetadata().withGenerateName("e2e-example-ing")
        .addToLabels("special-label", label).endMetadata().withAddressType("IPv4")
        .addNewEndpoint().withAddresses("1.2.3.4", "5.6.7.8").endEndpoint()
        .addNewEndpoint().withAddresses("2.2.3.4", "6.6.7.8").endEndpoint().build();
    slices.resource(template).create();
    slices.resource(template).create();
    EndpointSlice created = slices.resource(template).create();
    String name = created.getMetadata().getName();
    assertEquals(created.getMetadata().getUid(), slices.withName(name).get().getMetadata().getUid());
    var list = slices.withLabel("special-label", label).list();
    assertEquals(3, list.getItems().size());
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Watch watch = slices.withLabel("special-label", label).watch(new ListOptionsBuilder()
        .withResourceVersion(list.getMetadata().getResourceVersion()).build(), IngressApiTest.modifiedOnly(events));
    try {
      var anywhere = client.discovery().v1().endpointSlices().inAnyNamespace().withLabel("special-label", label);
      assertEquals(3, anywhere.list().getItems().size());
      anywhere.watch(new ListOptionsBuilder().withResourceVersion(list.getMetadata().getResourceVersion()).build(),
          IngressApiTest.modifiedOnly(new LinkedBlockingQueue<>())).close();

      EndpointSlice patched = slices.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\":{\"annotations\":{\"patched\":\"true\"}}}");
      assertEquals("true", patched.getMetadata().getAnnotations().get("patched"));
      EndpointSlice updated = Conflicts.retry(() -> {
        EndpointSlice current = slices.withName(name).get();
        current.getMetadata().getAnnotations().put("updated", "true");
        return slices.resource(current).update();
      });
      assertEquals("true", updated.getMetadata().getAnnotations().get("updated"));
      IngressApiTest.awaitPatchedEvent(events);
    } finally {
      watch.close();
    }

    slices.withName(name).delete();
    assertNull(slices.withName(name).get());
    List<EndpointSlice> left = slices.withLabel("special-label", label).list().getItems();
    assertEquals(2, left.size());
    assertEquals(0, left.stream().filter(s -> s.getMetadata().getName().equals(name)).count());
    slices.withLabel("special-label", label).delete();
    assertEquals(List.of(), slices.withLabel("special-label", label).list().getItems());
  }
}

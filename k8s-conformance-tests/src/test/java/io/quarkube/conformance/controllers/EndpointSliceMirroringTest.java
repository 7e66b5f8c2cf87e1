package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Hand-written Endpoints of a Service without a selector are mirrored into EndpointSlices. */
@ExtendWith(TestNamespace.class)
class EndpointSliceMirroringTest {
  private final KubernetesClient client = Cluster.client();

  private List<EndpointSlice> slices(String ns) {
    return client.discovery().v1().endpointSlices().inNamespace(ns)
        .withLabel("kubernetes.io/service-name", "external").list().getItems();
  }

  @Test
  void manualEndpointsAreMirrored(String ns) {
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("external")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build())
        .create();
    client.endpoints().inNamespace(ns).resource(new EndpointsBuilder().withNewMetadata().withName("external")
        .endMetadata().addNewSubset().addNewAddress().withIp("192.0.2.10").endAddress().addNewPort().withName("http")
        .withPort(8080).endPort().endSubset().build()).create();
    Await.until(Duration.ofSeconds(30), "a mirrored slice", () -> slices(ns).size() == 1
        && slices(ns).get(0).getEndpoints().size() == 1);
    EndpointSlice s = slices(ns).get(0);
    assertEquals("endpointslicemirroring-controller.k8s.io", s.getMetadata().getLabels()
        .get("endpointslice.kubernetes.io/managed-by"));
    assertEquals(8080, s.getPorts().get(0).getPort());
    client.endpoints().inNamespace(ns).withName("external").edit(e -> new EndpointsBuilder(e).editFirstSubset()
        .addNewAddress().withIp("192.0.2.11").endAddress().endSubset().build());
    Await.until(Duration.ofSeconds(30), "the slice follows the Endpoints",
        () -> slices(ns).size() == 1 && slices(ns).get(0).getEndpoints().size() == 2);
  }
}

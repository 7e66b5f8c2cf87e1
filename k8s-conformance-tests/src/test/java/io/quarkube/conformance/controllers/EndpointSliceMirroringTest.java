package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
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

  /** One mirrored slice per the conditions of upstream's check: one port 80, one endpoint with one address. */
  private boolean mirrors(String ns, String service, String address) {
    List<EndpointSlice> slices = client.discovery().v1().endpointSlices().inNamespace(ns)
        .withLabel("kubernetes.io/service-name", service).list().getItems();
    return slices.size() == 1 && slices.stream().allMatch(s -> s.getPorts().size() == 1
        && s.getPorts().get(0).getPort() == 80 && s.getEndpoints().size() == 1
        && s.getEndpoints().get(0).getAddresses().equals(List.of(address)));
  }

  @Conformance("network.endpointslice-mirroring")
  @Test
  void customEndpointsAreMirroredThroughCreateUpdateAndDelete(String ns) {
    String name = "example-custom-endpoints";
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(name)
        .endMetadata().withNewSpec().addNewPort().withName("example").withPort(80).withProtocol("TCP").endPort()
        .endSpec().build()).create();
    String endpoints = """
        {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"%s"},
         "subsets":[{"ports":[{"port":80}],"addresses":[{"ip":"%s"}]}]}""";
    String path = "/api/v1/namespaces/" + ns + "/endpoints";
    Api.Response created = Api.send("POST", path, "application/json", endpoints.formatted(name, "10.1.2.3"), null);
    assertEquals(201, created.code(), created.toString());
    Await.until(Duration.ofSeconds(30), "the Endpoints mirrored", () -> mirrors(ns, name, "10.1.2.3"));

    // upstream updates with the object it created from, without a resourceVersion (Endpoints allow that)
    Api.Response updated = Api.send("PUT", path + "/" + name, "application/json",
        endpoints.formatted(name, "10.2.3.4"), null);
    assertEquals(200, updated.code(), updated.toString());
    Await.until(Duration.ofSeconds(30), "the update mirrored", () -> mirrors(ns, name, "10.2.3.4"));

    client.endpoints().inNamespace(ns).withName(name).delete();
    Await.until(Duration.ofSeconds(30), "the mirrored slice deleted", () -> client.discovery().v1().endpointSlices()
        .inNamespace(ns).withLabel("kubernetes.io/service-name", name).list().getItems().isEmpty());
  }
}

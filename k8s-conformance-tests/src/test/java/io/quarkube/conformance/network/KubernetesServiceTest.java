package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** default/kubernetes: the Service, its Endpoints and its EndpointSlice all point at the API server. */
class KubernetesServiceTest {
  private final KubernetesClient client = Cluster.client();

  @Conformance("network.kubernetes-service")
  @Test
  void kubernetesServicePointsAtTheApiServer() {
    Service svc = client.services().inNamespace("default").withName("kubernetes").get();
    assertNotNull(svc, "default/kubernetes");
    assertEquals("ClusterIP", svc.getSpec().getType());
    assertEquals("https", svc.getSpec().getPorts().get(0).getName());
    assertEquals(443, svc.getSpec().getPorts().get(0).getPort());
    assertEquals("apiserver", svc.getMetadata().getLabels().get("component"));
    assertTrue(client.services().inAnyNamespace().list().getItems().stream().anyMatch(s -> s.getMetadata()
        .getName().equals("kubernetes") && s.getMetadata().getNamespace().equals("default")),
        "found when listing all namespaces");

    int apiPort = Cluster.client().getMasterUrl().getPort();
    Endpoints ep = client.endpoints().inNamespace("default").withName("kubernetes").get();
    assertEquals(1, ep.getSubsets().size());
    assertEquals(apiPort, ep.getSubsets().get(0).getPorts().get(0).getPort());
    assertEquals("https", ep.getSubsets().get(0).getPorts().get(0).getName());
    List<String> ips = ep.getSubsets().get(0).getAddresses().stream().map(a -> a.getIp()).toList();
    assertEquals(1, ips.size(), ips.toString());

    EndpointSlice slice = client.discovery().v1().endpointSlices().inNamespace("default").withName("kubernetes")
        .get();
    assertNotNull(slice, "default/kubernetes EndpointSlice");
    assertEquals("kubernetes", slice.getMetadata().getLabels().get("kubernetes.io/service-name"));
    assertEquals("IPv4", slice.getAddressType());
    assertEquals(apiPort, slice.getPorts().get(0).getPort());
    assertEquals(ips, slice.getEndpoints().get(0).getAddresses());
  }
}

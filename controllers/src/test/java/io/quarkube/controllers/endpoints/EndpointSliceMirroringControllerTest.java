package io.quarkube.controllers.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSliceMirroringControllerTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final EndpointSliceMirroringController controller = new EndpointSliceMirroringController(
      new ControllerContext(caches, writer, c -> EventRecorder.discarding(), null, null));

  private List<EndpointSlice> slices() {
    return caches.indexer(EndpointSlice.class).list();
  }

  @Test
  void manualEndpointsOfASelectorlessServiceAreMirrored() {
    caches.put(new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("ext").endMetadata().withNewSpec()
        .addNewPort().withPort(80).endPort().endSpec().build());
    caches.put(new EndpointsBuilder().withNewMetadata().withNamespace("ns").withName("ext").withUid("ep-uid")
        .endMetadata().addNewSubset().addNewAddress().withIp("192.0.2.10").endAddress().addNewNotReadyAddress()
        .withIp("192.0.2.11").endNotReadyAddress().addNewPort().withName("http").withPort(8080).endPort()
        .endSubset().build());
    controller.reconcile("ns/ext");
    assertEquals(1, slices().size());
    EndpointSlice s = slices().get(0);
    assertEquals("endpointslicemirroring-controller.k8s.io", s.getMetadata().getLabels()
        .get("endpointslice.kubernetes.io/managed-by"));
    assertEquals("ext", s.getMetadata().getLabels().get("kubernetes.io/service-name"));
    assertEquals("ep-uid", s.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals(8080, s.getPorts().get(0).getPort());
    assertEquals("192.0.2.10", s.getEndpoints().get(0).getAddresses().get(0));
    assertTrue(s.getEndpoints().get(0).getConditions().getReady());
    assertEquals(false, s.getEndpoints().get(1).getConditions().getReady());
    controller.reconcile("ns/ext");
    assertEquals(1, writer.actions().size(), "settled: " + writer.actions());
  }

  @Test
  void servicesWithSelectorsAndSkipMirrorAreLeftAlone() {
    caches.put(new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("sel").endMetadata().withNewSpec()
        .addToSelector("app", "x").endSpec().build());
    caches.put(new EndpointsBuilder().withNewMetadata().withNamespace("ns").withName("sel").endMetadata()
        .addNewSubset().addNewAddress().withIp("10.0.0.1").endAddress().endSubset().build());
    caches.put(new ServiceBuilder().withNewMetadata().withNamespace("default").withName("kubernetes").endMetadata()
        .withNewSpec().endSpec().build());
    caches.put(new EndpointsBuilder().withNewMetadata().withNamespace("default").withName("kubernetes")
        .addToLabels("endpointslice.kubernetes.io/skip-mirror", "true").endMetadata().addNewSubset().addNewAddress()
        .withIp("10.0.0.2").endAddress().endSubset().build());
    controller.reconcile("ns/sel");
    controller.reconcile("default/kubernetes");
    assertTrue(slices().isEmpty());
  }
}

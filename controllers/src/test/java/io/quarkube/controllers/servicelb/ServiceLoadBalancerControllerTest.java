package io.quarkube.controllers.servicelb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceLoadBalancerControllerTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final ServiceLoadBalancerController controller = new ServiceLoadBalancerController(new ControllerContext(
      caches, writer, c -> EventRecorder.discarding(), null, null), "10.112.0.0/30,10.112.1.7");

  private ServiceBuilder svc(String name, String type) {
    return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata().withNewSpec()
        .withType(type).addNewPort().withPort(80).endPort().endSpec();
  }

  private List<String> ips(String name) {
    Service s = caches.indexer(Service.class).getByKey("ns/" + name);
    List<String> out = new ArrayList<>();
    if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null) {
      s.getStatus().getLoadBalancer().getIngress().forEach(i -> out.add(i.getIp()));
    }
    return out;
  }

  @Test
  void poolParsing() {
    List<String> all = new ArrayList<>();
    new AddressPool("10.112.0.0/30,10.112.1.7, 10.1.1.1-10.1.1.2").forEach(all::add);
    assertEquals(List.of("10.112.0.1", "10.112.0.2", "10.112.1.7", "10.1.1.1", "10.1.1.2"), all);
  }

  @Test
  void loadBalancersGetDistinctAddressesUntilThePoolIsEmpty() {
    for (String n : List.of("a", "b", "c", "d")) {
      caches.put(svc(n, "LoadBalancer").build());
      controller.reconcile("ns/" + n);
    }
    caches.put(svc("plain", "ClusterIP").build());
    controller.reconcile("ns/plain");
    assertEquals(List.of("10.112.0.1"), ips("a"));
    assertEquals(List.of("10.112.0.2"), ips("b"));
    assertEquals(List.of("10.112.1.7"), ips("c"));
    assertTrue(ips("d").isEmpty(), "pool exhausted");
    assertTrue(ips("plain").isEmpty());

    // b turns into a ClusterIP Service: its address goes back and d gets it.
    caches.put(new ServiceBuilder(caches.indexer(Service.class).getByKey("ns/b")).editSpec().withType("ClusterIP")
        .endSpec().build());
    controller.reconcile("ns/b");
    assertTrue(ips("b").isEmpty());
    controller.reconcile("ns/d");
    assertEquals(List.of("10.112.0.2"), ips("d"));
    int writes = writer.actions().size();
    controller.reconcile("ns/a");
    assertEquals(writes, writer.actions().size(), "settled");
  }

  @Test
  void requestedAddressIsHonouredWhenFree() {
    caches.put(svc("x", "LoadBalancer").editSpec().withLoadBalancerIP("10.112.1.7").endSpec().build());
    controller.reconcile("ns/x");
    assertEquals(List.of("10.112.1.7"), ips("x"));
    caches.put(svc("y", "LoadBalancer").editSpec().withLoadBalancerClass("example.com/other").endSpec().build());
    controller.reconcile("ns/y");
    assertTrue(ips("y").isEmpty(), "another implementation's class is left alone");
  }

  @Test
  void aStatusWrittenByAClientOnAClusterIpServiceIsLeftAlone() {
    caches.put(svc("plain", "ClusterIP").withNewStatus().withNewLoadBalancer().addNewIngress().withIp("203.0.113.1")
        .endIngress().endLoadBalancer().endStatus().build());
    controller.reconcile("ns/plain");
    assertEquals(List.of("203.0.113.1"), ips("plain"));
    assertTrue(writer.actions().isEmpty(), "nothing written: " + writer.actions());
  }
}

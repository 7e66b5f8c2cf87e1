package io.quarkube.controllers.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointControllersTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final ControllerContext ctx = new ControllerContext(caches, writer, c -> EventRecorder.discarding(), null,
      null);
  private final EndpointsController endpoints = new EndpointsController(ctx);
  private final EndpointSliceController slices = new EndpointSliceController(ctx);

  private Service service() {
    return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("web").withUid("svc-uid")
        .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(80)
        .withTargetPort(new IntOrString("web")).withProtocol("TCP").endPort().endSpec().build();
  }

  private Pod pod(String name, String ip, int containerPort, boolean ready, boolean terminating) {
    PodBuilder b = new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).withUid(name + "-uid")
        .addToLabels("app", "web").endMetadata().withNewSpec().withNodeName("node-1").addNewContainer()
        .withName("c").addNewPort().withName("web").withContainerPort(containerPort).endPort().endContainer()
        .endSpec().withNewStatus().withPodIP(ip).addNewCondition().withType("Ready")
        .withStatus(ready ? "True" : "False").endCondition().endStatus();
    if (terminating) {
      b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata();
    }
    return b.build();
  }

  private void drain(Controller<String> c) throws InterruptedException {
    while (c.queue().length() > 0) {
      c.processNextItem();
    }
  }

  @Test
  void readyAndNotReadyPodsWithNamedPortsResolvedPerPod() throws Exception {
    caches.put(service());
    caches.put(pod("a", "10.0.0.1", 8080, true, false));
    caches.put(pod("b", "10.0.0.2", 9090, false, false));
    caches.put(pod("no-ip", null, 8080, true, false));
    caches.put(pod("going", "10.0.0.3", 8080, true, true));
    drain(endpoints);
    drain(slices);

    Endpoints ep = caches.indexer(Endpoints.class).getByKey("ns/web");
    assertEquals(2, ep.getSubsets().size(), "two port sets: 8080 and 9090");
    EndpointSubset s8080 = ep.getSubsets().stream().filter(s -> s.getPorts().get(0).getPort() == 8080).findFirst()
        .orElseThrow();
    assertEquals(List.of("10.0.0.1"), s8080.getAddresses().stream().map(a -> a.getIp()).toList());
    assertEquals(List.of("10.0.0.3"), s8080.getNotReadyAddresses().stream().map(a -> a.getIp()).toList(),
        "terminating is not ready");
    EndpointSubset s9090 = ep.getSubsets().stream().filter(s -> s.getPorts().get(0).getPort() == 9090).findFirst()
        .orElseThrow();
    assertTrue(s9090.getAddresses() == null || s9090.getAddresses().isEmpty());
    assertEquals("b", s9090.getNotReadyAddresses().get(0).getTargetRef().getName());

    List<EndpointSlice> all = caches.indexer(EndpointSlice.class).list();
    assertEquals(2, all.size());
    for (EndpointSlice s : all) {
      assertEquals("web", s.getMetadata().getLabels().get("kubernetes.io/service-name"));
      assertEquals("svc-uid", s.getMetadata().getOwnerReferences().get(0).getUid());
    }
    Endpoint going = all.stream().flatMap(s -> s.getEndpoints().stream())
        .filter(e -> e.getAddresses().get(0).equals("10.0.0.3")).findFirst().orElseThrow();
    assertEquals(false, going.getConditions().getReady());
    assertEquals(true, going.getConditions().getServing());
    assertEquals(true, going.getConditions().getTerminating());
  }

  @Test
  void slicesHoldAtMostOneHundredEndpointsAndFollowChanges() throws Exception {
    caches.put(service());
    for (int i = 0; i < 250; i++) {
      caches.put(pod("p" + i, "10.1." + (i / 200) + "." + (i % 200), 8080, true, false));
    }
    drain(slices);
    List<EndpointSlice> all = caches.indexer(EndpointSlice.class).list();
    assertEquals(3, all.size());
    assertTrue(all.stream().allMatch(s -> s.getEndpoints().size() <= 100));
    assertEquals(250, all.stream().mapToInt(s -> s.getEndpoints().size()).sum());

    for (int i = 0; i < 200; i++) {
      caches.remove(caches.indexer(Pod.class).getByKey("ns/p" + i));
    }
    drain(slices);
    all = caches.indexer(EndpointSlice.class).list();
    assertEquals(1, all.size(), "surplus slices deleted");
    assertEquals(50, all.get(0).getEndpoints().size());
  }

  @Test
  void slicesFollowReadinessChanges() throws Exception {
    caches.put(service());
    caches.put(pod("a", "10.0.0.1", 8080, true, false));
    caches.put(pod("b", "10.0.0.2", 8080, true, false));
    drain(slices);
    caches.put(pod("a", "10.0.0.1", 8080, false, false));
    slices.enqueue("ns/web");
    while (slices.queue().length() > 0) {
      slices.processNextItem();
      assertEquals(0, slices.queue().numRequeues("ns/web"), "no failure");
    }
    caches.remove(caches.indexer(Pod.class).getByKey("ns/b"));
    while (slices.queue().length() > 0) {
      slices.processNextItem();
      assertEquals(0, slices.queue().numRequeues("ns/web"), "no failure");
    }
    List<Endpoint> eps = caches.indexer(EndpointSlice.class).list().get(0).getEndpoints();
    assertEquals(1, eps.size());
    assertEquals(false, eps.get(0).getConditions().getReady());
  }

  @Test
  void publishingNotReadyAddressesMakesEndpointsReadyButNotServing() throws Exception {
    caches.put(new ServiceBuilder(service()).editSpec().withPublishNotReadyAddresses(true).endSpec().build());
    caches.put(pod("up", "10.0.0.1", 8080, true, false));
    caches.put(pod("down", "10.0.0.2", 8080, false, false));
    caches.put(pod("going", "10.0.0.3", 8080, true, true));
    drain(slices);
    java.util.Map<String, io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions> byIp =
        new java.util.TreeMap<>();
    caches.indexer(EndpointSlice.class).list().forEach(s -> s.getEndpoints().forEach(
        e -> byIp.put(e.getAddresses().get(0), e.getConditions())));
    assertEquals(List.of(true, true, false), List.of(byIp.get("10.0.0.1").getReady(),
        byIp.get("10.0.0.1").getServing(), byIp.get("10.0.0.1").getTerminating()), "ready pod");
    assertEquals(List.of(true, false, false), List.of(byIp.get("10.0.0.2").getReady(),
        byIp.get("10.0.0.2").getServing(), byIp.get("10.0.0.2").getTerminating()),
        "not-ready pod: published as ready, but not serving");
    assertEquals(List.of(true, true, true), List.of(byIp.get("10.0.0.3").getReady(),
        byIp.get("10.0.0.3").getServing(), byIp.get("10.0.0.3").getTerminating()),
        "terminating pod: still ready when the Service publishes not-ready addresses");
  }

  @Test
  void endpointsAndSlicesCarryTheTimeOfTheChangeTheyReflect() throws Exception {
    String trigger = "endpoints.kubernetes.io/last-change-trigger-time";
    caches.put(new ServiceBuilder(service()).editMetadata().withCreationTimestamp("2026-01-01T00:00:00Z")
        .endMetadata().build());
    caches.put(readySince(pod("a", "10.0.0.1", 8080, true, false), "2026-01-01T00:01:00Z"));
    drain(endpoints);
    drain(slices);
    assertEquals("2026-01-01T00:00:00Z", caches.indexer(Endpoints.class).getByKey("ns/web").getMetadata()
        .getAnnotations().get(trigger), "first sync: the Service's creation");
    assertEquals("2026-01-01T00:00:00Z", caches.indexer(EndpointSlice.class).list().get(0).getMetadata()
        .getAnnotations().get(trigger));

    caches.put(readySince(pod("b", "10.0.0.2", 8080, true, false), "2026-01-01T00:02:00Z"));
    drain(endpoints);
    drain(slices);
    assertEquals("2026-01-01T00:02:00Z", caches.indexer(Endpoints.class).getByKey("ns/web").getMetadata()
        .getAnnotations().get(trigger), "b became ready then");
    assertEquals("2026-01-01T00:02:00Z", caches.indexer(EndpointSlice.class).list().get(0).getMetadata()
        .getAnnotations().get(trigger));
  }

  private static Pod readySince(Pod p, String time) {
    p.getStatus().getConditions().get(0).setLastTransitionTime(time);
    return p;
  }

  @Test
  void aServiceWithoutPodsGetsOneEmptySlice() throws Exception {
    caches.put(service());
    drain(slices);
    List<EndpointSlice> all = caches.indexer(EndpointSlice.class).list();
    assertEquals(1, all.size());
    assertTrue(all.get(0).getEndpoints().isEmpty());
  }

  @Test
  void selectorLessServicesAreLeftAlone() throws Exception {
    caches.put(new ServiceBuilder(service()).editSpec().withSelector(null).endSpec().build());
    drain(endpoints);
    drain(slices);
    assertTrue(writer.actions().isEmpty());
  }
}

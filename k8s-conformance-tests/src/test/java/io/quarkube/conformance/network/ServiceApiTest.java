package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * core/v1 Services and Endpoints through upstream's API-level Services conformance tests: the status lifecycle, a
 * deleted collection, an Endpoints lifecycle and multi-port endpoints that follow pods.
 */
@ExtendWith(TestNamespace.class)
class ServiceApiTest {
  private final KubernetesClient client = ProxyNode.client();

  /** A watch whose events (action, object) queue up for {@link #next}. */
  private static <T extends HasMetadata> Watcher<T> queueing(BlockingQueue<Object[]> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T object) {
        events.add(new Object[] {action, object});
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  /** Waits for the next event of that type whose object passes {@code test} (others are skipped). */
  @SuppressWarnings("unchecked")
  private static <T> T next(BlockingQueue<Object[]> events, Watcher.Action type, Predicate<T> test)
      throws InterruptedException {
    while (true) {
      Object[] event = events.poll(60, TimeUnit.SECONDS);
      assertNotNull(event, "a " + type + " event");
      if (event[0] == type && test.test((T) event[1])) {
        return (T) event[1];
      }
    }
  }

  @Conformance("network.service-status-lifecycle")
  @Test
  void serviceStatusLifecycle(String ns) throws Exception {
    var services = client.services().inNamespace(ns);
    String name = "test-service-" + ns.substring(ns.length() - 5);
    String rv = services.withLabel("test-service-static", "true").list().getMetadata().getResourceVersion();
    BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
    Watch watch = services.withLabel("test-service-static", "true")
        .watch(new ListOptionsBuilder().withResourceVersion(rv).build(), queueing(events));
    try {
      services.resource(new ServiceBuilder().withNewMetadata().withName(name).addToLabels("test-service-static",
          "true").endMetadata().withNewSpec().withType("ClusterIP").addNewPort().withName("http").withProtocol("TCP")
          .withPort(80).withTargetPort(new IntOrString(80)).endPort().endSpec().build()).create();
      next(events, Watcher.Action.ADDED, (Service s) -> s.getMetadata().getName().equals(name));

      JsonNode status = Api.get("/api/v1/namespaces/" + ns + "/services/" + name + "/status", "application/json")
          .json();
      assertEquals(name, status.path("metadata").path("name").asText());
      assertEquals("Service", status.path("kind").asText());

      Service patched = services.withName(name).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"metadata\":{\"annotations\":{\"patchedstatus\":\"true\"}},"
              + "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"203.0.113.1\"}]}}}");
      assertEquals("203.0.113.1", patched.getStatus().getLoadBalancer().getIngress().get(0).getIp());
      next(events, Watcher.Action.MODIFIED, (Service s) -> s.getMetadata().getAnnotations() != null
          && "true".equals(s.getMetadata().getAnnotations().get("patchedstatus"))
          && !s.getStatus().getLoadBalancer().getIngress().isEmpty());

      Service updated = Conflicts.retry(() -> {
        Service current = services.withName(name).get();
        current.getStatus().getConditions().add(new io.fabric8.kubernetes.api.model.ConditionBuilder()
            .withType("StatusUpdate").withStatus("True").withReason("E2E").withMessage("Set from e2e test")
            .withLastTransitionTime(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .toString()).build());
        return services.resource(current).updateStatus();
      });
      assertTrue(updated.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("StatusUpdate")));
      next(events, Watcher.Action.MODIFIED, (Service s) -> s.getStatus().getConditions().stream()
          .anyMatch(c -> c.getType().equals("StatusUpdate") && c.getReason().equals("E2E")));

      services.withName(name).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"metadata\":{\"labels\":{\"test-service\":\"patched\"}}}");
      next(events, Watcher.Action.MODIFIED, (Service s) -> "patched".equals(s.getMetadata().getLabels()
          .get("test-service")));
      Service read = services.withName(name).get();
      assertEquals("203.0.113.1", read.getStatus().getLoadBalancer().getIngress().get(0).getIp(),
          "nothing rewrote the status of the ClusterIP service");

      services.withName(name).delete();
      next(events, Watcher.Action.DELETED, (Service s) -> s.getMetadata().getName().equals(name));
    } finally {
      watch.close();
    }
  }

  @Conformance("network.service-delete-collection")
  @Test
  void aCollectionOfServicesIsDeleted(String ns) {
    var services = client.services().inNamespace(ns);
    String suffix = ns.substring(ns.length() - 5);
    String[][] made = {{"e2e-svc-a-" + suffix, "delete"}, {"e2e-svc-b-" + suffix, "delete"},
        {"e2e-svc-c-" + suffix, "keep"}};
    int port = 8001;
    for (String[] svc : made) {
      services.resource(new ServiceBuilder().withNewMetadata().withName(svc[0]).addToLabels("e2e-test-service",
          svc[1]).endMetadata().withNewSpec().withType("ClusterIP").addNewPort().withName("http")
          .withProtocol("TCP").withPort(port++).withTargetPort(new IntOrString(80)).endPort().endSpec().build())
          .create();
    }
    assertEquals(3, services.list().getItems().size());
    services.withLabel("e2e-test-service", "delete").delete();
    Await.until(Duration.ofSeconds(30), "the collection deleted", () -> services.list().getItems().size() == 1);
    assertEquals("e2e-svc-c-" + suffix, services.list().getItems().get(0).getMetadata().getName());
  }

  @Conformance("network.endpoints-lifecycle")
  @Test
  void endpointsLifecycle(String ns) throws Exception {
    var endpoints = client.endpoints().inNamespace(ns);
    String rv = endpoints.withLabel("test-endpoint-static", "true").list().getMetadata().getResourceVersion();
    BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
    Watch watch = endpoints.withLabel("test-endpoint-static", "true")
        .watch(new ListOptionsBuilder().withResourceVersion(rv).build(), queueing(events));
    try {
      endpoints.resource(new EndpointsBuilder().withNewMetadata().withName("testservice")
          .addToLabels("test-endpoint-static", "true").endMetadata().addNewSubset().addNewAddress()
          .withIp("10.0.0.24").endAddress().addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort()
          .endSubset().build()).create();
      next(events, Watcher.Action.ADDED, (Endpoints e) -> true);
      assertTrue(client.endpoints().inAnyNamespace().withLabel("test-endpoint-static", "true").list().getItems()
          .stream().anyMatch(e -> e.getMetadata().getName().equals("testservice")
              && e.getMetadata().getNamespace().equals(ns)));

      Conflicts.retry(() -> {
        Endpoints current = endpoints.withName("testservice").get();
        current.getMetadata().getLabels().put("test-service", "updated");
        return endpoints.resource(current).update();
      });
      next(events, Watcher.Action.MODIFIED, (Endpoints e) -> "updated".equals(e.getMetadata().getLabels()
          .get("test-service")));
      assertEquals("updated", endpoints.withName("testservice").get().getMetadata().getLabels().get("test-service"));

      endpoints.withName("testservice").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), """
          {"metadata":{"labels":{"test-service":"patched"}},
           "subsets":[{"addresses":[{"ip":"10.0.0.25"}],"ports":[{"name":"http-test","port":8080}]}]}""");
      next(events, Watcher.Action.MODIFIED, (Endpoints e) -> "patched".equals(e.getMetadata().getLabels()
          .get("test-service")));
      Endpoints read = endpoints.withName("testservice").get();
      assertEquals("10.0.0.25", read.getSubsets().get(0).getAddresses().get(0).getIp());
      assertEquals(8080, read.getSubsets().get(0).getPorts().get(0).getPort());

      endpoints.withLabel("test-endpoint-static", "true").delete();
      next(events, Watcher.Action.DELETED, (Endpoints e) -> e.getMetadata().getName().equals("testservice"));
    } finally {
      watch.close();
    }
  }

  /** A busybox httpd on {@code port} (named) serving its host name, labelled to join the service. */
  private void server(String ns, String name, String portName, int port) {
    client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .addToLabels("multi-endpoint", "yes").endMetadata().withNewSpec().withNodeName(ProxyNode.nodeName())
        .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("httpd").withImage("busybox")
        .withCommand("sh", "-c", "mkdir -p /tmp/www && hostname > /tmp/www/index.html && exec httpd -f -p " + port
            + " -h /tmp/www")
        .addNewPort().withName(portName).withContainerPort(port).endPort().endContainer().endSpec().build())
        .create();
  }

  /** The service's endpoints as pod name → ports, from its EndpointSlices and from its Endpoints: both must agree. */
  private Map<String, Set<Integer>> endpointsByPod(String ns, String service) {
    Map<String, Set<Integer>> fromSlices = new TreeMap<>();
    for (EndpointSlice slice : client.discovery().v1().endpointSlices().inNamespace(ns)
        .withLabel("kubernetes.io/service-name", service).list().getItems()) {
      for (var endpoint : slice.getEndpoints() == null ? List.<io.fabric8.kubernetes.api.model.discovery.v1
          .Endpoint>of() : slice.getEndpoints()) {
        for (var port : slice.getPorts()) {
          fromSlices.computeIfAbsent(endpoint.getTargetRef().getName(), k -> new TreeSet<>()).add(port.getPort());
        }
      }
    }
    Map<String, Set<Integer>> fromEndpoints = new TreeMap<>();
    Endpoints e = client.endpoints().inNamespace(ns).withName(service).get();
    if (e != null && e.getSubsets() != null) {
      for (var subset : e.getSubsets()) {
        for (var address : subset.getAddresses() == null ? List.<io.fabric8.kubernetes.api.model.EndpointAddress>of()
            : subset.getAddresses()) {
          for (var port : subset.getPorts()) {
            fromEndpoints.computeIfAbsent(address.getTargetRef().getName(), k -> new TreeSet<>()).add(port.getPort());
          }
        }
      }
    }
    return fromSlices.equals(fromEndpoints) ? fromSlices : Map.of("slices and endpoints disagree", Set.of());
  }

  private void awaitEndpoints(String ns, String service, Map<String, Set<Integer>> expected) {
    Await.until(Duration.ofSeconds(90), service + " endpoints " + expected,
        () -> endpointsByPod(ns, service).equals(expected));
  }

  @Conformance("network.service-multiport-endpoints")
  @Test
  void multiportEndpointsFollowThePods(String ns) {
    String service = "multi-endpoint-test";
    Service svc = client.resource(new ServiceBuilder().withNewMetadata().withName(service).withNamespace(ns)
        .endMetadata().withNewSpec().addToSelector("multi-endpoint", "yes")
        .addNewPort().withName("portname1").withProtocol("TCP").withPort(80).withTargetPort(new IntOrString("svc1"))
        .endPort()
        .addNewPort().withName("portname2").withProtocol("TCP").withPort(81).withTargetPort(new IntOrString("svc2"))
        .endPort().endSpec().build()).create();
    awaitEndpoints(ns, service, Map.of());

    server(ns, "pod1", "svc1", 100);
    awaitEndpoints(ns, service, Map.of("pod1", Set.of(100)));
    server(ns, "pod2", "svc2", 101);
    awaitEndpoints(ns, service, Map.of("pod1", Set.of(100), "pod2", Set.of(101)));

    // named target ports: each pod serves only the port its container names
    // upstream then checks that the service forwards both of its ports (by name and by ClusterIP)
    ProxyNode.awaitServiceRules(svc.getSpec().getClusterIP(), 80, 1);
    ProxyNode.awaitServiceRules(svc.getSpec().getClusterIP(), 81, 1);
    StringBuilder script = new StringBuilder("set -e");
    for (String host : List.of(service, svc.getSpec().getClusterIP())) {
      for (int port : List.of(80, 81)) {
        script.append("; printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ").append(host).append(' ').append(port)
            .append(" | tail -n 1 | grep -q pod").append(port == 80 ? 1 : 2);
      }
    }
    var reached = ProxyNode.run(ns, "execpod", script.toString());
    assertEquals(0, reached.exitCode(), "both ports of the service answer from their pod: " + reached);

    client.pods().inNamespace(ns).withName("pod1").delete();
    awaitEndpoints(ns, service, Map.of("pod2", Set.of(101)));
    client.pods().inNamespace(ns).withName("pod2").delete();
    awaitEndpoints(ns, service, new HashMap<>());
  }
}

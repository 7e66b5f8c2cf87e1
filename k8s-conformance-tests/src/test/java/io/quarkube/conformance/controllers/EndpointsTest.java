package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Endpoints and EndpointSlices follow the pods a Service selects and their readiness. */
@ExtendWith(TestNamespace.class)
class EndpointsTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private void pod(String ns, String name, int port) {
    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("app", "web")
        .endMetadata().withNewSpec().withSchedulerName("quarkube-e2e-unscheduled").addNewContainer().withName("c").withImage("registry.local/app:1").addNewPort()
        .withName("http").withContainerPort(port).endPort().endContainer().endSpec().build()).create();
  }

  private List<String> readyIps(String ns) {
    Endpoints e = client.endpoints().inNamespace(ns).withName("web").get();
    if (e == null || e.getSubsets() == null) {
      return List.of();
    }
    return e.getSubsets().stream().filter(s -> s.getAddresses() != null).flatMap(s -> s.getAddresses().stream())
        .map(a -> a.getIp()).sorted().toList();
  }

  private List<EndpointSlice> slices(String ns) {
    return client.discovery().v1().endpointSlices().inNamespace(ns).withLabel("kubernetes.io/service-name", "web")
        .list().getItems();
  }

  @Conformance("network.endpoints-ready-pods")
  @Test
  void endpointsAndSlicesFollowReadyPods(String ns) {
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: http}]
        """, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    pod(ns, "a", 8080);
    pod(ns, "b", 8080);
    Await.until(Duration.ofSeconds(30), "2 ready endpoints", () -> {
      FakeKubelet.markReady(client, ns);
      return readyIps(ns).size() == 2;
    });
    Endpoints e = client.endpoints().inNamespace(ns).withName("web").get();
    assertEquals(8080, e.getSubsets().get(0).getPorts().get(0).getPort(), "named targetPort resolved");
    Await.until(Duration.ofSeconds(30), "a slice with both", () -> slices(ns).size() == 1
        && slices(ns).get(0).getEndpoints().size() == 2
        && slices(ns).get(0).getEndpoints().stream().allMatch(x -> Boolean.TRUE.equals(x.getConditions().getReady())));
    assertEquals("endpointslice-controller.k8s.io", slices(ns).get(0).getMetadata().getLabels()
        .get("endpointslice.kubernetes.io/managed-by"));

    // Not ready: moves to notReadyAddresses and ready=false in the slice.
    Pod a = client.pods().inNamespace(ns).withName("a").get();
    client.pods().inNamespace(ns).resource(new PodBuilder(a).editStatus().editFirstCondition().withStatus("False")
        .endCondition().endStatus().build()).updateStatus();
    Await.until(Duration.ofSeconds(30), "a not ready", () -> readyIps(ns).size() == 1
        && slices(ns).get(0).getEndpoints().stream().filter(x -> Boolean.FALSE.equals(x.getConditions().getReady()))
            .count() == 1);

    client.pods().inNamespace(ns).withName("b").delete();
    Await.until(Duration.ofSeconds(30), "b gone from endpoints", () -> readyIps(ns).isEmpty());
    String out = kubectl.run(new String[] {"get", "endpoints", "web", "-n", ns}).ok().out();
    assertTrue(out.contains("web"), out);
  }

  @Test
  void publishedNotReadyPodsAreReadyButNotServingAndChangesCarryTheirTriggerTime(String ns) {
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          publishNotReadyAddresses: true
          ports: [{name: http, port: 80, targetPort: http}]
        """, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    pod(ns, "a", 8080);
    Await.until(Duration.ofSeconds(30), "a ready in the slice", () -> {
      FakeKubelet.markReady(client, ns);
      return slices(ns).size() == 1 && slices(ns).get(0).getEndpoints() != null
          && slices(ns).get(0).getEndpoints().size() == 1
          && Boolean.TRUE.equals(slices(ns).get(0).getEndpoints().get(0).getConditions().getServing());
    });
    Pod a = client.pods().inNamespace(ns).withName("a").get();
    // A second later than the Ready transition (same second precision): only a later transition is a new trigger.
    String notReadySince = java.time.Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .toString();
    client.pods().inNamespace(ns).resource(new PodBuilder(a).editStatus().editFirstCondition().withStatus("False")
        .withLastTransitionTime(notReadySince).endCondition().endStatus().build()).updateStatus();
    Await.until(Duration.ofSeconds(30), "a published as ready but not serving", () -> {
      var c = slices(ns).get(0).getEndpoints().get(0).getConditions();
      return Boolean.TRUE.equals(c.getReady()) && Boolean.FALSE.equals(c.getServing())
          && Boolean.FALSE.equals(c.getTerminating());
    });
    assertEquals(notReadySince, slices(ns).get(0).getMetadata().getAnnotations()
        .get("endpoints.kubernetes.io/last-change-trigger-time"), "the slice changed for a's readiness change");
    Endpoints e = client.endpoints().inNamespace(ns).withName("web").get();
    assertTrue(e.getMetadata().getAnnotations().containsKey("endpoints.kubernetes.io/last-change-trigger-time"),
        "Endpoints carry their trigger time too: " + e.getMetadata());
  }
}

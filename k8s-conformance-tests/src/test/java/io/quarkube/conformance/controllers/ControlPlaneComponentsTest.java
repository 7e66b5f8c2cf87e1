package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster's scheduler and controller manager, wherever the launcher runs them (by default inside the API server's
 * JVM, `QUARKUBE_CONTROL_PLANE=separate` as processes of their own): each serves its health checks and metrics on a
 * loopback port of its own, and each writes to the API server as itself (its client certificate), which the audit log
 * shows: the ReplicaSet's pod is created by system:kube-controller-manager and bound by system:kube-scheduler.
 */
@ExtendWith(TestNamespace.class)
class ControlPlaneComponentsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final KubernetesClient client = Cluster.client();

  @Conformance("apps.control-plane-components")
  @Test
  void schedulerAndControllerManagerServeHealthAndMetricsOnTheirOwnPorts() throws Exception {
    int scheduler = Cluster.componentHealthPort("scheduler");
    int controllers = Cluster.componentHealthPort("controllers");
    assertEquals("ok", get(scheduler, "/healthz").body());
    assertEquals("ok", get(controllers, "/livez").body());
    Await.until(Duration.ofSeconds(60), "both ready", () -> get(scheduler, "/readyz").statusCode() == 200
        && get(controllers, "/readyz").statusCode() == 200);
    assertTrue(get(scheduler, "/readyz?verbose").body().contains("[+]informer-sync ok"));
    assertTrue(get(scheduler, "/metrics").body().contains("leader_election_master_status{name=\"kube-scheduler\"}"));
    assertTrue(get(controllers, "/metrics").body()
        .contains("leader_election_master_status{name=\"kube-controller-manager\"}"));
  }

  @Conformance("apps.control-plane-components")
  @Test
  void eachWritesUnderItsOwnIdentity(String ns) {
    Map<String, String> app = Map.of("app", "who");
    client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName("who")
        .endMetadata().withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(app).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(app).endMetadata().withNewSpec()
        .addNewContainer().withName("c").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec().endTemplate().endSpec().build()).create();
    Await.until(Duration.ofSeconds(60), "the ReplicaSet's pod bound to a node", () -> {
      List<Pod> pods = client.pods().inNamespace(ns).withLabels(app).list().getItems();
      return pods.size() == 1 && pods.get(0).getSpec().getNodeName() != null;
    });
    String pod = client.pods().inNamespace(ns).withLabels(app).list().getItems().get(0).getMetadata().getName();
    Path log = Cluster.stateDir().resolve("logs/audit.log");
    Await.until(Duration.ofSeconds(30), "audit events: pod created by the controller manager, bound by the scheduler",
        () -> {
          List<String> lines = auditLines(log, ns);
          return lines.stream().anyMatch(l -> l.contains("\"username\":\"system:kube-controller-manager\"")
              && l.contains("\"resource\":\"pods\"") && l.contains("\"verb\":\"create\"") && !l.contains("binding"))
              && lines.stream().anyMatch(l -> l.contains("\"username\":\"system:kube-scheduler\"")
                  && l.contains("\"subresource\":\"binding\"") && l.contains("\"name\":\"" + pod + "\""));
        });
  }

  private static List<String> auditLines(Path log, String ns) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> l.contains("\"namespace\":\"" + ns + "\"") && l.contains("\"stage\":\"ResponseComplete\""))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET http://127.0.0.1:" + port + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

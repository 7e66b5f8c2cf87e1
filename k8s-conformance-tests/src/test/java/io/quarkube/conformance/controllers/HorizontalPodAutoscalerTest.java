package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.KubectlVersions;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HorizontalPodAutoscalers: {@code kubectl autoscale} (each kubectl posts the version it knows, v1 or v2, to the
 * same objects) and {@code kubectl get hpa} as upstream prints it; the horizontalpodautoscaling controller scales a
 * Deployment whose pod burns CPU from 1 to 3 replicas from the resource metrics API.
 */
@Conformance({"apps.horizontal-pod-autoscaler"})
@ExtendWith(TestNamespace.class)
class HorizontalPodAutoscalerTest {
  private final KubernetesClient client = Cluster.client();

  private static String deployment(String name, String command, String cpuRequest) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: ["sh", "-c", "%2$s"]
                resources: {requests: {cpu: %3$s}, limits: {cpu: 100m}}
        """.formatted(name, command, cpuRequest);
  }

  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void autoscaleAndGetHpaWithEveryKubectl(Kubectl kubectl, String ns) {
    kubectl.runWithInput(deployment("web", "sleep 3600", "20m").replace("replicas: 1", "replicas: 0"),
        "apply", "-n", ns, "-f", "-").ok();
    kubectl.run("autoscale", "deployment", "web", "-n", ns, "--cpu-percent=50", "--min=1", "--max=3").ok();
    HorizontalPodAutoscaler hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns)
        .withName("web").get();
    assertEquals(3, hpa.getSpec().getMaxReplicas());
    assertEquals(1, hpa.getSpec().getMinReplicas());
    assertEquals(50, hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization());
    // the same object in autoscaling/v1
    String v1 = kubectl.run("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-n", ns, "-o",
        "jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage} {.spec.scaleTargetRef.kind}").ok().out();
    assertEquals("autoscaling/v1 50 Deployment", v1);

    String table = kubectl.run("get", "hpa", "-n", ns).ok().out();
    List<String> lines = table.lines().toList();
    assertEquals(List.of("NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"),
        List.of(lines.get(0).trim().split("\\s+")), table);
    // replicas 0: autoscaling is disabled and no metric is read
    assertTrue(lines.get(1).matches("web\\s+Deployment/web\\s+cpu: <unknown>/50%\\s+1\\s+3\\s+0\\s+\\S+"), table);
    kubectl.run("delete", "hpa", "web", "-n", ns).ok();
  }

  @Test
  void scalesABusyDeploymentUp(String ns) {
    Kubectl kubectl = Kubectl.stock();
    kubectl.runWithInput(deployment("burn", "while true; do :; done", "20m"), "apply", "-n", ns, "-f", "-").ok();
    kubectl.runWithInput("""
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: burn}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: burn}
          minReplicas: 1
          maxReplicas: 3
          metrics:
          - type: Resource
            resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
        """, "apply", "-n", ns, "-f", "-").ok();
    AtomicReference<String> last = new AtomicReference<>("");
    Await.until(Duration.ofSeconds(150), "the Deployment scaled to 3", () -> {
      var d = client.apps().deployments().inNamespace(ns).withName("burn").get();
      last.set(kubectl.run("get", "hpa", "-n", ns).out());
      return d.getSpec().getReplicas() == 3;
    });
    HorizontalPodAutoscaler hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns)
        .withName("burn").get();
    assertEquals("cpu", hpa.getStatus().getCurrentMetrics().get(0).getResource().getName());
    assertTrue(hpa.getStatus().getCurrentMetrics().get(0).getResource().getCurrent().getAverageUtilization() > 50,
        hpa.getStatus().toString());
    assertTrue(hpa.getStatus().getLastScaleTime() != null);
    assertTrue(hpa.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("AbleToScale")
        && c.getStatus().equals("True")), hpa.getStatus().toString());
    assertTrue(hpa.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("ScalingActive")
        && c.getReason().equals("ValidMetricFound")), hpa.getStatus().toString());
    Await.until(Duration.ofSeconds(30), "a SuccessfulRescale event", () -> client.v1().events().inNamespace(ns)
        .list().getItems().stream().anyMatch(e -> "SuccessfulRescale".equals(e.getReason())
            && e.getMessage().startsWith("New size: ")
            && e.getMessage().contains("reason: cpu resource utilization (percentage of request) above target")));
    assertTrue(kubectl.run("get", "hpa", "burn", "-n", ns).ok().out().matches(
        "(?s).*burn\\s+Deployment/burn\\s+cpu: \\d+%/50%\\s+1\\s+3\\s+\\d\\s+\\S+.*"), last.get());
    kubectl.run("delete", "hpa", "burn", "-n", ns).ok();
    kubectl.run("delete", "deployment", "burn", "-n", ns, "--wait=false").ok();
  }
}

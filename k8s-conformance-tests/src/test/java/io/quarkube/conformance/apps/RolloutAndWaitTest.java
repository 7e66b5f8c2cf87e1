package io.quarkube.conformance.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The waiting commands users run against real pods on the real node: {@code kubectl rollout status} through a
 * rolling update, and {@code kubectl wait --for=condition=complete} on a Job.
 */
@ExtendWith(TestNamespace.class)
class RolloutAndWaitTest {
  private final Kubectl kubectl = Kubectl.stock();

  private static String deployment(String message) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers: [{name: app, image: busybox, command: [sh, -c, "echo %s; sleep 3600"]}]
        """.formatted(message);
  }

  @Conformance("apps.deployment-rolling-update")
  @Test
  void rolloutStatusFollowsARollingUpdate(String ns) {
    kubectl.runWithInput(deployment("v1"), "apply", "-n", ns, "-f", "-").ok();
    String first = kubectl.run("rollout", "status", "deployment/web", "-n", ns, "--timeout=180s").ok().out();
    assertTrue(first.contains("successfully rolled out"), first);
    kubectl.runWithInput(deployment("v2"), "apply", "-n", ns, "-f", "-").ok();
    String second = kubectl.run("rollout", "status", "deployment/web", "-n", ns, "--timeout=180s").ok().out();
    assertTrue(second.contains("successfully rolled out"), second);
    var d = Cluster.client().apps().deployments().inNamespace(ns).withName("web").get();
    assertEquals(2, d.getStatus().getUpdatedReplicas());
    assertEquals(2, d.getStatus().getAvailableReplicas());
    assertEquals("2", d.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"));
  }

  @Conformance("apps.job-completes")
  @Test
  void kubectlWaitSeesTheJobComplete(String ns) {
    kubectl.runWithInput("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: once}
        spec:
          completions: 2
          parallelism: 1
          template:
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              containers: [{name: c, image: busybox, command: [sh, -c, "echo done"]}]
        """, "apply", "-n", ns, "-f", "-").ok();
    kubectl.run("wait", "--for=condition=complete", "job/once", "-n", ns, "--timeout=180s").ok();
    Job j = Cluster.client().batch().v1().jobs().inNamespace(ns).withName("once").get();
    assertEquals(2, j.getStatus().getSucceeded());
  }
}

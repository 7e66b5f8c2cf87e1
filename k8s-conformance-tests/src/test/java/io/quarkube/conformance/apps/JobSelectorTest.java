package io.quarkube.conformance.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Job selects its own pods only: the API server labels its template with its name and uid and selects the uid
 * (upstream's generated selector), so {@code kubectl logs job/x} and {@code get -o wide} see that Job's pods alone.
 */
@ExtendWith(TestNamespace.class)
class JobSelectorTest {
  private final Kubectl kubectl = Kubectl.stock();

  @Conformance("apps.job-completes")
  @Test
  void eachJobGetsASelectorOnItsOwnUid(String ns) {
    kubectl.run("create", "job", "j1", "--image=busybox:1.35.0", "-n", ns, "--", "echo", "job", "done").ok();
    kubectl.run("create", "job", "j2", "--image=busybox:1.35.0", "-n", ns, "--", "echo", "job", "done").ok();
    Job j1 = Cluster.client().batch().v1().jobs().inNamespace(ns).withName("j1").get();
    String uid = j1.getMetadata().getUid();
    assertEquals(Map.of("batch.kubernetes.io/controller-uid", uid), j1.getSpec().getSelector().getMatchLabels());
    assertEquals(Map.of("batch.kubernetes.io/controller-uid", uid, "batch.kubernetes.io/job-name", "j1",
        "controller-uid", uid, "job-name", "j1"), j1.getSpec().getTemplate().getMetadata().getLabels());
    String wide = kubectl.run("get", "job", "j2", "-n", ns, "-o", "wide").ok().out();
    String uid2 = Cluster.client().batch().v1().jobs().inNamespace(ns).withName("j2").get().getMetadata().getUid();
    assertTrue(wide.contains("batch.kubernetes.io/controller-uid=" + uid2), wide);
  }

  @Conformance("api-machinery.validation-errors")
  @Test
  void aSelectorNeedsManualSelector(String ns) {
    String job = """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: picked}
        spec:
          %s
          selector: {matchLabels: {app: picked}}
          template:
            metadata: {labels: {app: picked}}
            spec:
              restartPolicy: Never
              containers: [{name: c, image: busybox:1.35.0}]
        """;
    String err = kubectl.runWithInput(job.formatted(""), "create", "-n", ns, "-f", "-").fails().err();
    assertTrue(err.contains("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
        + "\"app\":\"picked\", \"batch.kubernetes.io/controller-uid\":"), err);
    assertTrue(err.contains("`selector` not auto-generated"), err);
    kubectl.runWithInput(job.formatted("manualSelector: true"), "create", "-n", ns, "-f", "-").ok();
    assertEquals(Map.of("app", "picked"), Cluster.client().batch().v1().jobs().inNamespace(ns).withName("picked")
        .get().getSpec().getSelector().getMatchLabels());
  }
}

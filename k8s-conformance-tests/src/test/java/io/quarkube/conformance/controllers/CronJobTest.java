package io.quarkube.conformance.controllers;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** CronJobs start Jobs on their schedule; kubectl's create cronjob and create job --from work. */
@Conformance({"apps.cronjob"})
@ExtendWith(TestNamespace.class)
class CronJobTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private List<Job> jobs(String ns) {
    return client.batch().v1().jobs().inNamespace(ns).list().getItems();
  }

  @Test
  void everyMinuteScheduleStartsAJobAndTracksIt(String ns) {
    kubectl.runWithInput("""
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: tick}
        spec:
          schedule: "*/1 * * * *"
          jobTemplate:
            metadata:
              labels: {app: tick}
            spec:
              template:
                spec:
                  schedulerName: quarkube-e2e-unscheduled
                  restartPolicy: Never
                  containers: [{name: c, image: busybox}]
        """, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    // The next minute boundary is at most 60 s away.
    Await.until(Duration.ofSeconds(90), "a Job started by the CronJob", () -> !jobs(ns).isEmpty());
    Job job = jobs(ns).get(0);
    assertTrue(job.getMetadata().getName().matches("tick-\\d+"), job.getMetadata().getName());
    long minutes = Long.parseLong(job.getMetadata().getName().substring("tick-".length()));
    String scheduled = job.getMetadata().getAnnotations().get("batch.kubernetes.io/cronjob-scheduled-timestamp");
    assertEquals(minutes * 60, Instant.parse(scheduled).getEpochSecond());
    assertEquals("CronJob", job.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals("tick", job.getMetadata().getLabels().get("app"));
    Await.until(Duration.ofSeconds(20), "status.active and lastScheduleTime", () -> {
      CronJob cj = client.batch().v1().cronjobs().inNamespace(ns).withName("tick").get();
      return cj.getStatus() != null && cj.getStatus().getLastScheduleTime() != null
          && cj.getStatus().getActive() != null && cj.getStatus().getActive().stream()
              .anyMatch(r -> r.getName().equals(job.getMetadata().getName()));
    });
    // Play the kubelet: the Job's pod succeeds, the Job completes, the CronJob notes it.
    Await.until(Duration.ofSeconds(60), "lastSuccessfulTime after the job completed", () -> {
      for (Pod p : client.pods().inNamespace(ns).list().getItems()) {
        if (p.getStatus() == null || !"Succeeded".equals(p.getStatus().getPhase())) {
          try {
            client.pods().inNamespace(ns).resource(new PodBuilder(p).editOrNewStatus().withPhase("Succeeded")
                .endStatus().build()).updateStatus();
          } catch (KubernetesClientException e) {
            // changed meanwhile: next round
          }
        }
      }
      CronJob cj = client.batch().v1().cronjobs().inNamespace(ns).withName("tick").get();
      return cj.getStatus().getLastSuccessfulTime() != null;
    });
    String events = kubectl.run("get", "events", "-n", ns, "--field-selector", "involvedObject.name=tick").ok().out();
    assertTrue(events.contains("SuccessfulCreate"), events);
  }

  @Test
  void kubectlCreateCronJobAndJobFromIt(String ns) {
    kubectl.run("create", "cronjob", "nightly", "-n", ns, "--image=busybox", "--schedule=0 3 * * *", "--", "true")
        .ok();
    CronJob cj = client.batch().v1().cronjobs().inNamespace(ns).withName("nightly").get();
    assertNotNull(cj);
    assertEquals("0 3 * * *", cj.getSpec().getSchedule());
    kubectl.run("create", "job", "now", "-n", ns, "--from=cronjob/nightly").ok();
    Job job = client.batch().v1().jobs().inNamespace(ns).withName("now").get();
    assertEquals("manual", job.getMetadata().getAnnotations().get("cronjob.kubernetes.io/instantiate"));
    assertEquals(cj.getMetadata().getUid(), job.getMetadata().getOwnerReferences().get(0).getUid());
    String out = kubectl.run("get", "cronjob", "nightly", "-n", ns).ok().out();
    assertTrue(out.contains("0 3 * * *") && out.contains("False"), out);
  }
}

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
  /**
   * Upstream's two [Slow] tests in one method, so their minute-long waits overlap: a suspended CronJob creates no
   * Job, and a ForbidConcurrent one whose Job never finishes (its pod is never scheduled, like upstream's
   * {@code sleep 300}) keeps exactly one active Job when the next schedule time comes.
   */
  @Conformance("apps.cronjob-suspend-forbid")
  @Test
  void suspendedCronJobStartsNothingAndForbidKeepsOneJob(String ns) {
    kubectl.runWithInput(everyMinute("suspended", "Allow", true) + "---\n" + everyMinute("forbid", "Forbid", false),
        new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    Await.until(Duration.ofSeconds(120), "the ForbidConcurrent CronJob has one active Job", () -> {
      CronJob cj = client.batch().v1().cronjobs().inNamespace(ns).withName("forbid").get();
      return cj.getStatus() != null && cj.getStatus().getActive() != null && cj.getStatus().getActive().size() == 1;
    });
    // Upstream waits its whole timeout for a second active Job. The next schedule time is the point: the controller
    // reports there that it does not start one (event JobAlreadyActive), which ends the observation as soon as it
    // has happened. The suspended CronJob was made before and has been through at least as many schedule times
    // (upstream watches it for its 15-minute timeout; one period more than a job needs to appear is what shows that
    // suspend holds, and the witness bounds it to the period after the first Job).
    Await.until(Duration.ofSeconds(120), "JobAlreadyActive at the next schedule time", () ->
        client.v1().events().inNamespace(ns).list().getItems().stream().anyMatch(e ->
            "forbid".equals(e.getInvolvedObject().getName()) && "JobAlreadyActive".equals(e.getReason())));
    CronJob forbid = client.batch().v1().cronjobs().inNamespace(ns).withName("forbid").get();
    assertEquals(1, forbid.getStatus().getActive().size(), "status.active of the ForbidConcurrent CronJob");
    List<Job> forbidJobs = jobs(ns).stream().filter(j -> j.getMetadata().getName().startsWith("forbid-")).toList();
    assertEquals(1, forbidJobs.stream().filter(j -> j.getStatus() == null || j.getStatus().getConditions() == null
        || j.getStatus().getConditions().stream().noneMatch(c -> "True".equals(c.getStatus())
            && ("Complete".equals(c.getType()) || "Failed".equals(c.getType())))).count(), "active Jobs " + forbidJobs);
    assertEquals(forbid.getStatus().getActive().get(0).getName(), forbidJobs.get(0).getMetadata().getName());

    CronJob suspended = client.batch().v1().cronjobs().inNamespace(ns).withName("suspended").get();
    assertTrue(suspended.getStatus() == null || suspended.getStatus().getActive() == null
        || suspended.getStatus().getActive().isEmpty(), "no active Job of the suspended CronJob");
    assertEquals(List.of(), jobs(ns).stream().filter(j -> j.getMetadata().getName().startsWith("suspended-"))
        .map(j -> j.getMetadata().getName()).toList(), "Jobs of the suspended CronJob");
  }

  /** A CronJob scheduled every minute whose Job never finishes (its pod is never scheduled). */
  private static String everyMinute(String name, String policy, boolean suspend) {
    return """
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: %s}
        spec:
          schedule: "*/1 * * * ?"
          concurrencyPolicy: %s
          suspend: %s
          jobTemplate:
            spec:
              template:
                spec:
                  schedulerName: quarkube-e2e-unscheduled
                  restartPolicy: OnFailure
                  containers: [{name: c, image: busybox, command: [sleep, "300"]}]
        """.formatted(name, policy, suspend);
  }
}

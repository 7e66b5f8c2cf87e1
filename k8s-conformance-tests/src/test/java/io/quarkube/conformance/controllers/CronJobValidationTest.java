package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API server refuses a CronJob whose schedule or time zone the controller could never use, as upstream does: 422
 * Invalid with robfig/cron's message, and nothing stored.
 */
@Conformance({"apps.cronjob"})
@ExtendWith(TestNamespace.class)
class CronJobValidationTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private static CronJob cronJob(String name, String schedule, String timeZone) {
    return new CronJobBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withSchedule(schedule)
        .withTimeZone(timeZone).withNewJobTemplate().withNewSpec().withNewTemplate().withNewSpec()
        .withRestartPolicy("OnFailure").addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
        .endTemplate().endSpec().endJobTemplate().endSpec().build();
  }

  private CronJob stored(String ns, String name) {
    return client.batch().v1().cronjobs().inNamespace(ns).withName(name).get();
  }

  @Test
  void kubectlCreateWithABadScheduleIsRefused(String ns) {
    Kubectl.Result r = kubectl.run("create", "cronjob", "bad", "-n", ns, "--image=busybox", "--schedule=* * *",
        "--", "true").fails();
    assertTrue(r.err().contains("\"bad\" is invalid: spec.schedule: Invalid value: \"* * *\": "
        + "expected exactly 5 fields, found 3: [* * *]"), r.toString());
    assertNull(stored(ns, "bad"));
    Kubectl.Result list = kubectl.run("get", "cronjobs", "-n", ns).ok();
    assertTrue((list.out() + list.err()).contains("No resources found"), list.toString());
  }

  @Test
  void kubectlApplyWithAnOutOfRangeMinuteIsRefused(String ns) {
    Kubectl.Result r = kubectl.runWithInput("""
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: bad}
        spec:
          schedule: "61 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: c, image: busybox}]
        """, "apply", "-n", ns, "-f", "-").fails();
    assertTrue(r.err().contains("The CronJob \"bad\" is invalid: spec.schedule: Invalid value: \"61 * * * *\": "
        + "end of range (61) above maximum (59): 61"), r.toString());
    assertNull(stored(ns, "bad"));
  }

  /** The Jobs it would make are checked when the CronJob is written (before: a FailedCreate at each start time). */
  @Test
  void aJobTemplateWithoutRestartPolicyIsRefused(String ns) {
    Kubectl.Result r = kubectl.runWithInput("""
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: bad}
        spec:
          schedule: "*/5 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers: [{name: c, image: busybox}]
        """, "apply", "-n", ns, "-f", "-").fails();
    assertTrue(r.err().contains("The CronJob \"bad\" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: "
        + "Required value: valid values: \"OnFailure\", \"Never\""), r.toString());
    assertNull(stored(ns, "bad"));
  }

  @Test
  void fabric8SeesInvalidWithTheCauses(String ns) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class,
        () -> client.batch().v1().cronjobs().inNamespace(ns).resource(cronJob("bad", "@every5", null)).create());
    assertEquals(422, e.getCode());
    assertEquals("Invalid", e.getStatus().getReason());
    assertEquals("CronJob.batch \"bad\" is invalid: spec.schedule: Invalid value: \"@every5\": unrecognized "
        + "descriptor: @every5", e.getStatus().getMessage());
    List<StatusCause> causes = e.getStatus().getDetails().getCauses();
    assertEquals(1, causes.size());
    assertEquals("FieldValueInvalid", causes.get(0).getReason());
    assertEquals("spec.schedule", causes.get(0).getField());
    assertNull(stored(ns, "bad"));

    e = assertThrows(KubernetesClientException.class, () -> client.batch().v1().cronjobs().inNamespace(ns)
        .resource(cronJob("bad", "0 9 * * *", "Mars/Olympus")).create());
    assertEquals(422, e.getCode());
    assertEquals("CronJob.batch \"bad\" is invalid: spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time "
        + "zone Mars/Olympus", e.getStatus().getMessage());

    e = assertThrows(KubernetesClientException.class, () -> client.batch().v1().cronjobs().inNamespace(ns)
        .resource(cronJob("bad", "TZ=Europe/Berlin 0 9 * * *", null)).create());
    assertEquals("CronJob.batch \"bad\" is invalid: spec.schedule: Invalid value: \"TZ=Europe/Berlin 0 9 * * *\": "
        + "cannot use TZ or CRON_TZ in schedule, use timeZone field instead", e.getStatus().getMessage());
    assertNull(stored(ns, "bad"));
  }

  @Test
  void goodSchedulesAndZonesAreStoredAndBadUpdatesRefused(String ns) {
    client.batch().v1().cronjobs().inNamespace(ns).resource(cronJob("berlin", "*/5 * * * *", "Europe/Berlin"))
        .create();
    client.batch().v1().cronjobs().inNamespace(ns).resource(cronJob("hourly", "@hourly", null)).create();
    assertEquals("Europe/Berlin", stored(ns, "berlin").getSpec().getTimeZone());
    assertEquals("@hourly", stored(ns, "hourly").getSpec().getSchedule());

    Kubectl.Result r = kubectl.run("patch", "cronjob", "berlin", "-n", ns, "--type=merge", "-p",
        "{\"spec\":{\"schedule\":\"0 0 * * 7\"}}").fails();
    assertTrue(r.err().contains("spec.schedule: Invalid value: \"0 0 * * 7\": end of range (7) above maximum (6): 7"),
        r.toString());
    assertEquals("*/5 * * * *", stored(ns, "berlin").getSpec().getSchedule());

    r = kubectl.run("patch", "cronjob", "berlin", "-n", ns, "--type=merge", "-p",
        "{\"spec\":{\"timeZone\":\"Nowhere/Void\"}}").fails();
    assertTrue(r.err().contains("spec.timeZone: Invalid value: \"Nowhere/Void\": unknown time zone Nowhere/Void"),
        r.toString());
    assertEquals("Europe/Berlin", stored(ns, "berlin").getSpec().getTimeZone());
  }
}

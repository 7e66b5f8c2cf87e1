package io.quarkube.apiserver.registry.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronJobStrategyTest {
  private final CronJobStrategy strategy = new CronJobStrategy();

  /** What {@code kubectl create cronjob x --image=busybox --schedule=...} sends. */
  private static CronJob cronJob(String name, String schedule, String timeZone) {
    return new CronJobBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
        .withNewSpec().withSchedule(schedule).withTimeZone(timeZone).withNewJobTemplate().withNewMetadata()
        .withName(name).endMetadata().withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("OnFailure")
        .addNewContainer().withName(name).withImage("busybox").endContainer().endSpec().endTemplate().endSpec()
        .endJobTemplate().endSpec().build();
  }

  private List<String> created(String schedule, String timeZone) {
    return created(cronJob("x", schedule, timeZone));
  }

  private List<String> created(CronJob cj) {
    strategy.prepareForCreate(cj);
    return strategy.validate(cj).stream().map(FieldError::toString).toList();
  }

  private List<String> updated(CronJob cj, CronJob old) {
    strategy.prepareForCreate(old);
    strategy.prepareForUpdate(cj, old);
    return strategy.validateUpdate(cj, old).stream().map(FieldError::toString).toList();
  }

  @Test
  void goodSchedulesAndZonesPass() {
    assertEquals(List.of(), created("*/5 * * * *", null));
    assertEquals(List.of(), created("@hourly", null));
    assertEquals(List.of(), created("@every 1h30m", null));
    assertEquals(List.of(), created("0 9 * * MON-FRI", "Europe/Berlin"));
    assertEquals(List.of(), created("0 0 1 jan *", "UTC"));
    assertEquals(List.of(), created("0 0 * * *", "Etc/GMT+5"));
  }

  @Test
  void badSchedulesAreRefusedWithTheParsersMessage() {
    assertEquals(List.of("spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]"),
        created("* * *", null));
    assertEquals(List.of("spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"),
        created("61 * * * *", null));
    assertEquals(List.of("spec.schedule: Invalid value: \"@every5\": unrecognized descriptor: @every5"),
        created("@every5", null));
    assertEquals(List.of("spec.schedule: Invalid value: \"0 0 * * 7\": end of range (7) above maximum (6): 7"),
        created("0 0 * * 7", null));
    assertEquals(List.of("spec.schedule: Required value"), created("", null));
    assertEquals(List.of("spec.schedule: Required value"), created(null, null));
  }

  @Test
  void aNewCronJobKeepsItsZoneOutOfTheSchedule() {
    assertEquals(List.of("spec.schedule: Invalid value: \"TZ=Europe/Berlin 0 9 * * *\": cannot use TZ or CRON_TZ in "
        + "schedule, use timeZone field instead"), created("TZ=Europe/Berlin 0 9 * * *", null));
    assertEquals(List.of("spec.schedule: Invalid value: \"CRON_TZ=UTC 0 9 * * *\": cannot use TZ or CRON_TZ in "
        + "schedule, use timeZone field instead"), created("CRON_TZ=UTC 0 9 * * *", "Europe/Berlin"));
    // a bad zone in the schedule: the parser's message first, then the rule
    assertEquals(List.of(
        "spec.schedule: Invalid value: \"TZ=Mars/Olympus * * * * *\": provided bad location Mars/Olympus: unknown "
            + "time zone Mars/Olympus",
        "spec.schedule: Invalid value: \"TZ=Mars/Olympus * * * * *\": cannot use TZ or CRON_TZ in schedule, use "
            + "timeZone field instead"), created("TZ=Mars/Olympus * * * * *", null));
  }

  @Test
  void aStoredZoneInTheScheduleMayStayButNotBesideTimeZone() {
    CronJob old = cronJob("x", "TZ=Europe/Berlin 0 9 * * *", null);
    assertEquals(List.of(), updated(cronJob("x", "TZ=Europe/Berlin 0 10 * * *", null), old));
    assertEquals(List.of("spec.schedule: Invalid value: \"TZ=Europe/Berlin 0 10 * * *\": cannot use both timeZone "
        + "field and TZ or CRON_TZ in schedule"),
        updated(cronJob("x", "TZ=Europe/Berlin 0 10 * * *", "Europe/Berlin"), old));
    // moving the zone out of the schedule is fine; putting one in on update is not
    assertEquals(List.of(), updated(cronJob("x", "0 9 * * *", "Europe/Berlin"), old));
    assertEquals(List.of("spec.schedule: Invalid value: \"TZ=UTC 0 9 * * *\": cannot use TZ or CRON_TZ in schedule, "
        + "use timeZone field instead"), updated(cronJob("x", "TZ=UTC 0 9 * * *", null), cronJob("x", "0 9 * * *",
            null)));
  }

  @Test
  void timeZonesMustBeIanaNames() {
    assertEquals(List.of("spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"),
        created("0 9 * * *", "Mars/Olympus"));
    assertEquals(List.of("spec.timeZone: Invalid value: \"\": timeZone must be nil or non-empty string"),
        created("0 9 * * *", ""));
    assertEquals(List.of("spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined "
        + "in https://www.iana.org/time-zones"), created("0 9 * * *", "Local"));
    assertEquals(List.of("spec.timeZone: Invalid value: \"local\": timeZone must be an explicit time zone as defined "
            + "in https://www.iana.org/time-zones",
        "spec.timeZone: Invalid value: \"local\": unknown time zone local"), created("0 9 * * *", "local"));
    // not tz database names, though Java's ZoneId would take them
    assertEquals(List.of("spec.timeZone: Invalid value: \"+01:00\": unknown time zone +01:00"),
        created("0 9 * * *", "+01:00"));
    assertEquals(List.of("spec.timeZone: Invalid value: \"Z\": unknown time zone Z"), created("0 9 * * *", "Z"));
    assertEquals(List.of("spec.timeZone: Invalid value: \"../etc/passwd\": unknown time zone ../etc/passwd"),
        created("0 9 * * *", "../etc/passwd"));
    assertEquals(List.of("spec.timeZone: Invalid value: \"America/Argentina_Buenos\": unknown time zone "
        + "America/Argentina_Buenos"), created("0 9 * * *", "America/Argentina_Buenos"));
  }

  @Test
  void anUnchangedZoneIsNotCheckedAgainOnUpdate() {
    CronJob old = cronJob("x", "0 9 * * *", "Mars/Olympus"); // stored before the rule
    assertEquals(List.of(), updated(cronJob("x", "0 10 * * *", "Mars/Olympus"), old));
    assertEquals(List.of("spec.timeZone: Invalid value: \"Nowhere/Void\": unknown time zone Nowhere/Void"),
        updated(cronJob("x", "0 10 * * *", "Nowhere/Void"), old));
  }

  @Test
  void otherSpecRulesAndTheNameLimit() {
    CronJob cj = cronJob("x", "0 9 * * *", null);
    cj.getSpec().setConcurrencyPolicy("Sometimes");
    cj.getSpec().setStartingDeadlineSeconds(-1L);
    cj.getSpec().setFailedJobsHistoryLimit(-2);
    assertEquals(List.of("spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
        "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", "
            + "\"Replace\"",
        "spec.failedJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0"), created(cj));
    String longName = "a".repeat(53);
    assertEquals(List.of("metadata.name: Invalid value: \"" + longName + "\": must be no more than 52 characters"),
        created(cronJob(longName, "0 9 * * *", null)));
    assertEquals(List.of(), created(cronJob("a".repeat(52), "0 9 * * *", null)));
    // updates of an older, longer-named CronJob still pass
    assertEquals(List.of(), updated(cronJob(longName, "0 10 * * *", null), cronJob(longName, "0 9 * * *", null)));
  }

  @Test
  void defaultsAreUpstreams() {
    CronJob cj = cronJob("x", "@daily", null);
    assertEquals(List.of(), created(cj));
    assertEquals("Allow", cj.getSpec().getConcurrencyPolicy());
    assertEquals(Boolean.FALSE, cj.getSpec().getSuspend());
    assertEquals(3, cj.getSpec().getSuccessfulJobsHistoryLimit());
    assertEquals(1, cj.getSpec().getFailedJobsHistoryLimit());
  }

  @Test
  void theAnswerIsUpstreamsInvalidStatus() {
    CronJob cj = cronJob("x", "* * *", null);
    strategy.prepareForCreate(cj);
    List<FieldError> errors = strategy.validate(cj);
    ApiException e = ApiException.invalid("batch", "CronJob", "x", errors);
    assertEquals(422, e.status().getCode());
    assertEquals("Invalid", e.status().getReason());
    assertEquals("CronJob.batch \"x\" is invalid: spec.schedule: Invalid value: \"* * *\": expected exactly 5 "
        + "fields, found 3: [* * *]", e.status().getMessage());
    assertEquals("FieldValueInvalid", e.status().getDetails().getCauses().get(0).getReason());
    assertEquals("spec.schedule", e.status().getDetails().getCauses().get(0).getField());
    assertEquals("Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]",
        e.status().getDetails().getCauses().get(0).getMessage());
  }

  /** Upstream validates the Jobs a CronJob will make when the CronJob is written, not at each start time. */
  @Test
  void theJobTemplateMustMakeValidJobs() {
    CronJob noPolicy = cronJob("x", "* * * * *", null);
    noPolicy.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().setRestartPolicy(null);
    assertEquals(List.of("spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "
        + "\"OnFailure\", \"Never\""), created(noPolicy));
    CronJob negative = cronJob("x", "* * * * *", null);
    negative.getSpec().getJobTemplate().getSpec().setBackoffLimit(-1);
    negative.getSpec().getJobTemplate().getSpec().setManualSelector(true);
    assertEquals(List.of("spec.jobTemplate.spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
        "spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: \"nil\", \"false\""),
        created(negative));
    CronJob noContainers = cronJob("x", "* * * * *", null);
    noContainers.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().setContainers(List.of());
    assertTrue(created(noContainers).stream().anyMatch(m -> m.startsWith(
        "spec.jobTemplate.spec.template.spec.containers: Required value")), created(noContainers).toString());
  }
}

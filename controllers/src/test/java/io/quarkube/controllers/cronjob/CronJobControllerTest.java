package io.quarkube.controllers.cronjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.MutableClock;
import io.quarkube.controllers.support.Owners;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronJobControllerTest {
  private static final Instant CREATED = Instant.parse("2026-03-04T10:00:10Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final MutableClock clock = new MutableClock(CREATED);
  private final List<String> events = new ArrayList<>();
  private final CronJobController controller = new CronJobController(new ControllerContext(caches, writer,
      c -> (obj, type, reason, msg) -> events.add(reason + ": " + msg), null, null), clock);

  private CronJobBuilder cronJob(String schedule) {
    return new CronJobBuilder().withApiVersion("batch/v1").withKind("CronJob").withNewMetadata().withNamespace("ns")
        .withName("tick").withUid("cj-uid").withCreationTimestamp(CREATED.toString()).endMetadata().withNewSpec()
        .withSchedule(schedule).withNewJobTemplate().withNewMetadata().addToLabels("app", "tick").endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("c")
        .withImage("busybox").endContainer().endSpec().endTemplate().endSpec().endJobTemplate().endSpec();
  }

  private void sync() {
    controller.reconcile("ns/tick");
  }

  private CronJob stored() {
    return caches.indexer(CronJob.class).getByKey("ns/tick");
  }

  private List<Job> jobs() {
    return caches.indexer(Job.class).list().stream().sorted(Comparator.comparing(j -> j.getMetadata().getName()))
        .toList();
  }

  private void finish(Job j, String type, Instant at) {
    caches.put(new JobBuilder(j).withNewStatus().withStartTime(j.getMetadata().getCreationTimestamp() == null
        ? at.toString() : j.getMetadata().getCreationTimestamp()).withCompletionTime(at.toString())
        .addNewCondition().withType(type).withStatus("True").endCondition().endStatus().build());
  }

  @Test
  void firesAtTheScheduledMinuteWithUpstreamNameAndAnnotation() {
    caches.put(cronJob("*/5 * * * *").build());
    sync();
    assertTrue(jobs().isEmpty(), "nothing due before 10:05");
    clock.set(Instant.parse("2026-03-04T10:05:01Z"));
    sync();
    assertEquals(1, jobs().size());
    Job j = jobs().get(0);
    long minutes = Instant.parse("2026-03-04T10:05:00Z").getEpochSecond() / 60;
    assertEquals("tick-" + minutes, j.getMetadata().getName());
    assertEquals("2026-03-04T10:05:00Z", j.getMetadata().getAnnotations().get(CronJobController.SCHEDULED_TIMESTAMP));
    assertEquals("tick", j.getMetadata().getLabels().get("app"));
    assertEquals("cj-uid", j.getMetadata().getOwnerReferences().get(0).getUid());
    assertTrue(j.getMetadata().getOwnerReferences().get(0).getController());
    assertEquals("2026-03-04T10:05:00Z", stored().getStatus().getLastScheduleTime());
    assertEquals(1, stored().getStatus().getActive().size());
    assertTrue(events.contains("SuccessfulCreate: Created job tick-" + minutes));
    sync();
    assertEquals(1, jobs().size(), "the same time never starts twice");
  }

  @Test
  void requeuesForTheNextStartTime() {
    caches.put(cronJob("*/5 * * * *").build());
    sync();
    // 10:00:10 -> 10:05:00 plus the small delta
    Duration d = controller.lastRequeue;
    assertNotNull(d);
    assertEquals(Duration.ofSeconds(290).plusMillis(100), d);
  }

  @Test
  void forbidSkipsWhileAJobRunsAndReplaceDeletesIt() {
    caches.put(cronJob("* * * * *").editSpec().withConcurrencyPolicy("Forbid").endSpec().build());
    clock.set(Instant.parse("2026-03-04T10:01:05Z"));
    sync();
    assertEquals(1, jobs().size());
    clock.set(Instant.parse("2026-03-04T10:02:05Z"));
    sync();
    assertEquals(1, jobs().size(), "Forbid: no second job while the first runs");
    assertTrue(events.stream().anyMatch(e -> e.startsWith("JobAlreadyActive")));

    caches.put(new CronJobBuilder(stored()).editSpec().withConcurrencyPolicy("Replace").endSpec().build());
    clock.set(Instant.parse("2026-03-04T10:03:05Z"));
    sync();
    assertEquals(1, jobs().size(), "Replace: the old job deleted, a new one created");
    assertTrue(jobs().get(0).getMetadata().getName().endsWith(String.valueOf(
        Instant.parse("2026-03-04T10:03:00Z").getEpochSecond() / 60)));
    assertTrue(writer.actions().stream().anyMatch(a -> a.startsWith("delete Job") && a.endsWith("Background")));
  }

  @Test
  void allowRunsConcurrently() {
    caches.put(cronJob("* * * * *").build());
    clock.set(Instant.parse("2026-03-04T10:01:05Z"));
    sync();
    clock.set(Instant.parse("2026-03-04T10:02:05Z"));
    sync();
    assertEquals(2, jobs().size());
    assertEquals(2, stored().getStatus().getActive().size());
  }

  @Test
  void finishedJobsLeaveActiveAndHistoryIsLimited() {
    caches.put(cronJob("* * * * *").editSpec().withSuccessfulJobsHistoryLimit(2).withFailedJobsHistoryLimit(0)
        .endSpec().build());
    for (int m = 1; m <= 4; m++) {
      clock.set(Instant.parse("2026-03-04T10:0" + m + ":05Z"));
      sync();
      for (Job j : jobs()) {
        if (CronJobController.finishedType(j) == null) {
          finish(j, "Complete", clock.instant().plusSeconds(2));
        }
      }
    }
    clock.set(Instant.parse("2026-03-04T10:04:30Z"));
    sync();
    assertEquals(2, jobs().size(), "only the 2 newest successful jobs kept: " + jobs());
    assertTrue(stored().getStatus().getActive().isEmpty());
    assertEquals("2026-03-04T10:04:07Z", stored().getStatus().getLastSuccessfulTime());
    assertTrue(events.stream().anyMatch(e -> e.startsWith("SawCompletedJob")));

    clock.set(Instant.parse("2026-03-04T10:05:05Z"));
    sync();
    Job newest = jobs().stream().filter(j -> CronJobController.finishedType(j) == null).findFirst().orElseThrow();
    finish(newest, "Failed", clock.instant());
    sync();
    assertTrue(jobs().stream().noneMatch(j -> "Failed".equals(CronJobController.finishedType(j))),
        "failedJobsHistoryLimit 0 deletes failed jobs");
  }

  @Test
  void suspendStartsNothing() {
    caches.put(cronJob("* * * * *").editSpec().withSuspend(true).endSpec().build());
    clock.set(Instant.parse("2026-03-04T10:05:05Z"));
    sync();
    assertTrue(jobs().isEmpty());
  }

  @Test
  void startingDeadlineSkipsTooLateStarts() {
    caches.put(cronJob("0 * * * *").editSpec().withStartingDeadlineSeconds(60L).endSpec().build());
    clock.set(Instant.parse("2026-03-04T11:05:00Z")); // 11:00 was due 5 min ago, the deadline is 1 min
    sync();
    assertTrue(jobs().isEmpty());
    clock.set(Instant.parse("2026-03-04T12:00:30Z"));
    sync();
    assertEquals(1, jobs().size(), "within the deadline it starts");
  }

  @Test
  void tooManyMissedStartsWarnsButRunsTheLatest() {
    caches.put(cronJob("* * * * *").build());
    clock.set(Instant.parse("2026-03-04T14:00:30Z")); // 240 missed minutes
    sync();
    assertTrue(events.stream().anyMatch(e -> e.startsWith("TooManyMissedTimes")), events.toString());
    assertEquals(1, jobs().size());
    assertEquals("2026-03-04T14:00:00Z", stored().getStatus().getLastScheduleTime());
  }

  @Test
  void timeZoneFieldAndBadSchedules() {
    caches.put(cronJob("0 9 * * *").editSpec().withTimeZone("Asia/Tokyo").endSpec().build());
    clock.set(Instant.parse("2026-03-05T00:00:20Z")); // 09:00 in Tokyo
    sync();
    assertEquals(1, jobs().size());
    assertEquals("2026-03-05T09:00:00+09:00", jobs().get(0).getMetadata().getAnnotations()
        .get(CronJobController.SCHEDULED_TIMESTAMP));

    caches.put(new CronJobBuilder(stored()).editSpec().withTimeZone("Nowhere/Void").endSpec().build());
    sync();
    assertTrue(events.stream().anyMatch(e -> e.startsWith("UnknownTimeZone")));
    caches.put(new CronJobBuilder(stored()).editSpec().withTimeZone(null).withSchedule("61 * * * *").endSpec()
        .build());
    sync();
    assertTrue(events.stream().anyMatch(e -> e.startsWith("UnparseableSchedule")));
    assertNull(controller.lastRequeue, "a bad schedule waits for a spec change");
  }

  /** What kubectl create job --from=cronjob/tick makes: this CronJob as controller, a name of the user's. */
  private Job manual(String name) {
    return new JobBuilder().withNewMetadata().withNamespace("ns").withName(name).withUid(name + "-uid")
        .addToAnnotations("cronjob.kubernetes.io/instantiate", "manual")
        .withOwnerReferences(Owners.controllerRef(stored())).endMetadata().withNewSpec().endSpec().build();
  }

  @Test
  void aJobMadeByHandIsNotTrackedAndDoesNotBlockForbid() {
    caches.put(cronJob("* * * * *").editSpec().withConcurrencyPolicy("Forbid").endSpec().build());
    clock.set(Instant.parse("2026-03-04T10:00:30Z"));
    caches.put(manual("m2"));
    sync();
    assertTrue(stored().getStatus() == null || stored().getStatus().getActive() == null
        || stored().getStatus().getActive().isEmpty(), "only Jobs the controller started are active");
    assertTrue(events.contains("UnexpectedJob: Saw a job that the controller did not create or forgot: m2"),
        events.toString());
    clock.set(Instant.parse("2026-03-04T10:01:05Z"));
    sync();
    String scheduled = "tick-" + Instant.parse("2026-03-04T10:01:00Z").getEpochSecond() / 60;
    assertTrue(jobs().stream().anyMatch(j -> j.getMetadata().getName().equals(scheduled)),
        "the manual job does not block the scheduled run");
    assertTrue(events.stream().noneMatch(e -> e.startsWith("JobAlreadyActive")));
    assertEquals(List.of(scheduled), stored().getStatus().getActive().stream().map(r -> r.getName()).toList());
    finish(jobs().stream().filter(j -> j.getMetadata().getName().equals(scheduled)).findFirst().orElseThrow(),
        "Complete", Instant.parse("2026-03-04T10:01:30Z"));
    clock.set(Instant.parse("2026-03-04T10:01:35Z"));
    sync();
    assertTrue(events.contains("SawCompletedJob: Saw completed job: " + scheduled + ", condition: Complete"));
  }

  @Test
  void aJobStartedBeforeItsStatusWasWrittenIsTrackedAgainByItsName() {
    caches.put(cronJob("* * * * *").build());
    clock.set(Instant.parse("2026-03-04T10:01:05Z"));
    String name = "tick-" + Instant.parse("2026-03-04T10:01:00Z").getEpochSecond() / 60;
    caches.put(manual(name)); // created for 10:01, then the controller restarted before writing its status
    sync();
    assertEquals(1, jobs().size(), "not started twice");
    assertEquals(List.of(name), stored().getStatus().getActive().stream().map(r -> r.getName()).toList());
    assertEquals("2026-03-04T10:01:00Z", stored().getStatus().getLastScheduleTime());
  }
}

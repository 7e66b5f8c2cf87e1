package io.quarkube.controllers.ttlafterfinished;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.MutableClock;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TtlAfterFinishedControllerTest {
  private static final Instant DONE = Instant.parse("2026-03-04T10:00:00Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final MutableClock clock = new MutableClock(DONE.plusSeconds(10));
  private final TtlAfterFinishedController controller = new TtlAfterFinishedController(new ControllerContext(caches,
      writer, c -> EventRecorder.discarding(), null, null), clock);

  private Job job(Integer ttl, String condition) {
    JobBuilder b = new JobBuilder().withNewMetadata().withNamespace("ns").withName("j").withUid("u").endMetadata()
        .withNewSpec().withTtlSecondsAfterFinished(ttl).endSpec();
    if (condition != null) {
      b.withNewStatus().addNewCondition().withType(condition).withStatus("True")
          .withLastTransitionTime(DONE.toString()).endCondition().endStatus();
    }
    return b.build();
  }

  @Test
  void finishedJobIsDeletedWhenItsTtlPassesWithBackgroundPropagation() {
    caches.put(job(60, "Complete"));
    controller.reconcile("ns/j");
    assertTrue(writer.actions().isEmpty(), "not due yet");
    assertEquals(Duration.ofSeconds(50), controller.lastRequeue);
    clock.advance(Duration.ofSeconds(50));
    controller.reconcile("ns/j");
    assertEquals(List.of("delete Job ns/j Background"), writer.actions());
  }

  @Test
  void failedJobsToo() {
    caches.put(job(0, "Failed"));
    controller.reconcile("ns/j");
    assertEquals(List.of("delete Job ns/j Background"), writer.actions());
  }

  @Test
  void runningJobsAndJobsWithoutTtlStay() {
    caches.put(job(0, null));
    controller.reconcile("ns/j");
    caches.put(job(null, "Complete"));
    controller.reconcile("ns/j");
    assertTrue(writer.actions().isEmpty());
    assertNull(controller.lastRequeue);
  }
}

package io.quarkube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** activeDeadlineSeconds counts from status.startTime, as upstream's active deadline handler. */
class ActiveDeadlineTest {
  private static final Instant START = Instant.parse("2026-11-28T12:00:00Z");

  private static Pod pod(Long deadline, String startTime) {
    return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
        .withActiveDeadlineSeconds(deadline).addNewContainer().withName("c").endContainer().endSpec()
        .withNewStatus().withStartTime(startTime).endStatus().build();
  }

  @Test
  void noDeadlineOrNoStartTimeIsNeverExceeded() {
    assertEquals(Optional.empty(), ActiveDeadline.remaining(pod(null, START.toString()), START.plusSeconds(9999)));
    assertEquals(Optional.empty(), ActiveDeadline.remaining(pod(5L, null), START.plusSeconds(9999)));
    assertFalse(ActiveDeadline.exceeded(pod(null, START.toString()), START.plusSeconds(9999)));
  }

  @Test
  void exceededOnceTheDeadlineHasPassedSinceTheStart() {
    Pod pod = pod(5L, "2026-11-28T12:00:00Z");
    assertEquals(Optional.of(Duration.ofSeconds(3)), ActiveDeadline.remaining(pod, START.plusSeconds(2)));
    assertFalse(ActiveDeadline.exceeded(pod, START.plusSeconds(4)));
    assertTrue(ActiveDeadline.exceeded(pod, START.plusSeconds(5)));
    assertTrue(ActiveDeadline.exceeded(pod, START.plusSeconds(60)));
  }
}

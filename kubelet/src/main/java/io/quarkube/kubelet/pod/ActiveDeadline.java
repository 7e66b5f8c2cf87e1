package io.quarkube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A pod's spec.activeDeadlineSeconds, as upstream's kubelet enforces it (active_deadline.go): counted from the pod's
 * status.startTime; once passed, the pod fails with reason DeadlineExceeded and its containers are killed.
 */
final class ActiveDeadline {
  static final String REASON = "DeadlineExceeded";
  static final String MESSAGE = "Pod was active on the node longer than the specified deadline";

  private ActiveDeadline() {}

  /** How long the pod may still be active (zero or negative: exceeded); empty without a deadline or start time. */
  static Optional<Duration> remaining(Pod pod, Instant now) {
    Long seconds = pod.getSpec() == null ? null : pod.getSpec().getActiveDeadlineSeconds();
    String start = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    if (seconds == null || start == null || start.isEmpty()) {
      return Optional.empty();
    }
    Instant started;
    try {
      started = OffsetDateTime.parse(start).toInstant();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, started.plusSeconds(seconds)));
  }

  static boolean exceeded(Pod pod, Instant now) {
    return remaining(pod, now).map(d -> d.isZero() || d.isNegative()).orElse(false);
  }
}

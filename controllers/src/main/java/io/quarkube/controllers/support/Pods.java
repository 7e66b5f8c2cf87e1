package io.quarkube.controllers.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Pod state as controllers judge it (upstream's {@code podutil}). */
public final class Pods {
  private Pods() {}

  /** Not finished (Succeeded/Failed) and not being deleted: it counts towards replicas. */
  public static boolean isActive(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase) && pod.getMetadata().getDeletionTimestamp() == null;
  }

  public static Optional<PodCondition> readyCondition(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }

  public static boolean isReady(Pod pod) {
    return readyCondition(pod).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /** When the pod last became Ready, or null. */
  public static Instant readySince(Pod pod) {
    return readyCondition(pod).filter(c -> "True".equals(c.getStatus()) && c.getLastTransitionTime() != null)
        .map(c -> Instant.parse(c.getLastTransitionTime())).orElse(null);
  }

  /** Ready for at least {@code minReadySeconds} at {@code now} (upstream's {@code IsPodAvailable}). */
  public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
    if (!isReady(pod)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    Instant since = readySince(pod);
    return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
  }

  /**
   * How long after this update the owner must look at the pod again: a pod that just turned Ready under an owner
   * with {@code minReadySeconds} becomes available with no event of its own, so the owner requeues itself for a
   * second past that moment. Empty when there is nothing to wait for.
   */
  public static Optional<Duration> availabilityRecheck(Pod before, Pod after, Integer minReadySeconds) {
    int minReady = minReadySeconds == null ? 0 : minReadySeconds;
    if (minReady > 0 && !isReady(before) && isReady(after)) {
      return Optional.of(Duration.ofSeconds(minReady).plusSeconds(1));
    }
    return Optional.empty();
  }

  public static int restarts(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return pod.getStatus().getContainerStatuses().stream().mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount()).max()
        .orElse(0);
  }

  public static Instant created(Pod pod) {
    String t = pod.getMetadata().getCreationTimestamp();
    return t == null ? Instant.EPOCH : Instant.parse(t);
  }
}

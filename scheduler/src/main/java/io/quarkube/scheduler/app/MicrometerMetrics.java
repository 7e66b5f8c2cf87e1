package io.quarkube.scheduler.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkube.scheduler.core.SchedulerMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler's Prometheus metrics, named after upstream's: {@code scheduler_schedule_attempts_total{result,
 * profile}}, {@code scheduler_scheduling_attempt_duration_seconds}, {@code scheduler_e2e_scheduling_duration_seconds}
 * (queue entry to binding), {@code scheduler_pod_scheduling_sli_duration_seconds{attempts}} (the same, 1.32's
 * stable name), {@code scheduler_pod_scheduling_attempts}, {@code scheduler_preemption_*}, with upstream's buckets; the queue
 * depth {@code scheduler_pending_pods{queue}} is registered by the app.
 */
final class MicrometerMetrics implements SchedulerMetrics {
  /** Upstream's attempt (and e2e) buckets: 1 ms doubling 15 times (to 16.384 s). */
  static final Duration[] ATTEMPT_BUCKETS = exponential(Duration.ofMillis(1), 15);
  /** Upstream's pod_scheduling_sli_duration_seconds buckets: 10 ms doubling 20 times (to 5242.88 s). */
  static final Duration[] SLI_BUCKETS = exponential(Duration.ofMillis(10), 20);

  /** Upstream's extension point buckets: 0.1 ms doubling 12 times (to 204.8 ms). */
  static final Duration[] EXTENSION_POINT_BUCKETS = exponential(Duration.ofNanos(100_000), 12);

  private static Duration[] exponential(Duration start, int count) {
    Duration[] buckets = new Duration[count];
    for (int i = 0; i < count; i++) {
      buckets[i] = start.multipliedBy(1L << i);
    }
    return buckets;
  }

  private final MeterRegistry registry;
  private final Map<String, Counter> attempts = new ConcurrentHashMap<>();
  private final Map<String, Timer> attemptDurations = new ConcurrentHashMap<>();
  private final Map<String, Timer> e2e = new ConcurrentHashMap<>();
  private final Map<String, Timer> extensionPoints = new ConcurrentHashMap<>();
  private final Map<Integer, Timer> sli = new ConcurrentHashMap<>();
  private final DistributionSummary podAttempts;
  private final Counter preemptionAttempts;
  private final DistributionSummary preemptionVictims;

  MicrometerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.podAttempts = DistributionSummary.builder("scheduler.pod.scheduling.attempts")
        .description("Number of attempts to successfully schedule a pod.")
        .serviceLevelObjectives(1, 2, 4, 8, 16).register(registry);
    this.preemptionAttempts = Counter.builder("scheduler.preemption.attempts")
        .description("Total preemption attempts in the cluster till now").register(registry);
    this.preemptionVictims = DistributionSummary.builder("scheduler.preemption.victims")
        .description("Number of selected preemption victims").serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
        .register(registry);
  }

  @Override
  public void attempt(String profile, String result, long durationNanos) {
    String key = profile + "\u0000" + result;
    attempts.computeIfAbsent(key, k -> Counter.builder("scheduler.schedule.attempts")
        .description("Number of attempts to schedule pods, by the result.")
        .tag("profile", profile).tag("result", result).register(registry)).increment();
    attemptDurations.computeIfAbsent(key, k -> Timer.builder("scheduler.scheduling.attempt.duration")
        .description("Scheduling attempt latency (scheduling algorithm + binding)")
        .tag("profile", profile).tag("result", result).serviceLevelObjectives(ATTEMPT_BUCKETS).register(registry))
        .record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void podScheduled(String profile, long e2eNanos, int attempts) {
    e2e.computeIfAbsent(profile, k -> Timer.builder("scheduler.e2e.scheduling.duration")
        .description("E2e scheduling latency: from the pod entering the queue to its binding being written")
        .tag("profile", profile).serviceLevelObjectives(ATTEMPT_BUCKETS).register(registry))
        .record(e2eNanos, TimeUnit.NANOSECONDS);
    sli.computeIfAbsent(attempts, k -> Timer.builder("scheduler.pod.scheduling.sli.duration")
        .description("E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and "
            + "might involve multiple scheduling attempts.")
        .tag("attempts", Integer.toString(attempts)).serviceLevelObjectives(SLI_BUCKETS).register(registry))
        .record(e2eNanos, TimeUnit.NANOSECONDS);
    podAttempts.record(attempts);
  }

  @Override
  public void extensionPoint(String profile, String extensionPoint, String status, long durationNanos) {
    extensionPoints.computeIfAbsent(profile + "\u0000" + extensionPoint + "\u0000" + status, k -> Timer
        .builder("scheduler.framework.extension.point.duration")
        .description("Latency for running all plugins of a specific extension point.")
        .tag("profile", profile).tag("extension_point", extensionPoint).tag("status", status)
        .serviceLevelObjectives(EXTENSION_POINT_BUCKETS).register(registry))
        .record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void preemption(int victims) {
    preemptionAttempts.increment();
    preemptionVictims.record(victims);
  }
}

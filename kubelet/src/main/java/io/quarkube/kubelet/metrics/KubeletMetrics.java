package io.quarkube.kubelet.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkube.kubelet.pod.Relister;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Upstream's kubelet metrics that dashboards read: {@code kubelet_node_name{node}} (always 1),
 * {@code kubelet_running_pods}, {@code kubelet_running_containers{container_state}} (from the last relist of the
 * runtime, as upstream's from its runtime cache) and the histogram {@code kubelet_pod_start_duration_seconds}.
 */
public final class KubeletMetrics {
  /** Upstream's buckets of kubelet_pod_start_duration_seconds, in seconds. */
  static final double[] POD_START_BUCKETS = {0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360,
      480, 600, 900, 1200, 1800, 2700, 3600};

  private KubeletMetrics() {}

  /** Registers the gauges; answers what records a pod's start duration (nanoseconds). */
  public static LongConsumer register(MeterRegistry meters, String nodeName,
      Supplier<Relister.RuntimeCounts> counts) {
    Gauge.builder("kubelet_node_name", () -> 1).description("The node's name. The count is always 1.")
        .tag("node", nodeName).register(meters);
    // Strong references: the supplier is held by nothing else, and a collected one reads as NaN, which is not exported.
    Gauge.builder("kubelet_running_pods", counts, c -> c.get().runningPods()).strongReference(true)
        .description("Number of pods that have a running pod sandbox").register(meters);
    for (String state : new String[] {"created", "running", "exited", "unknown"}) {
      Gauge.builder("kubelet_running_containers", counts,
              c -> c.get().containersByState().getOrDefault(state, 0)).strongReference(true)
          .description("Number of containers currently running").tag("container_state", state).register(meters);
    }
    Timer podStart = Timer.builder("kubelet_pod_start_duration_seconds")
        .description("Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run")
        .serviceLevelObjectives(Arrays.stream(POD_START_BUCKETS).mapToObj(s -> Duration.ofMillis(Math.round(s * 1000)))
            .toArray(Duration[]::new))
        .register(meters);
    return nanos -> podStart.record(nanos, TimeUnit.NANOSECONDS);
  }
}

package io.quarkube.controllers.podautoscaler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's {@code podautoscaler/replica_calculator.go} for resource metrics, on plain inputs: the pods the target's
 * selector selects, each pod's usage (milli-units: millicores, milli-bytes) and each pod's request. Pods being
 * deleted, failed or pending are ignored; for cpu, pods not yet ready (or only just started) are left out, and pods
 * without metrics count as using 100 % of their request when scaling down and nothing when scaling up; a change
 * within the tolerance (10 %) or one those assumptions would reverse keeps the current count.
 */
public final class ReplicaCalculator {
  /** Upstream's {@code --horizontal-pod-autoscaler-tolerance}. */
  public static final double TOLERANCE = 0.1;
  /** Upstream's {@code --horizontal-pod-autoscaler-cpu-initialization-period}. */
  static final Duration CPU_INITIALIZATION_PERIOD = Duration.ofMinutes(5);
  /** Upstream's {@code --horizontal-pod-autoscaler-initial-readiness-delay}. */
  static final Duration INITIAL_READINESS_DELAY = Duration.ofSeconds(30);

  /** One pod's sample: usage in milli-units, when it was taken and over what window. */
  public record PodMetric(long milliValue, Instant timestamp, Duration window) {}

  /** The answer: the replica count and the current value (utilization percent, or average milli-value). */
  public record Result(int replicas, int utilization, long rawAverage) {}

  /** Why no count could be computed; the message is upstream's. */
  public static final class MetricsException extends Exception {
    public MetricsException(String message) {
      super(message);
    }
  }

  private ReplicaCalculator() {}

  /** Utilization against the requests ({@code target} in percent). */
  public static Result utilization(int currentReplicas, int target, String resource, List<Pod> pods,
      Map<String, PodMetric> metrics, Map<String, Long> requests, Instant now) throws MetricsException {
    Map<String, PodMetric> usable = new HashMap<>(metrics);
    Groups g = usableMetrics(resource, pods, usable, now);
    double[] ratio = utilizationRatio(usable, requests, target);
    double usageRatio = ratio[0];
    int utilization = (int) ratio[1];
    long rawAverage = (long) ratio[2];
    boolean scaleUpWithUnready = !g.unready.isEmpty() && usageRatio > 1.0;
    if (!scaleUpWithUnready && g.missing.isEmpty()) {
      if (Math.abs(1.0 - usageRatio) <= TOLERANCE) {
        return new Result(currentReplicas, utilization, rawAverage);
      }
      return new Result((int) Math.ceil(usageRatio * g.ready), utilization, rawAverage);
    }
    if (!g.missing.isEmpty()) {
      for (String name : g.missing) {
        long request = requests.getOrDefault(name, 0L);
        // scaling down: a pod without metrics uses max(100 %, target) of its request; scaling up: nothing
        long assumed = usageRatio < 1.0 ? request * Math.max(100, target) / 100 : 0;
        usable.put(name, new PodMetric(assumed, now, Duration.ZERO));
      }
    }
    if (scaleUpWithUnready) {
      for (String name : g.unready) {
        usable.put(name, new PodMetric(0, now, Duration.ZERO));
      }
    }
    double newRatio = utilizationRatio(usable, requests, target)[0];
    return new Result(rebalanced(currentReplicas, usageRatio, newRatio, usable.size()), utilization, rawAverage);
  }

  /** An average value per pod ({@code targetMilli} milli-units per pod), upstream's {@code GetRawResourceReplicas}. */
  public static Result averageValue(int currentReplicas, long targetMilli, String resource, List<Pod> pods,
      Map<String, PodMetric> metrics, Instant now) throws MetricsException {
    Map<String, PodMetric> usable = new HashMap<>(metrics);
    Groups g = usableMetrics(resource, pods, usable, now);
    long total = usable.values().stream().mapToLong(PodMetric::milliValue).sum();
    double usageRatio = (double) total / ((double) targetMilli * usable.size());
    long average = total / usable.size();
    boolean scaleUpWithUnready = !g.unready.isEmpty() && usageRatio > 1.0;
    if (!scaleUpWithUnready && g.missing.isEmpty()) {
      if (Math.abs(1.0 - usageRatio) <= TOLERANCE) {
        return new Result(currentReplicas, 0, average);
      }
      return new Result((int) Math.ceil(usageRatio * g.ready), 0, average);
    }
    for (String name : g.missing) {
      usable.put(name, new PodMetric(usageRatio < 1.0 ? targetMilli : 0, now, Duration.ZERO));
    }
    if (scaleUpWithUnready) {
      for (String name : g.unready) {
        usable.put(name, new PodMetric(0, now, Duration.ZERO));
      }
    }
    long newTotal = usable.values().stream().mapToLong(PodMetric::milliValue).sum();
    double newRatio = (double) newTotal / ((double) targetMilli * usable.size());
    return new Result(rebalanced(currentReplicas, usageRatio, newRatio, usable.size()), 0, average);
  }

  /**
   * Upstream's checks before any computation: metrics and pods exist. Groups the pods and leaves in {@code metrics}
   * only the usable ones (neither ignored nor unready); none usable fails.
   */
  private static Groups usableMetrics(String resource, List<Pod> pods, Map<String, PodMetric> metrics, Instant now)
      throws MetricsException {
    if (metrics.isEmpty()) {
      throw new MetricsException("unable to get metrics for resource " + resource
          + ": no metrics returned from resource metrics API");
    }
    if (pods.isEmpty()) {
      throw new MetricsException("no pods returned by selector while calculating replica count");
    }
    Groups g = group(pods, metrics, resource, now);
    metrics.keySet().removeAll(g.ignored);
    metrics.keySet().removeAll(g.unready);
    if (metrics.isEmpty()) {
      throw new MetricsException("did not receive metrics for targeted pods (pods might be unready)");
    }
    return g;
  }

  /**
   * Upstream's second pass, after missing and unready pods were given assumed metrics: the replicas for the new
   * ratio, unless it lies within the tolerance or the assumptions turned the direction of the scale around.
   */
  private static int rebalanced(int currentReplicas, double usageRatio, double newRatio, int pods) {
    if (Math.abs(1.0 - newRatio) <= TOLERANCE || (usageRatio < 1.0 && newRatio > 1.0)
        || (usageRatio > 1.0 && newRatio < 1.0)) {
      return currentReplicas;
    }
    int newReplicas = (int) Math.ceil(newRatio * pods);
    if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas)) {
      return currentReplicas;
    }
    return newReplicas;
  }

  /** [usage ratio, utilization percent, average raw value] over the pods with both a metric and a request. */
  private static double[] utilizationRatio(Map<String, PodMetric> metrics, Map<String, Long> requests, int target)
      throws MetricsException {
    long metricsTotal = 0;
    long requestsTotal = 0;
    int counted = 0;
    for (var e : metrics.entrySet()) {
      Long request = requests.get(e.getKey());
      if (request == null) {
        continue; // a pod that appeared after the requests were read
      }
      metricsTotal += e.getValue().milliValue();
      requestsTotal += request;
      counted++;
    }
    if (requestsTotal == 0) {
      throw new MetricsException("no metrics returned matched known pods");
    }
    int utilization = (int) (metricsTotal * 100 / requestsTotal);
    return new double[] {(double) utilization / target, utilization, (double) metricsTotal / counted};
  }

  private record Groups(int ready, Set<String> unready, Set<String> missing, Set<String> ignored) {}

  /** Upstream's {@code groupPods}. */
  private static Groups group(List<Pod> pods, Map<String, PodMetric> metrics, String resource, Instant now) {
    int ready = 0;
    Set<String> unready = new HashSet<>();
    Set<String> missing = new HashSet<>();
    Set<String> ignored = new HashSet<>();
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if (pod.getMetadata().getDeletionTimestamp() != null || "Failed".equals(phase)) {
        ignored.add(name);
        continue;
      }
      if ("Pending".equals(phase)) {
        ignored.add(name);
        continue;
      }
      PodMetric metric = metrics.get(name);
      if (metric == null) {
        missing.add(name);
        continue;
      }
      if ("cpu".equals(resource)) {
        PodCondition readyCondition = pod.getStatus() == null || pod.getStatus().getConditions() == null ? null
            : pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElse(null);
        String started = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
        boolean isUnready;
        if (readyCondition == null || started == null) {
          isUnready = true;
        } else {
          Instant start = Instant.parse(started);
          Instant transition = readyCondition.getLastTransitionTime() == null ? start
              : Instant.parse(readyCondition.getLastTransitionTime());
          if (start.plus(CPU_INITIALIZATION_PERIOD).isAfter(now)) {
            // just started: its sample must be from after it turned ready
            isUnready = "False".equals(readyCondition.getStatus())
                || metric.timestamp().isBefore(transition.plus(metric.window()));
          } else {
            // long started: unready only if it never was ready since its first readiness delay
            isUnready = "False".equals(readyCondition.getStatus())
                && start.plus(INITIAL_READINESS_DELAY).isAfter(transition);
          }
        }
        if (isUnready) {
          unready.add(name);
          continue;
        }
      }
      ready++;
    }
    return new Groups(ready, unready, missing, ignored);
  }
}

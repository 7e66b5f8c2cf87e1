package io.quarkube.controllers.job;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code spec.backoffLimitPerIndex} (upstream 1.32, Indexed Jobs): each pod carries in
 * {@link #FAILURE_COUNT} how often its index failed before it (and in {@link #IGNORED_FAILURE_COUNT} how many of
 * those failures a podFailurePolicy Ignore rule left out); a failed pod whose index already failed
 * backoffLimitPerIndex times (or that matches a FailIndex rule) fails its index for good, any other is replaced after
 * an exponential backoff of its own index. The counts travel from the failed pod to its replacement, so the failed
 * pod is the record of its index: the last one keeps its tracking finalizer until the replacement exists
 * ({@link #delayedRelease}).
 */
final class IndexFailures {
  static final String FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
  static final String IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count";

  private IndexFailures() {}

  static boolean enabled(Job job) {
    return "Indexed".equals(job.getSpec().getCompletionMode()) && job.getSpec().getBackoffLimitPerIndex() != null;
  }

  /** Whether this failed pod fails its index (upstream's isIndexFailed). */
  static boolean failsIndex(Job job, Pod failed) {
    var decision = PodFailurePolicies.evaluate(job, failed);
    if (decision.isPresent() && PodFailurePolicies.FAIL_INDEX.equals(decision.get().action())) {
      return true;
    }
    if (decision.isPresent() && PodFailurePolicies.IGNORE.equals(decision.get().action())) {
      return false;
    }
    return count(failed, FAILURE_COUNT) >= job.getSpec().getBackoffLimitPerIndex();
  }

  /**
   * Per index, the failed pod a replacement takes its counts from: the one with most failures before it (the
   * newest attempt), the latest to finish among equals.
   */
  static Map<Integer, Pod> lastFailed(List<Pod> failedPods, Function<Pod, Optional<Integer>> index,
      Function<Pod, Instant> finishedAt) {
    Comparator<Pod> order = Comparator.<Pod>comparingInt(IndexFailures::absoluteCount).thenComparing(finishedAt);
    Map<Integer, Pod> out = new HashMap<>();
    for (Pod p : failedPods) {
      index.apply(p).ifPresent(i -> out.merge(i, p, (a, b) -> order.compare(a, b) >= 0 ? a : b));
    }
    return out;
  }

  /** The counts a pod of an index gets: 0 for a first one, the replaced pod's plus its own failure otherwise. */
  static Map<String, String> annotationsFor(Job job, Pod replaced) {
    int failures = replaced == null ? 0 : count(replaced, FAILURE_COUNT);
    int ignored = replaced == null ? 0 : count(replaced, IGNORED_FAILURE_COUNT);
    if (replaced != null) {
      var decision = PodFailurePolicies.evaluate(job, replaced);
      if (decision.isPresent() && PodFailurePolicies.IGNORE.equals(decision.get().action())) {
        ignored++;
      } else {
        failures++;
      }
    }
    Map<String, String> out = new HashMap<>();
    out.put(FAILURE_COUNT, String.valueOf(failures));
    if (ignored > 0) {
      out.put(IGNORED_FAILURE_COUNT, String.valueOf(ignored));
    }
    return out;
  }

  /**
   * Time left before the index of {@code lastFailed} may get a new pod (upstream's getRemainingTimePerIndex):
   * base * 2^(failures of the index so far, ignored ones included, less one), at most {@code max}; null when none.
   */
  static Duration remaining(Pod lastFailed, Instant finishedAt, Instant now, Duration base, Duration max) {
    int failures = absoluteCount(lastFailed) + 1;
    Duration delay = base.multipliedBy(1L << Math.min(failures - 1, 10));
    if (delay.compareTo(max) > 0) {
      delay = max;
    }
    Instant next = finishedAt.plus(delay);
    return now.isBefore(next) ? Duration.between(now, next) : null;
  }

  static int count(Pod p, String annotation) {
    Map<String, String> a = p.getMetadata().getAnnotations();
    String value = a == null ? null : a.get(annotation);
    try {
      return value == null ? 0 : Math.max(0, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return 0; // not written by this controller: counted from scratch, as upstream does
    }
  }

  private static int absoluteCount(Pod p) {
    return count(p, FAILURE_COUNT) + count(p, IGNORED_FAILURE_COUNT);
  }
}

package io.quarkube.scheduler.core;

/** What the scheduling loop reports; the app backs it with Micrometer. */
public interface SchedulerMetrics {
  /** One scheduling attempt: result is scheduled, unschedulable or error. */
  void attempt(String profile, String result, long durationNanos);

  /** A pod bound: from entering the queue to a written binding. */
  void podScheduled(String profile, long e2eNanos, int attempts);

  /** A preemption that evicted {@code victims} pods. */
  default void preemption(int victims) {}

  SchedulerMetrics NONE = new SchedulerMetrics() {
    @Override
    public void attempt(String profile, String result, long durationNanos) {}

    @Override
    public void podScheduled(String profile, long e2eNanos, int attempts) {}
  };
}

package io.quarkube.client.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * client-go's workqueue metrics (component-base's prometheus/workqueue provider) for one queue, tag {@code name}:
 * {@code workqueue_depth}, {@code workqueue_adds_total}, {@code workqueue_queue_duration_seconds} and
 * {@code workqueue_work_duration_seconds} (buckets 10 ns to 10 s, ×10 each), {@code workqueue_retries_total},
 * {@code workqueue_unfinished_work_seconds}, {@code workqueue_longest_running_processor_seconds}. The gauges read the
 * queue when scraped (upstream refreshes them every 500 ms).
 */
public final class WorkQueueMeters implements QueueMetrics {
  /** Upstream's buckets: 1e-8 s to 10 s, ten of them. */
  static final Duration[] BUCKETS = {Duration.ofNanos(10), Duration.ofNanos(100), Duration.ofNanos(1_000),
      Duration.ofNanos(10_000), Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(10),
      Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10)};

  private final Counter adds;
  private final Counter retries;
  private final Timer queueDuration;
  private final Timer workDuration;

  private WorkQueueMeters(WorkQueue<?> queue, MeterRegistry registry) {
    String name = queue.name();
    Gauge.builder("workqueue_depth", queue, WorkQueue::depth).tag("name", name)
        .description("Current depth of workqueue").register(registry);
    adds = Counter.builder("workqueue_adds").tag("name", name)
        .description("Total number of adds handled by workqueue").register(registry);
    retries = Counter.builder("workqueue_retries").tag("name", name)
        .description("Total number of retries handled by workqueue").register(registry);
    queueDuration = Timer.builder("workqueue_queue_duration").tag("name", name)
        .description("How long in seconds an item stays in workqueue before being requested.")
        .serviceLevelObjectives(BUCKETS).register(registry);
    workDuration = Timer.builder("workqueue_work_duration").tag("name", name)
        .description("How long in seconds processing an item from workqueue takes.")
        .serviceLevelObjectives(BUCKETS).register(registry);
    Gauge.builder("workqueue_unfinished_work_seconds", queue, q -> q.unfinishedWorkNanos() / 1e9).tag("name", name)
        .description("How many seconds of work has done that is in progress and hasn't been observed by "
            + "work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by "
            + "observing the rate at which this increases.").register(registry);
    Gauge.builder("workqueue_longest_running_processor_seconds", queue, q -> q.longestRunningNanos() / 1e9)
        .tag("name", name)
        .description("How many seconds has the longest running processor for workqueue been running.")
        .register(registry);
  }

  /** Registers the queue's meters in {@code registry} and makes the queue report to them. */
  public static void bind(WorkQueue<?> queue, MeterRegistry registry) {
    queue.setMetrics(new WorkQueueMeters(queue, registry));
  }

  @Override
  public void added() {
    adds.increment();
  }

  @Override
  public void queued(long nanos) {
    queueDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void worked(long nanos) {
    workDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void retried() {
    retries.increment();
  }
}

package io.quarkube.client.queue;

/**
 * What a {@link WorkQueue} reports, as client-go's workqueue metrics provider: adds, how long items waited in the
 * queue, how long workers held them, retries. The depth and the work in progress are read from the queue itself
 * ({@link WorkQueue#depth}, {@link WorkQueue#unfinishedWorkNanos}, {@link WorkQueue#longestRunningNanos}).
 */
public interface QueueMetrics {
  /** An item became dirty (an add of an item already waiting is not counted, as upstream). */
  void added();

  /** An item was handed to a worker after waiting {@code nanos} since it was added. */
  void queued(long nanos);

  /** A worker called done after holding the item {@code nanos}. */
  void worked(long nanos);

  /** An item was put back with the rate limiter's delay. */
  void retried();

  QueueMetrics NONE = new QueueMetrics() {
    @Override
    public void added() {}

    @Override
    public void queued(long nanos) {}

    @Override
    public void worked(long nanos) {}

    @Override
    public void retried() {}
  };
}

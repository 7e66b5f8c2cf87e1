package io.quarkube.client.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkQueueMetersTest {
  @Test
  void clientGosWorkqueueMetricsWithItsBuckets() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (WorkQueue<String> q = WorkQueue.withDefaultBackoff("deployment")) {
      WorkQueueMeters.bind(q, meters);
      q.add("a");
      q.add("a"); // already waiting: not an add
      q.add("b");
      assertEquals(2.0, meters.get("workqueue_adds").tag("name", "deployment").counter().count());
      assertEquals(2.0, meters.get("workqueue_depth").tag("name", "deployment").gauge().value());

      assertEquals("a", q.get());
      q.add("a"); // dirty again while processed: counted in the depth, as client-go
      assertEquals(2.0, meters.get("workqueue_depth").tag("name", "deployment").gauge().value());
      Timer queued = meters.get("workqueue_queue_duration").tag("name", "deployment").timer();
      assertEquals(1, queued.count());
      assertTrue(meters.get("workqueue_longest_running_processor_seconds").gauge().value() >= 0);
      assertTrue(meters.get("workqueue_unfinished_work_seconds").gauge().value() >= 0);
      q.done("a");
      assertEquals(1, meters.get("workqueue_work_duration").tag("name", "deployment").timer().count());
      assertEquals(0.0, meters.get("workqueue_longest_running_processor_seconds").gauge().value());

      q.addRateLimited("c");
      assertEquals(1.0, meters.get("workqueue_retries").tag("name", "deployment").counter().count());

      double[] le = Arrays.stream(queued.takeSnapshot().histogramCounts())
          .mapToDouble(b -> b.bucket(TimeUnit.SECONDS)).toArray();
      assertArrayEquals(new double[] {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10}, le, 1e-12);
    }
  }
}

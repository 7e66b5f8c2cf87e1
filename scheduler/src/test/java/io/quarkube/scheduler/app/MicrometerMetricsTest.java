package io.quarkube.scheduler.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {
  private static double[] le(Timer t) {
    return Arrays.stream(t.takeSnapshot().histogramCounts()).mapToDouble(b -> b.bucket(TimeUnit.SECONDS)).toArray();
  }

  @Test
  void upstreamsNamesLabelsAndBuckets() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerMetrics metrics = new MicrometerMetrics(registry);
    metrics.attempt("default-scheduler", "scheduled", 2_000_000);
    metrics.attempt("default-scheduler", "unschedulable", 1_000_000);
    metrics.podScheduled("default-scheduler", 50_000_000, 2);
    metrics.preemption(1);

    assertEquals(1.0, registry.get("scheduler.schedule.attempts").tags("profile", "default-scheduler", "result",
        "scheduled").counter().count());
    assertArrayEquals(new double[] {0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024,
        2.048, 4.096, 8.192, 16.384}, le(registry.get("scheduler.scheduling.attempt.duration")
        .tags("profile", "default-scheduler", "result", "unschedulable").timer()), 1e-9);
    Timer sli = registry.get("scheduler.pod.scheduling.sli.duration").tag("attempts", "2").timer();
    assertEquals(1, sli.count());
    double[] sliBuckets = le(sli);
    assertEquals(20, sliBuckets.length);
    assertEquals(0.01, sliBuckets[0], 1e-9);
    assertEquals(5242.88, sliBuckets[19], 1e-6);
    assertEquals(1.0, registry.get("scheduler.preemption.attempts").counter().count());

    metrics.extensionPoint("default-scheduler", "Bind", "Success", 300_000);
    double[] ext = le(registry.get("scheduler.framework.extension.point.duration").tags("profile",
        "default-scheduler", "extension_point", "Bind", "status", "Success").timer());
    assertArrayEquals(new double[] {0.0001, 0.0002, 0.0004, 0.0008, 0.0016, 0.0032, 0.0064, 0.0128, 0.0256, 0.0512,
        0.1024, 0.2048}, ext, 1e-12);
  }
}

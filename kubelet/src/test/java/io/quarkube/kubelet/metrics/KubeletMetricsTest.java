package io.quarkube.kubelet.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkube.kubelet.pod.Relister;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

class KubeletMetricsTest {
  @Test
  void upstreamsNamesLabelsAndBuckets() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Relister.RuntimeCounts counts = new Relister.RuntimeCounts(2, Map.of("created", 0, "running", 3, "exited", 1,
        "unknown", 0));
    LongConsumer started = KubeletMetrics.register(meters, "node-a", () -> counts);
    started.accept(1_500_000_000L);

    assertEquals(1.0, meters.get("kubelet_node_name").tag("node", "node-a").gauge().value());
    assertEquals(2.0, meters.get("kubelet_running_pods").gauge().value());
    assertEquals(3.0, meters.get("kubelet_running_containers").tag("container_state", "running").gauge().value());
    assertEquals(1.0, meters.get("kubelet_running_containers").tag("container_state", "exited").gauge().value());
    Timer start = meters.get("kubelet_pod_start_duration_seconds").timer();
    assertEquals(1, start.count());
    double[] le = Arrays.stream(start.takeSnapshot().histogramCounts()).mapToDouble(b -> b.bucket(TimeUnit.SECONDS))
        .toArray();
    assertArrayEquals(KubeletMetrics.POD_START_BUCKETS, le, 1e-9);
  }
}

package io.quarkube.kubelet.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.k8s.cri.runtime.v1.ContainerAttributes;
import io.k8s.cri.runtime.v1.ContainerMetadata;
import io.k8s.cri.runtime.v1.ContainerStats;
import io.k8s.cri.runtime.v1.CpuUsage;
import io.k8s.cri.runtime.v1.MemoryUsage;
import io.k8s.cri.runtime.v1.UInt64Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsTest {
  @Test
  void nodeCpuRateAndMemoryFromProc(@TempDir Path dir) throws Exception {
    Path stat = dir.resolve("stat");
    Path meminfo = dir.resolve("meminfo");
    // Large counters, as on a machine up for months: the rate must not overflow.
    Files.writeString(stat, "cpu  900000000 0 100000000 5000 7 0 0 0 0 0\nbtime 1\n");
    Files.writeString(meminfo, "MemTotal:       1000 kB\nMemFree:         200 kB\nInactive(file):  100 kB\n"
        + "AnonPages:       300 kB\n");
    NodeStats node = new NodeStats(stat, meminfo, dir);
    node.sample();
    assertEquals(1_000_000_000L * 10_000_000L, node.cpu().usageCoreNanoSeconds());
    assertEquals(0, node.cpu().usageNanoCores(), "one sample: no rate yet");
    Files.writeString(stat, "cpu  900000100 0 100000100 9000 7 0 0 0 0 0\n");
    node.sample();
    assertTrue(node.cpu().usageNanoCores() > 0, "a rate between two samples");

    NodeStats.Memory m = node.memory();
    assertEquals(1000 * 1024, m.capacityBytes());
    assertEquals(800 * 1024, m.usageBytes());
    assertEquals(700 * 1024, m.workingSetBytes());
    assertEquals(300 * 1024, m.availableBytes());
    assertEquals(300 * 1024, m.rssBytes());
    assertTrue(node.fs().capacityBytes() > 0);
  }

  @Test
  void summaryListsRunningPodsWithTheirNewestContainers() {
    Pod pod = new PodBuilder().withNewMetadata().withName("web").withNamespace("ns").withUid("u1").endMetadata()
        .withNewSpec().addNewContainer().withName("main").endContainer().endSpec().build();
    Pod notRunning = new PodBuilder(pod).editMetadata().withName("later").withUid("u2").endMetadata().build();
    ContainerStats old = stats("main", 0, 5, 100);
    ContainerStats current = stats("main", 1, 7, 200);
    JsonNode s = SummaryBuilder.build(new SummaryBuilder.Inputs("n1", Instant.EPOCH, Instant.EPOCH,
        new NodeStats.Cpu(1, 2), new NodeStats.Memory(10, 5, 6, 5, 4, 0, 0), new NodeStats.Fs(3, 2, 1),
        List.of(pod, notRunning), List.of(), List.of(old, current)));
    assertEquals("n1", s.path("node").path("nodeName").asText());
    assertEquals(2, s.path("node").path("cpu").path("usageNanoCores").asLong());
    assertEquals(1, s.path("pods").size());
    JsonNode p = s.path("pods").get(0);
    assertEquals("web", p.path("podRef").path("name").asText());
    assertEquals(1, p.path("containers").size());
    assertEquals(200, p.path("containers").get(0).path("memory").path("workingSetBytes").asLong());
    assertEquals(7, p.path("cpu").path("usageCoreNanoSeconds").asLong(), "summed from the containers");
  }

  private static ContainerStats stats(String name, int attempt, long cpu, long memory) {
    return ContainerStats.newBuilder()
        .setAttributes(ContainerAttributes.newBuilder().setId(name + attempt)
            .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(attempt))
            .putLabels("io.kubernetes.pod.uid", "u1"))
        .setCpu(CpuUsage.newBuilder().setUsageCoreNanoSeconds(UInt64Value.newBuilder().setValue(cpu)))
        .setMemory(MemoryUsage.newBuilder().setWorkingSetBytes(UInt64Value.newBuilder().setValue(memory)))
        .build();
  }
}

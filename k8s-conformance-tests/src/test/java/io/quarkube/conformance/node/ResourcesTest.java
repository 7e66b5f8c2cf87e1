package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Container resources on the real node: pod-level cgroups by QoS class with the pod's limits, and a container over its
 * memory limit killed by the kernel and reported as OOMKilled.
 */
@ExtendWith(TestNamespace.class)
class ResourcesTest {
  private static final Duration START = Duration.ofSeconds(60);

  private static PodBuilder pod(String ns, String name, Map<String, Quantity> requests, Map<String, Quantity> limits,
      String... command) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withCommand(command).withNewResources()
        .withRequests(requests).withLimits(limits).endResources().endContainer().endSpec();
  }

  /** The pod's cgroup folder in the memory hierarchy: {@code <root>/kubepods[/<qos>]/pod<uid>}. */
  private static Path podCgroup(String qosSegment, String uid) {
    try (Stream<Path> roots = Files.list(Path.of("/sys/fs/cgroup/memory"))) {
      for (Path root : roots.filter(p -> p.getFileName().toString().startsWith("quarkube-")).toList()) {
        Path dir = root.resolve("kubepods/" + qosSegment + "pod" + uid);
        if (Files.isDirectory(dir)) {
          return dir;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return null;
  }

  @Test
  void podCgroupsByQosClassWithThePodsLimits(String ns) throws Exception {
    Map<String, Quantity> guaranteed = Map.of("cpu", new Quantity("100m"), "memory", new Quantity("48Mi"));
    Pod g = RealNode.client().resource(pod(ns, "guaranteed", guaranteed, guaranteed, "sleep", "3600").build())
        .create();
    Pod b = RealNode.client().resource(pod(ns, "burstable", Map.of("memory", new Quantity("16Mi")),
        Map.of("memory", new Quantity("64Mi")), "sleep", "3600").build()).create();
    Pod e = RealNode.client().resource(pod(ns, "besteffort", Map.of(), Map.of(), "sleep", "3600").build()).create();
    for (String name : List.of("guaranteed", "burstable", "besteffort")) {
      RealNode.awaitPhase(ns, name, "Running", START);
    }
    assertEquals("Guaranteed", RealNode.pod(ns, "guaranteed").getStatus().getQosClass());
    assertEquals("Burstable", RealNode.pod(ns, "burstable").getStatus().getQosClass());
    assertEquals("BestEffort", RealNode.pod(ns, "besteffort").getStatus().getQosClass());

    Path gDir = podCgroup("", g.getMetadata().getUid());
    Path bDir = podCgroup("burstable/", b.getMetadata().getUid());
    Path eDir = podCgroup("besteffort/", e.getMetadata().getUid());
    assertTrue(gDir != null && bDir != null && eDir != null, "pod cgroups " + gDir + " " + bDir + " " + eDir);
    assertEquals(48L * 1024 * 1024, Long.parseLong(Files.readString(gDir.resolve("memory.limit_in_bytes")).trim()));
    assertEquals(64L * 1024 * 1024, Long.parseLong(Files.readString(bDir.resolve("memory.limit_in_bytes")).trim()));
    Path gCpu = Path.of(gDir.toString().replace("/memory/", "/cpu/"));
    assertEquals("102", Files.readString(gCpu.resolve("cpu.shares")).trim());
    assertEquals("10000", Files.readString(gCpu.resolve("cpu.cfs_quota_us")).trim());
    try (Stream<Path> children = Files.list(bDir)) {
      assertTrue(children.anyMatch(Files::isDirectory), "the containers' cgroups sit below the pod's");
    }

    RealNode.client().pods().inNamespace(ns).withName("guaranteed").delete();
    Await.until(Duration.ofSeconds(30), "the pod cgroup removed with the pod", () ->
        RealNode.pod(ns, "guaranteed") == null && !RealNode.cgroupLeft(g.getMetadata().getUid()));
  }

  @Test
  void containerOverItsMemoryLimitIsOomKilled(String ns) {
    // The shell holds ~100 MB in a variable: far over the 32Mi limit.
    RealNode.client().resource(pod(ns, "hog", Map.of(), Map.of("memory", new Quantity("32Mi")), "sh", "-c",
        "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived; sleep 3600").build()).create();
    Await.until(START, "lastState.terminated.reason OOMKilled", () -> {
      Pod p = RealNode.pod(ns, "hog");
      if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null
          || p.getStatus().getContainerStatuses().isEmpty()) {
        return false;
      }
      ContainerStatus s = p.getStatus().getContainerStatuses().get(0);
      return s.getLastState() != null && s.getLastState().getTerminated() != null
          && "OOMKilled".equals(s.getLastState().getTerminated().getReason());
    });
    ContainerStatus s = RealNode.pod(ns, "hog").getStatus().getContainerStatuses().get(0);
    assertEquals(137, s.getLastState().getTerminated().getExitCode());
    assertTrue(s.getRestartCount() >= 1);
  }
}

package io.quarkube.kubelet.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.kubelet.runtime.PodDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** downwardAPI and projected downwardAPI volumes as {@link VolumeManager} writes them (no API server needed). */
class DownwardVolumeTest {
  private static final Map<String, Quantity> ALLOCATABLE = Map.of("cpu", new Quantity("4"),
      "memory", new Quantity("2048Mi"));

  @TempDir
  Path root;

  private Map<String, Path> setUp(Pod pod) throws Exception {
    return new VolumeManager(null, null, new PodDirs(root), ALLOCATABLE).setUp(pod, "10.0.0.5", "192.168.1.2");
  }

  /** A pod with a "sized" container (limits 1250m/64Mi, requests 250m/32Mi) and a "bare" one without resources. */
  private static PodBuilder pod() {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u1").endMetadata()
        .withNewSpec()
        .addNewContainer().withName("sized").withImage("busybox").withNewResources()
        .withLimits(Map.of("cpu", new Quantity("1250m"), "memory", new Quantity("64Mi")))
        .withRequests(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("32Mi"))).endResources()
        .endContainer()
        .addNewContainer().withName("bare").withImage("busybox").endContainer()
        .endSpec();
  }

  @Test
  void unsetLimitsReadAsTheNodesAllocatableSetOnesAsTheContainersRoundedUp() throws Exception {
    Pod pod = pod().editSpec().addNewVolume().withName("info").withNewDownwardAPI()
        .addNewItem().withPath("cpu_limit").withNewResourceFieldRef().withContainerName("sized")
        .withResource("limits.cpu").endResourceFieldRef().endItem()
        .addNewItem().withPath("cpu_request").withNewResourceFieldRef().withContainerName("sized")
        .withResource("requests.cpu").endResourceFieldRef().endItem()
        .addNewItem().withPath("memory_limit").withNewResourceFieldRef().withContainerName("sized")
        .withResource("limits.memory").endResourceFieldRef().endItem()
        .addNewItem().withPath("memory_request").withNewResourceFieldRef().withContainerName("sized")
        .withResource("requests.memory").endResourceFieldRef().endItem()
        .addNewItem().withPath("default_cpu_limit").withNewResourceFieldRef().withContainerName("bare")
        .withResource("limits.cpu").endResourceFieldRef().endItem()
        .addNewItem().withPath("default_memory_limit").withNewResourceFieldRef().withContainerName("bare")
        .withResource("limits.memory").endResourceFieldRef().endItem()
        .endDownwardAPI().endVolume().endSpec().build();

    Path dir = setUp(pod).get("info");

    assertEquals("2", Files.readString(dir.resolve("cpu_limit")), "1250m rounded up");
    assertEquals("1", Files.readString(dir.resolve("cpu_request")), "250m rounded up");
    assertEquals("67108864", Files.readString(dir.resolve("memory_limit")));
    assertEquals("33554432", Files.readString(dir.resolve("memory_request")));
    assertEquals("4", Files.readString(dir.resolve("default_cpu_limit")), "no cpu limit: the node's allocatable");
    assertEquals(Long.toString(2048L * 1024 * 1024), Files.readString(dir.resolve("default_memory_limit")),
        "no memory limit: the node's allocatable");
  }

  @Test
  void projectedDownwardApiReadsTheAllocatableTooWithItsModes() throws Exception {
    Pod pod = pod().editSpec().addNewVolume().withName("proj").withNewProjected().withDefaultMode(0400)
        .addNewSource().withNewDownwardAPI()
        .addNewItem().withPath("podname").withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem()
        .addNewItem().withPath("cpu_limit").withMode(0440).withNewResourceFieldRef().withContainerName("bare")
        .withResource("limits.cpu").withDivisor(new Quantity("1m")).endResourceFieldRef().endItem()
        .endDownwardAPI().endSource().endProjected().endVolume().endSpec().build();

    Path dir = setUp(pod).get("proj");

    assertEquals("p", Files.readString(dir.resolve("podname")));
    assertEquals("4000", Files.readString(dir.resolve("cpu_limit")), "the allocatable in the divisor's unit");
    assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("podname"))));
    assertEquals("r--r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cpu_limit"))));
  }
}

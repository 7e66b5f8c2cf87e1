package io.quarkube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.k8s.cri.runtime.v1.CreateContainerRequest;
import io.k8s.cri.runtime.v1.ExecSyncRequest;
import io.k8s.cri.runtime.v1.PodSandboxConfig;
import io.k8s.cri.runtime.v1.PullImageRequest;
import io.k8s.cri.runtime.v1.ImageSpec;
import io.k8s.cri.runtime.v1.RemovePodSandboxRequest;
import io.k8s.cri.runtime.v1.RunPodSandboxRequest;
import io.k8s.cri.runtime.v1.StartContainerRequest;
import io.k8s.cri.runtime.v1.StopPodSandboxRequest;
import io.quarkube.kubelet.cgroups.PodCgroups;
import io.quarkube.kubelet.cri.CriClient;
import io.quarkube.kubelet.testing.ContainerdFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's CRI configs for a pod (sandbox, container with env, $(VAR) args, memory limit) run on a real
 * containerd, and the runtime's answers as {@link RuntimeInspector} reads them: labels, states, OOMKilled.
 */
class RuntimeConfigsTest {
  private final ContainerdFixture node = ContainerdFixture.shared();
  private final CriClient cri = node.cri();

  private static Pod pod(String command, String memoryLimit) {
    return new PodBuilder().withNewMetadata().withName("cfg").withNamespace("default")
        .withUid(UUID.randomUUID().toString()).addToLabels("app", "cfg").endMetadata()
        .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main").withImage("busybox")
        .withCommand("sh", "-c").withArgs(command)
        .addNewEnv().withName("WHO").withValue("world").endEnv()
        .addNewEnv().withName("GREETING").withValue("hello $(WHO)").endEnv()
        .withNewResources().withLimits(memoryLimit == null ? Map.of()
            : Map.of("memory", new Quantity(memoryLimit))).endResources()
        .endContainer().endSpec().build();
  }

  private String runPod(Pod pod, Path root) throws Exception {
    PodDirs dirs = new PodDirs(root);
    PodCgroups cgroups = new PodCgroups(node.cgroupRoot());
    SandboxConfigs sandboxes = new SandboxConfigs(dirs, Optional.empty(), "cluster.local");
    PodSandboxConfig sandboxConfig = sandboxes.build(pod, 0, cgroups.parentOf(pod));
    Files.createDirectories(dirs.logDir(pod));
    String sandboxId = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(sandboxConfig)
        .build()).getPodSandboxId();
    String image = cri.images(CriClient.PULL_TIMEOUT).pullImage(PullImageRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(node.busyboxImage())).build()).getImageRef();
    var container = pod.getSpec().getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("WHO", "world");
    env.put("GREETING", VarExpansion.expand("hello $(WHO)", env));
    String id = cri.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandboxId)
        .setSandboxConfig(sandboxConfig)
        .setConfig(ContainerConfigs.build(pod, container, new ContainerConfigs.Inputs(0, "regular", image, env,
            List.of(), null)))
        .build()).getContainerId();
    cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return sandboxId;
  }

  private void remove(String sandboxId) {
    cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
  }

  private ContainerInfo awaitExit(String uid) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ContainerInfo> c = new RuntimeInspector(cri).pod(uid).latest("main");
      if (c.isPresent() && c.get().exited()) {
        return c.get();
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    throw new AssertionError("container of pod " + uid + " did not exit");
  }

  @Test
  void envAndLabelsReachTheRuntime() throws Exception {
    Pod pod = pod("echo \"$GREETING\" > /dev/termination-log; sleep 3600", null);
    Path root = Files.createTempDirectory("qk-kubelet-");
    String sandboxId = runPod(pod, root);
    try {
      PodRuntime rt = new RuntimeInspector(cri).pod(pod.getMetadata().getUid());
      assertEquals(1, rt.sandboxes().size());
      assertTrue(rt.readySandbox().isPresent());
      ContainerInfo main = rt.latest("main").orElseThrow();
      assertTrue(main.running(), "running: " + main);
      assertEquals("regular", main.kind());
      assertEquals(ContainerConfigs.hash(pod.getSpec().getContainers().get(0)), main.hash());
      var exec = cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(main.id())
          .addCmd("sh").addCmd("-c").addCmd("echo $GREETING").setTimeout(10).build());
      assertEquals("hello world\n", exec.getStdout().toString(StandardCharsets.UTF_8));
      assertTrue(new RuntimeInspector(cri).listAll().containsKey(pod.getMetadata().getUid()));
    } finally {
      remove(sandboxId);
    }
  }

  @Test
  void memoryLimitEndsInOomKilled() throws Exception {
    // 32Mi limit, ~200 MB held in a shell variable: the kernel kills it, containerd reports OOMKilled.
    Pod pod = pod("x=$(head -c 200000000 /dev/zero | tr '\\000' a); echo ${#x}", "32Mi");
    Path root = Files.createTempDirectory("qk-kubelet-");
    String sandboxId = runPod(pod, root);
    try {
      ContainerInfo exited = awaitExit(pod.getMetadata().getUid());
      assertEquals("OOMKilled", exited.reason(), "exit " + exited.exitCode());
      assertEquals(137, exited.exitCode());
    } finally {
      remove(sandboxId);
    }
  }
}

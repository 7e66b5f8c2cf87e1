package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node's processes can restart under running pods: a restarted kubelet adopts the pods containerd still runs
 * (same container, no restart), and a restarted containerd loses none (the runc shims keep the containers).
 * Processes are stopped by their pid files and started again by {@code ./quarkube up}, as an operator would.
 */
@ExtendWith(TestNamespace.class)
class NodeRestartTest {
  private static final Duration START = Duration.ofSeconds(90);

  @Test
  void restartingTheKubeletThenContainerdLeavesRunningPodsRunning(String ns) throws Exception {
    create(ns, "sleeper");
    Pod before = RealNode.awaitPhase(ns, "sleeper", "Running", START);
    String containerId = main(before).getContainerID();
    String ip = before.getStatus().getPodIP();

    restart("kubelet");
    // a new pod running proves the new kubelet has synced the node; then the old pod must be untouched
    create(ns, "after-kubelet");
    RealNode.awaitPhase(ns, "after-kubelet", "Running", START);
    assertUnchanged(ns, containerId, ip);

    restart("containerd");
    create(ns, "after-containerd");
    RealNode.awaitPhase(ns, "after-containerd", "Running", START);
    assertUnchanged(ns, containerId, ip);
    assertTrue(RealNode.runtimeContainers().contains(containerId.substring("containerd://".length())),
        "containerd still holds the container");
  }

  private static void assertUnchanged(String ns, String containerId, String ip) {
    Pod now = RealNode.client().pods().inNamespace(ns).withName("sleeper").get();
    assertEquals("Running", now.getStatus().getPhase());
    assertEquals(containerId, main(now).getContainerID(), "the same container, adopted");
    assertEquals(0, main(now).getRestartCount());
    assertEquals(ip, now.getStatus().getPodIP(), "the same sandbox");
  }

  private static ContainerStatus main(Pod p) {
    return p.getStatus().getContainerStatuses().get(0);
  }

  private static void create(String ns, String name) {
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec().build()).create();
  }

  /** Stops one node process (TERM, by its pid file) and has the launcher start what is missing. */
  private static void restart(String component) throws Exception {
    Path pidFile = RealNode.stateDir().resolve("run").resolve(component + ".pid");
    long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(component + " not running"));
    process.destroy();
    process.onExit().get(60, TimeUnit.SECONDS);
    Path launcher = Path.of("..", "quarkube").toAbsolutePath().normalize();
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--data-dir", RealNode.stateDir().toString(), "up")
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // the cluster's own build and packages: nothing to build or install here
    pb.environment().put("QUARKUBE_SKIP_BUILD", "1");
    pb.environment().put("QUARKUBE_SKIP_INSTALL", "1");
    Process up = pb.start();
    String out = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(up.waitFor(300, TimeUnit.SECONDS), "quarkube up finished");
    assertEquals(0, up.exitValue(), "quarkube up restarts " + component + ":\n" + out);
  }
}

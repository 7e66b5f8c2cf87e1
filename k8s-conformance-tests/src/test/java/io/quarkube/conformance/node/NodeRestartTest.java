package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
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

    RealNode.restart("kubelet");
    // a new pod running proves the new kubelet has synced the node; then the old pod must be untouched
    create(ns, "after-kubelet");
    RealNode.awaitPhase(ns, "after-kubelet", "Running", START);
    assertUnchanged(ns, containerId, ip);

    RealNode.restart("containerd");
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
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The kubelet enforces {@code runAsNonRoot} itself, before the container exists; runAsUser reaches the process. */
@ExtendWith(TestNamespace.class)
class SecurityContextTest {

  private static Pod pod(String ns, String name, Long runAsUser) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(runAsUser).endSecurityContext()
        .addNewContainer().withName("main").withImage("busybox").withCommand("sh", "-c", "id -u; sleep 3600")
        .endContainer().endSpec().build();
  }

  @Test
  void runAsNonRootRefusesARootImageAndRunsAnotherUser(String ns) {
    RealNode.client().resource(pod(ns, "as-root", null)).create();
    RealNode.client().resource(pod(ns, "as-1000", 1000L)).create();
    AtomicReference<ContainerStateWaiting> waiting = new AtomicReference<>();
    Await.until(Duration.ofSeconds(90), "as-root waiting with CreateContainerConfigError", () -> {
      Pod p = RealNode.client().pods().inNamespace(ns).withName("as-root").get();
      if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null
          || p.getStatus().getContainerStatuses().isEmpty()
          || p.getStatus().getContainerStatuses().get(0).getState().getWaiting() == null) {
        return false;
      }
      waiting.set(p.getStatus().getContainerStatuses().get(0).getState().getWaiting());
      return "CreateContainerConfigError".equals(waiting.get().getReason());
    });
    assertTrue(waiting.get().getMessage().contains("container has runAsNonRoot and image will run as root"),
        waiting.get().getMessage());
    RealNode.awaitPhase(ns, "as-1000", "Running", Duration.ofSeconds(90));
    Await.until(Duration.ofSeconds(30), "as-1000 logs its uid", () -> RealNode.client().pods().inNamespace(ns)
        .withName("as-1000").getLog().contains("1000"));
    assertEquals("1000", RealNode.client().pods().inNamespace(ns).withName("as-1000").getLog().trim());
  }
}

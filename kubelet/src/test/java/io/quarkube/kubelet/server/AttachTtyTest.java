package io.quarkube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** An attach's terminal is the container's (upstream's GetAttach), not what the client asked for. */
class AttachTtyTest {
  private final Pod pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
      .addNewInitContainer().withName("init").withTty(true).endInitContainer()
      .addNewContainer().withName("shell").withTty(true).withStdin(true).endContainer()
      .addNewContainer().withName("plain").endContainer()
      .addNewEphemeralContainer().withName("debugger").withTty(true).endEphemeralContainer()
      .endSpec().build();

  @Test
  void aTtyContainerIsAttachedWithATerminal() {
    assertTrue(AttachTty.of(pod, "shell"));
    assertTrue(AttachTty.of(pod, "init"));
    assertTrue(AttachTty.of(pod, "debugger"));
  }

  @Test
  void otherContainersWithout() {
    assertFalse(AttachTty.of(pod, "plain"));
    assertFalse(AttachTty.of(pod, "missing"));
  }
}

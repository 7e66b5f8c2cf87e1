package io.quarkube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** What {@code kubectl logs} of a container that never ran says (upstream's validateContainerLogStatus). */
class WaitingLogTextTest {
  private static Pod waiting(String reason) {
    return new PodBuilder().withNewMetadata().withName("x").endMetadata().withNewSpec().addNewContainer()
        .withName("c").endContainer().endSpec().withNewStatus().addNewContainerStatus().withName("c").withNewState()
        .withNewWaiting().withReason(reason).endWaiting().endState().endContainerStatus().endStatus().build();
  }

  @Test
  void imagePullFailuresInWords() {
    assertEquals("trying and failing to pull image", ContainerLocator.waitingText(waiting("ImagePullBackOff"), "c"));
    assertEquals("image can't be pulled", ContainerLocator.waitingText(waiting("ErrImagePull"), "c"));
  }

  @Test
  void otherReasonsAsTheyAre() {
    assertEquals("CreateContainerConfigError",
        ContainerLocator.waitingText(waiting("CreateContainerConfigError"), "c"));
    assertEquals("ContainerCreating", ContainerLocator.waitingText(waiting(null), "c"));
    assertEquals("ContainerCreating", ContainerLocator.waitingText(new PodBuilder().withNewMetadata()
        .withName("x").endMetadata().build(), "c"));
  }
}

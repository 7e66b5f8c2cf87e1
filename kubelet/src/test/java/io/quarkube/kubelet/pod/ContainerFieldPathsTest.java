package io.quarkube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** The fieldPath of a container's events, as upstream's kubelet writes it. */
class ContainerFieldPathsTest {
  @Test
  void byKindOfContainer() {
    assertEquals("spec.containers{web}", ContainerFieldPaths.of("regular", "web"));
    assertEquals("spec.initContainers{setup}", ContainerFieldPaths.of("init", "setup"));
    assertEquals("spec.initContainers{proxy}", ContainerFieldPaths.of("sidecar", "proxy"));
    assertEquals("spec.ephemeralContainers{debugger}", ContainerFieldPaths.of("ephemeral", "debugger"));
  }

  @Test
  void byNameInThePodsSpec() {
    Pod pod = new PodBuilder().withNewSpec().addNewContainer().withName("web").endContainer()
        .addNewInitContainer().withName("setup").endInitContainer()
        .addNewEphemeralContainer().withName("debugger").endEphemeralContainer().endSpec().build();
    assertEquals("spec.containers{web}", ContainerFieldPaths.of(pod, "web"));
    assertEquals("spec.initContainers{setup}", ContainerFieldPaths.of(pod, "setup"));
    assertEquals("spec.ephemeralContainers{debugger}", ContainerFieldPaths.of(pod, "debugger"));
    assertEquals("spec.containers{gone}", ContainerFieldPaths.of(pod, "gone"));
    assertEquals("spec.containers{x}", ContainerFieldPaths.of((Pod) null, "x"));
  }
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Kubelet" and "KubeletManagedEtcHosts" tests, their pods created side by side: an always failing pod can
 * be deleted, a read-only root filesystem refuses writes, hostAliases reach /etc/hosts, and /etc/hosts is the
 * kubelet's for a normal pod, but not for a container mounting its own nor in a hostNetwork pod.
 */
@Conformance("node.kubelet-basics")
@ExtendWith(TestNamespace.class)
class KubeletBasicsTest {
  private static final Duration RUN = Duration.ofSeconds(120);
  private static final String MANAGED = "# Kubernetes-managed hosts file.";

  private static PodBuilder pod(String ns, String name, String... command) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName(name).withImage("busybox").withCommand(command).endContainer().endSpec();
  }

  private static ContainerBuilder sleeper(String name) {
    return new ContainerBuilder().withName(name).withImage("busybox").withCommand("sleep", "900");
  }

  private static String log(String ns, String name) {
    return RealNode.client().pods().inNamespace(ns).withName(name).getLog();
  }

  private static String etcHosts(String ns, String pod, String container) {
    return Kubectl.stock().run("exec", pod, "-n", ns, "-c", container, "--", "cat", "/etc/hosts").ok().out();
  }

  @Test
  void kubeletBasics(String ns) {
    RealNode.client().resource(pod(ns, "bin-false", "/bin/false").build()).create();
    RealNode.client().resource(pod(ns, "busybox-readonly-fs", "/bin/sh", "-c", "echo test > /file; sleep 240")
        .editSpec().editFirstContainer().withNewSecurityContext().withReadOnlyRootFilesystem(true)
        .endSecurityContext().endContainer().endSpec().build()).create();
    RealNode.client().resource(pod(ns, "busybox-host-aliases", "/bin/sh", "-c", "cat /etc/hosts; sleep 6000")
        .editSpec().addNewHostAlias().withIp("123.45.67.89").withHostnames("foo", "bar").endHostAlias().endSpec()
        .build()).create();
    // upstream's test-pod: two containers with the kubelet's /etc/hosts, one with the node's mounted over it
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("test-pod").withNamespace(ns)
        .endMetadata().withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("host-etc-hosts").withNewHostPath().withPath("/etc/hosts").withType("File")
        .endHostPath().endVolume()
        .addToContainers(sleeper("busybox-1").build(), sleeper("busybox-2").build(), sleeper("busybox-3")
            .addNewVolumeMount().withName("host-etc-hosts").withMountPath("/etc/hosts").endVolumeMount().build())
        .endSpec().build()).create();
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("test-host-network-pod")
        .withNamespace(ns).endMetadata().withNewSpec().withNodeName(RealNode.name()).withHostNetwork(true)
        .withTerminationGracePeriodSeconds(1L).addToContainers(sleeper("busybox-1").build(),
            sleeper("busybox-2").build()).endSpec().build()).create();

    // a command that always fails: the pod can still be deleted
    Await.until(RUN, "bin-false has run and failed", () -> {
      Pod p = RealNode.pod(ns, "bin-false");
      return p.getStatus() != null && p.getStatus().getContainerStatuses() != null
          && p.getStatus().getContainerStatuses().stream().anyMatch(s -> s.getRestartCount() > 0
          || s.getState().getTerminated() != null || s.getLastState().getTerminated() != null);
    });
    RealNode.client().pods().inNamespace(ns).withName("bin-false").delete();
    Await.until(RUN, "bin-false deleted", () -> RealNode.pod(ns, "bin-false") == null);

    Await.until(RUN, "the read-only root filesystem refused the write", () -> log(ns, "busybox-readonly-fs")
        .contains("/bin/sh: can't create /file: Read-only file system"));
    Await.until(RUN, "hostAliases in /etc/hosts", () -> log(ns, "busybox-host-aliases")
        .contains("123.45.67.89\tfoo\tbar"));

    RealNode.awaitPhase(ns, "test-pod", "Running", RUN);
    RealNode.awaitPhase(ns, "test-host-network-pod", "Running", RUN);
    assertTrue(etcHosts(ns, "test-pod", "busybox-1").contains(MANAGED), "the kubelet's /etc/hosts");
    assertTrue(etcHosts(ns, "test-pod", "busybox-2").contains(MANAGED), "the kubelet's /etc/hosts");
    assertFalse(etcHosts(ns, "test-pod", "busybox-3").contains(MANAGED), "the container mounts its own");
    assertFalse(etcHosts(ns, "test-host-network-pod", "busybox-1").contains(MANAGED), "a hostNetwork pod");
    assertFalse(etcHosts(ns, "test-host-network-pod", "busybox-2").contains(MANAGED), "a hostNetwork pod");
  }
}

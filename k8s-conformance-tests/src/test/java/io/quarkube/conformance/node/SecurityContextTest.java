package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kubelet enforces {@code runAsNonRoot} itself, before the container exists; runAsUser, runAsGroup, privileged,
 * readOnlyRootFilesystem and sysctls reach the process (upstream's "Security Context" and "Sysctls" tests).
 */
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

  private static PodBuilder once(String ns, String name, String... command) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName(name).withImage("busybox").withCommand(command).endContainer().endSpec();
  }

  /** Waits for the pod to succeed; returns its log. */
  private static String succeeded(String ns, String name) {
    Await.until(Duration.ofSeconds(120), name + " succeeded", () -> {
      Pod p = RealNode.pod(ns, name);
      if (p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())) {
        throw new AssertionError(name + " failed: " + p.getStatus());
      }
      return p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase());
    });
    return RealNode.client().pods().inNamespace(ns).withName(name).getLog();
  }

  @Conformance("node.security-context")
  @Test
  void usersGroupsPrivilegesAndRootFilesystem(String ns) {
    var client = RealNode.client();
    client.resource(once(ns, "busybox-user-65534", "sh", "-c", "id -u").editSpec().editFirstContainer()
        .withSecurityContext(new SecurityContextBuilder().withRunAsUser(65534L).build()).endContainer().endSpec()
        .build()).create();
    client.resource(once(ns, "busybox-privileged-false", "sh", "-c", "ip link add dummy0 type dummy || true")
        .editSpec().editFirstContainer().withSecurityContext(new SecurityContextBuilder().withPrivileged(false)
            .build()).endContainer().endSpec().build()).create();
    client.resource(once(ns, "busybox-readonly-false", "sh", "-c", "echo checkpoint > /checkfile && cat /checkfile")
        .editSpec().editFirstContainer().withSecurityContext(new SecurityContextBuilder()
            .withReadOnlyRootFilesystem(false).build()).endContainer().endSpec().build()).create();
    client.resource(once(ns, "security-context-container", "id").editSpec().editFirstContainer()
        .withSecurityContext(new SecurityContextBuilder().withRunAsUser(1001L).withRunAsGroup(2002L).build())
        .endContainer().endSpec().build()).create();
    client.resource(once(ns, "security-context-pod", "id").editSpec().withNewSecurityContext().withRunAsUser(1001L)
        .withRunAsGroup(2002L).endSecurityContext().endSpec().build()).create();

    assertEquals("65534", succeeded(ns, "busybox-user-65534").trim());
    String privileged = succeeded(ns, "busybox-privileged-false");
    assertTrue(privileged.contains("Operation not permitted"), privileged);
    assertEquals("checkpoint", succeeded(ns, "busybox-readonly-false").trim());
    for (String name : java.util.List.of("security-context-container", "security-context-pod")) {
      String id = succeeded(ns, name);
      assertTrue(id.matches("(?s)uid=1001.*gid=2002.*"), name + ": " + id);
    }
  }

  @Conformance("node.sysctls")
  @Test
  void sysctlsReachThePodAndInvalidNamesAreRefused(String ns) {
    RealNode.client().resource(once(ns, "sysctl-shm-rmid-forced", "/bin/sysctl", "kernel.shm_rmid_forced")
        .editSpec().withNewSecurityContext().addNewSysctl("kernel.shm_rmid_forced", "1").endSecurityContext()
        .endSpec().build()).create();
    KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> RealNode.client()
        .resource(once(ns, "sysctl-invalid", "true").editSpec().withNewSecurityContext()
            .addNewSysctl("foo-", "bar").addNewSysctl("kernel.shmmax", "100000000")
            .addNewSysctl("safe-and-unsafe", "100000000").addNewSysctl("bar..", "42").endSecurityContext()
            .endSpec().build()).create());
    assertEquals(422, refused.getCode());
    String message = refused.getStatus().getMessage();
    assertTrue(message.contains("Invalid value: \"foo-\""), message);
    assertTrue(message.contains("Invalid value: \"bar..\""), message);
    assertFalse(message.contains("safe-and-unsafe"), message);
    assertFalse(message.contains("kernel.shmmax"), message);

    assertTrue(succeeded(ns, "sysctl-shm-rmid-forced").contains("kernel.shm_rmid_forced = 1"));
  }
}

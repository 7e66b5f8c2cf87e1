package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Container Runtime blackbox test on terminated container" cases, one pod each, run side by side: the
 * termination message comes from the file (also written by a non-root user at a custom path), and with
 * FallbackToLogsOnError from the log only when the container failed without writing the file.
 */
@Conformance("node.termination-message")
@ExtendWith(TestNamespace.class)
class TerminationMessagePolicyTest {
  private static final Duration RUN = Duration.ofSeconds(120);

  private static Pod pod(String ns, String name, String policy, String path, Long runAsUser, String script) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("termination-message-container").withImage("busybox")
        .withCommand("/bin/sh", "-c", script).withTerminationMessagePolicy(policy).withTerminationMessagePath(path)
        .withNewSecurityContext().withRunAsUser(runAsUser).endSecurityContext().endContainer().endSpec().build();
  }

  private static ContainerStateTerminated terminated(String ns, String name, String phase) {
    Pod p = RealNode.awaitPhase(ns, name, phase, RUN);
    return p.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }

  @Test
  void terminationMessages(String ns) {
    RealNode.client().resource(pod(ns, "non-root-custom-path", null, "/dev/termination-custom-log", 1000L,
        "/bin/echo -n DONE > /dev/termination-custom-log")).create();
    RealNode.client().resource(pod(ns, "fallback-failed", "FallbackToLogsOnError", null, null,
        "/bin/echo -n DONE; /bin/false")).create();
    RealNode.client().resource(pod(ns, "fallback-succeeded", "FallbackToLogsOnError", null, null,
        "/bin/echo -n DONE; /bin/true")).create();
    RealNode.client().resource(pod(ns, "fallback-file", "FallbackToLogsOnError", null, null,
        "/bin/echo -n OK > /dev/termination-log; /bin/true")).create();

    assertEquals("DONE", terminated(ns, "non-root-custom-path", "Succeeded").getMessage(),
        "uid 1000 writes the file at its custom path");
    assertEquals("DONE", terminated(ns, "fallback-failed", "Failed").getMessage(), "the log of a failed container");
    assertNull(terminated(ns, "fallback-succeeded", "Succeeded").getMessage(),
        "no message: the container succeeded, its log is not read");
    assertEquals("OK", terminated(ns, "fallback-file", "Succeeded").getMessage(), "the file wins over the log");
  }
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Liveness, readiness and startup probes on real containers: a failing liveness probe restarts the container (with
 * Unhealthy and Killing events), a failing readiness probe keeps the pod NotReady until it passes, a startup probe
 * holds liveness back until the container has started, and a startup probe that never passes restarts it.
 */
@Conformance({"node.probes"})
@ExtendWith(TestNamespace.class)
class ProbesTest {
  private static final Duration START = Duration.ofSeconds(60);

  private static PodBuilder pod(String ns, String name, String... command) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withCommand(command).endContainer().endSpec();
  }

  private static Probe exec(int failureThreshold, String... command) {
    return new ProbeBuilder().withNewExec().withCommand(command).endExec().withPeriodSeconds(1)
        .withFailureThreshold(failureThreshold).withTimeoutSeconds(5).build();
  }

  private static ContainerStatus main(Pod p) {
    return p.getStatus().getContainerStatuses().get(0);
  }

  private static List<Event> events(String ns, String reason) {
    return RealNode.client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  private static String condition(Pod p, String type) {
    return p.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).map(c -> c.getStatus())
        .findFirst().orElse(null);
  }

  @Test
  void failingLivenessProbeRestartsTheContainer(String ns) {
    RealNode.client().resource(pod(ns, "sick", "sleep", "3600").editSpec().editFirstContainer()
        .withLivenessProbe(exec(2, "cat", "/tmp/healthy")).endContainer().endSpec().build()).create();
    Await.until(START, "restartCount >= 2", () -> {
      Pod p = RealNode.pod(ns, "sick");
      return p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
          && main(p).getRestartCount() >= 2;
    });
    ContainerStatus status = main(RealNode.pod(ns, "sick"));
    assertTrue(status.getLastState().getTerminated() != null, "lastState.terminated: " + status.getLastState());
    Await.until(Duration.ofSeconds(20), "Unhealthy and Killing events", () ->
        events(ns, "Unhealthy").stream().anyMatch(e -> e.getMessage().startsWith("Liveness probe failed"))
            && events(ns, "Killing").stream().anyMatch(e -> e.getMessage()
            .equals("Container main failed liveness probe, will be restarted")));
    String described = Kubectl.stock().run("describe", "pod", "sick", "-n", ns).ok().out();
    assertTrue(described.contains("Liveness probe failed"), described);
  }

  @Test
  void failingReadinessProbeKeepsThePodNotReadyUntilItPasses(String ns) {
    RealNode.client().resource(pod(ns, "shy", "sleep", "3600").editSpec().editFirstContainer()
        .withReadinessProbe(exec(1, "cat", "/tmp/ready")).endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "shy", "Running", START);
    Await.until(Duration.ofSeconds(20), "a failed readiness probe", () ->
        events(ns, "Unhealthy").stream().anyMatch(e -> e.getMessage().startsWith("Readiness probe failed")));
    Pod p = RealNode.pod(ns, "shy");
    assertEquals("False", condition(p, "Ready"));
    assertEquals("False", condition(p, "ContainersReady"));
    assertFalse(main(p).getReady());
    assertEquals(0, main(p).getRestartCount(), "readiness never restarts");
    assertTrue(Kubectl.stock().run("get", "pod", "shy", "-n", ns).ok().out().contains("0/1"));

    Kubectl.stock().run("exec", "shy", "-n", ns, "--", "touch", "/tmp/ready").ok();
    Await.until(Duration.ofSeconds(20), "Ready once the probe passes", () -> {
      Pod now = RealNode.pod(ns, "shy");
      return "True".equals(condition(now, "Ready")) && main(now).getReady();
    });
  }

  @Test
  void httpAndTcpProbes(String ns) {
    RealNode.client().resource(pod(ns, "web", "httpd", "-f", "-p", "8080", "-h", "/var/www").editSpec()
        .editFirstContainer()
        .withReadinessProbe(new ProbeBuilder().withNewHttpGet().withPath("/").withPort(new IntOrString(8080))
            .endHttpGet().withPeriodSeconds(1).build())
        .withLivenessProbe(new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(8080)).endTcpSocket()
            .withPeriodSeconds(1).withFailureThreshold(1).build())
        .endContainer().endSpec().build()).create();
    Await.until(START, "ready through an httpGet probe", () -> {
      Pod p = RealNode.pod(ns, "web");
      return p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
          && main(p).getReady();
    });
    assertEquals(0, main(RealNode.pod(ns, "web")).getRestartCount(), "the tcpSocket liveness probe passes");

    // Nothing listens on 9090: the tcpSocket liveness probe fails and restarts the container.
    RealNode.client().resource(pod(ns, "deaf", "sleep", "3600").editSpec().editFirstContainer()
        .withLivenessProbe(new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(9090)).endTcpSocket()
            .withPeriodSeconds(1).withFailureThreshold(1).build())
        .endContainer().endSpec().build()).create();
    Await.until(START, "restarted by a failing tcpSocket probe", () -> {
      Pod p = RealNode.pod(ns, "deaf");
      return p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
          && main(p).getRestartCount() >= 1;
    });
  }

  @Test
  void startupProbeHoldsLivenessBack(String ns) {
    // Liveness would fail at once (no /tmp/started for 4 s); the startup probe keeps it from running until then.
    RealNode.client().resource(pod(ns, "slow", "sh", "-c", "sleep 4; touch /tmp/started; sleep 3600").editSpec()
        .editFirstContainer()
        .withStartupProbe(exec(30, "cat", "/tmp/started"))
        .withLivenessProbe(exec(1, "cat", "/tmp/started"))
        .endContainer().endSpec().build()).create();
    Await.until(START, "started", () -> {
      Pod p = RealNode.pod(ns, "slow");
      return p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
          && Boolean.TRUE.equals(main(p).getStarted()) && main(p).getReady();
    });
    assertEquals(0, main(RealNode.pod(ns, "slow")).getRestartCount());
    assertTrue(events(ns, "Unhealthy").stream().noneMatch(e -> e.getMessage().startsWith("Liveness")),
        "liveness never ran before the start");

    RealNode.client().resource(pod(ns, "never", "sleep", "3600").editSpec().editFirstContainer()
        .withStartupProbe(exec(2, "false")).endContainer().endSpec().build()).create();
    Await.until(START, "restarted by a failing startup probe", () -> {
      Pod p = RealNode.pod(ns, "never");
      return p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
          && main(p).getRestartCount() >= 1 && !Boolean.TRUE.equals(main(p).getStarted());
    });
    Await.until(Duration.ofSeconds(20), "Killing for the startup probe", () -> events(ns, "Killing").stream()
        .anyMatch(e -> e.getMessage().equals("Container main failed startup probe, will be restarted")));
  }
}

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
import java.time.Instant;
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

  private static Probe liveness(ProbeBuilder probe) {
    // a few seconds for the servers to listen: a single failure restarts
    return probe.withInitialDelaySeconds(5).withPeriodSeconds(1).withFailureThreshold(1).withTimeoutSeconds(5)
        .build();
  }

  private static Probe httpGet(String path) {
    return liveness(new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString(8080))
        .endHttpGet());
  }

  /** busybox httpd on 8080 serving /healthz, which it removes after {@code seconds} (-1: never). */
  private static String healthz(int seconds) {
    // only the removal in the background: httpd must find /www
    return "mkdir -p /www; echo ok > /www/healthz; " + (seconds < 0 ? "" : "(sleep " + seconds
        + "; rm /www/healthz) & ") + "exec httpd -f -p 8080 -h /www";
  }

  private static boolean started(Pod p) {
    return p != null && p.getStatus() != null && p.getStatus().getContainerStatuses() != null
        && !p.getStatus().getContainerStatuses().isEmpty() && main(p).getState().getRunning() != null;
  }

  /**
   * Upstream's "Probing container" tests but the gRPC ones (Quarkube's gRPC probe is a TCP connect) and the slow
   * monotonic restart count, their pods side by side: passing exec, httpGet and tcpSocket liveness probes (tcp on a
   * port whose HTTP answers 404) never restart their containers, a /healthz that starts failing after 10 s restarts
   * its container, and a readiness probe with an initial delay of 20 s makes the pod ready no sooner, never
   * restarting it. Upstream probes every 10 s and watches the passing ones for 4 minutes; here they probe every
   * second (more probes) and are watched at each poll for 30 s of running (and for as long as the other checks take).
   */
  @Test
  void livenessAndReadinessOfRunningContainers(String ns) {
    var client = RealNode.client();
    client.resource(pod(ns, "liveness-exec", "sh", "-c", "echo ok > /tmp/health; sleep 600").editSpec()
        .editFirstContainer().withLivenessProbe(liveness(new ProbeBuilder().withNewExec()
            .withCommand("cat", "/tmp/health").endExec())).endContainer().endSpec().build()).create();
    client.resource(pod(ns, "liveness-http", "sh", "-c", healthz(-1)).editSpec().editFirstContainer()
        .withLivenessProbe(httpGet("/healthz")).endContainer().endSpec().build()).create();
    client.resource(pod(ns, "liveness-tcp", "sh", "-c", healthz(0)).editSpec().editFirstContainer()
        .withLivenessProbe(liveness(new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(8080))
            .endTcpSocket())).endContainer().endSpec().build()).create();
    client.resource(pod(ns, "liveness-http-fails", "sh", "-c", healthz(10)).editSpec().editFirstContainer()
        .withLivenessProbe(httpGet("/healthz")).endContainer().endSpec().build()).create();
    client.resource(pod(ns, "readiness-delay", "sh", "-c", "echo ok > /tmp/health; sleep 600").editSpec()
        .editFirstContainer().withReadinessProbe(new ProbeBuilder().withNewExec().withCommand("cat", "/tmp/health")
            .endExec().withInitialDelaySeconds(20).withPeriodSeconds(1).build()).endContainer().endSpec().build())
        .create();

    Await.until(Duration.ofSeconds(120), "liveness-http-fails restarted once /healthz fails", () -> {
      Pod p = RealNode.pod(ns, "liveness-http-fails");
      return started(p) && main(p).getRestartCount() >= 1;
    });

    Await.until(Duration.ofSeconds(120), "readiness-delay ready", () -> {
      Pod p = RealNode.pod(ns, "readiness-delay");
      return started(p) && Boolean.TRUE.equals(main(p).getReady());
    });
    Pod ready = RealNode.pod(ns, "readiness-delay");
    Instant startedAt = Instant.parse(main(ready).getState().getRunning().getStartedAt());
    Instant readyAt = Instant.parse(ready.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow().getLastTransitionTime());
    assertTrue(!readyAt.isBefore(startedAt.plusSeconds(20)), "ready at " + readyAt + ", started at " + startedAt);
    assertEquals(0, main(ready).getRestartCount());

    for (String name : List.of("liveness-exec", "liveness-http", "liveness-tcp")) {
      Await.until(Duration.ofSeconds(120), name + " running for 30 s without a restart", () -> {
        Pod p = RealNode.pod(ns, name);
        if (!started(p)) {
          return false;
        }
        assertEquals(0, main(p).getRestartCount(), name + " was restarted");
        Instant since = Instant.parse(main(p).getState().getRunning().getStartedAt());
        return Instant.now().isAfter(since.plusSeconds(30));
      });
    }
    assertTrue(events(ns, "Unhealthy").stream().noneMatch(e -> !e.getInvolvedObject().getName()
        .equals("liveness-http-fails")), "only liveness-http-fails had failed probes");
  }
}

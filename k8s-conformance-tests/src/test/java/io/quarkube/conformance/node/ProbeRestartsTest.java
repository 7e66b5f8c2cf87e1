package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Probing container" liveness and readiness tests (test/e2e/common/node/container_probe.go) with
 * upstream's probe parameters: initialDelaySeconds 15 (5 for the restart count), the default period of 10 s, a
 * failureThreshold of 1 (5 for the web server's httpGet), timeouts of 5 s where upstream sets them. Upstream's
 * liveness server (a /healthz that fails after 10 s) is busybox httpd serving a /healthz file removed after 10 s, its
 * test-webserver busybox httpd on port 80, its gRPC server etcd (quarkube/etcd, which serves grpc.health.v1).
 *
 * <p>All pods run at once, so the test costs about as long as its slowest part, the five restarts with back-off.
 * Upstream watches the pods that must not restart for 4 minutes; here each is watched until its container has run
 * for {@link #CALM}: the initial delay plus three periods, so that its liveness probe ran and passed at least three
 * times, the first of them after the liveness server's /healthz went away (10 s) — when a broken probe (or one that
 * checks more than the port, for tcpSocket) would have failed and, with failureThreshold 1, restarted it. A probe
 * that passed three times passes for the same reasons later: nothing in these containers changes after 10 s.
 */
@ExtendWith(TestNamespace.class)
class ProbeRestartsTest {
  private static final Duration START = Duration.ofSeconds(120);
  /** initialDelaySeconds 15 + 3 periods of 10 s + 5 s for the kubelet to act on a failure and report it. */
  private static final Duration CALM = Duration.ofSeconds(15 + 3 * 10 + 5);
  /** Upstream's liveness server: /healthz answers 200 for 10 s, then 404; the port stays open. */
  private static final String LIVENESS_SERVER = "mkdir -p /www && echo ok >/www/healthz && "
      + "(httpd -f -p 8080 -h /www &) && sleep 10 && rm /www/healthz && sleep 600";

  private static Pod pod(String ns, String name, String image, Probe readiness, Probe liveness, String... command) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("test", "liveness")
        .endMetadata().withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("probed").withImage(image).withImagePullPolicy("IfNotPresent")
        .withCommand(command).withReadinessProbe(readiness).withLivenessProbe(liveness).endContainer().endSpec()
        .build();
  }

  private static ProbeBuilder probe(int initialDelay, Integer timeout, int failureThreshold) {
    return new ProbeBuilder().withInitialDelaySeconds(initialDelay).withTimeoutSeconds(timeout)
        .withFailureThreshold(failureThreshold);
  }

  private static Probe httpGet(String path, int port, int initialDelay, Integer timeout, int failureThreshold) {
    return probe(initialDelay, timeout, failureThreshold).withNewHttpGet().withPath(path)
        .withPort(new IntOrString(port)).endHttpGet().build();
  }

  private static Probe grpc(int port, int initialDelay) {
    return probe(initialDelay, 5, 1).withNewGrpc().withPort(port).endGrpc().build();
  }

  /** Upstream's gRPCServerPodSpec: etcd listening for clients on every address, port 2379. */
  private static Pod etcd(String ns, String name, Probe liveness) {
    return pod(ns, name, "quarkube/etcd:latest", null, liveness, "/usr/local/bin/etcd", "--listen-client-urls",
        "http://0.0.0.0:2379", "--advertise-client-urls", "http://127.0.0.1:2379");
  }

  private static ContainerStatus status(String ns, String name) {
    Pod p = RealNode.pod(ns, name);
    var statuses = p.getStatus().getContainerStatuses();
    return statuses == null || statuses.isEmpty() ? null : statuses.get(0);
  }

  private static Instant startedAt(ContainerStatus s) {
    return Instant.parse(s.getState().getRunning().getStartedAt());
  }

  @Conformance({"node.probes-restart-count", "node.probes-grpc"})
  @Test
  void livenessProbesRestartOnlyFailingContainers(String ns) {
    var client = RealNode.client();
    Map<String, Pod> calm = new LinkedHashMap<>();
    calm.put("exec", pod(ns, "exec", "busybox", null,
        probe(15, 5, 1).withNewExec().withCommand("cat", "/tmp/health").endExec().build(),
        "/bin/sh", "-c", "echo ok >/tmp/health; sleep 600"));
    calm.put("tcp", pod(ns, "tcp", "busybox", null,
        probe(15, null, 1).withNewTcpSocket().withPort(new IntOrString(8080)).endTcpSocket().build(),
        "sh", "-c", LIVENESS_SERVER));
    calm.put("http", pod(ns, "http", "busybox", null, httpGet("/", 80, 15, 5, 5),
        "httpd", "-f", "-p", "80", "-h", "/var/www"));
    calm.put("grpc", etcd(ns, "grpc", grpc(2379, 15)));
    Pod readiness = pod(ns, "readiness", "busybox", httpGet("/", 80, 15, null, 3), null,
        "httpd", "-f", "-p", "80", "-h", "/var/www");
    Pod healthz = pod(ns, "healthz", "busybox", null, httpGet("/healthz", 8080, 15, null, 1),
        "sh", "-c", LIVENESS_SERVER);
    Pod grpcWrongPort = etcd(ns, "grpc-wrong-port", grpc(2333, 60));
    Pod monotonic = pod(ns, "monotonic", "busybox", null, httpGet("/healthz", 8080, 5, null, 1),
        "sh", "-c", LIVENESS_SERVER);
    calm.values().forEach(p -> client.resource(p).create());
    List.of(readiness, healthz, grpcWrongPort, monotonic).forEach(p -> client.resource(p).create());

    // "should *not* be restarted with a exec "cat /tmp/health" / tcp:8080 / /healthz http / GRPC liveness probe"
    Map<String, String> firstContainer = new HashMap<>();
    Await.until(Duration.ofSeconds(240), "every calm container running for " + CALM + " without a restart", () -> {
      boolean all = true;
      for (String name : calm.keySet()) {
        ContainerStatus s = status(ns, name);
        if (s == null) {
          all = false;
          continue;
        }
        assertEquals(0, s.getRestartCount(), name + " was restarted: " + s);
        assertTrue(s.getState().getTerminated() == null, name + " ended: " + s);
        if (s.getState().getRunning() == null) {
          all = false;
          continue;
        }
        String before = firstContainer.putIfAbsent(name, s.getContainerID());
        assertTrue(before == null || before.equals(s.getContainerID()), name + " got another container: " + s);
        all &= Duration.between(startedAt(s), Instant.now()).compareTo(CALM) >= 0;
      }
      return all;
    });

    // "with readiness probe should not be ready before initial delay and never restart"
    Await.until(START, "readiness pod Ready", () -> {
      Pod p = RealNode.pod(ns, "readiness");
      return p.getStatus().getConditions().stream()
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    });
    Pod ready = RealNode.pod(ns, "readiness");
    PodCondition readyCondition = ready.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
    ContainerStatus webserver = ready.getStatus().getContainerStatuses().get(0);
    assertNotNull(webserver.getState().getRunning(), webserver.toString());
    Duration readyAfter = Duration.between(startedAt(webserver), Instant.parse(readyCondition.getLastTransitionTime()));
    assertTrue(readyAfter.compareTo(Duration.ofSeconds(15)) >= 0, "ready " + readyAfter + " after the start");
    assertEquals(0, webserver.getRestartCount());

    // "should be restarted with a /healthz http liveness probe" and "... with a GRPC liveness probe" (port 2333)
    for (String name : List.of("healthz", "grpc-wrong-port")) {
      Await.until(START, name + " restarted", () -> {
        ContainerStatus s = status(ns, name);
        return s != null && s.getRestartCount() >= 1;
      });
    }

    // "should have monotonically increasing restart count": five restarts, with upstream's back-off (10, 20, 40,
    // 80 s) between them
    int[] last = {0};
    Await.until(Duration.ofSeconds(420), "monotonic restarted 5 times", () -> {
      ContainerStatus s = status(ns, "monotonic");
      int count = s == null ? 0 : s.getRestartCount();
      assertTrue(count >= last[0], "restart count went down from " + last[0] + " to " + count);
      last[0] = count;
      return count >= 5;
    });
  }
}

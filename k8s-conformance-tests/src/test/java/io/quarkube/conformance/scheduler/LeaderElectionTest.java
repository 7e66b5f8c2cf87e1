package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two more scheduler processes (the real jar; the admin kubeconfig, as the scheduler's own may only hold the
 * {@code kube-scheduler} Lease) compete for a Lease of their own
 * and serve a profile of their own, so the cluster's scheduler is left alone. Killing the leader (SIGKILL: no release)
 * hands over to the standby once the lease expires, and scheduling continues. Short lease timings keep it quick;
 * the defaults are upstream's 15 s / 10 s / 2 s.
 */
@ExtendWith(TestNamespace.class)
class LeaderElectionTest {
  private final SimNodes sim = new SimNodes();
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void cleanUp() {
    processes.forEach(Process::destroyForcibly);
    sim.close();
    sim.client.leases().inNamespace("kube-system").withName("e2e-" + sim.group).delete();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private int start(Path config, String name) throws IOException {
    Path jar = Path.of(System.getProperty("user.dir")).resolveSibling("scheduler").resolve(
        "target/quarkus-app/quarkus-run.jar");
    assertTrue(Files.exists(jar), "the scheduler is built: " + jar);
    int port = freePort();
    Path log = Path.of("target", "scheduler-" + sim.group + "-" + name + ".log");
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-Dquarkube.kubeconfig=" + Cluster.kubeconfig(),
        "-Dquarkube.scheduler.config=" + config, "-Dquarkus.http.port=" + port, "-jar", jar.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    Await.until(Duration.ofSeconds(180), name + " ready on port " + port + " (log " + log + ")", () -> {
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " exited; see " + log);
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    });
    return port;
  }

  private String holder() {
    Lease l = sim.client.leases().inNamespace("kube-system").withName("e2e-" + sim.group).get();
    return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
  }

  @Conformance("scheduling.leader-election")
  @Test
  void killingTheLeaderHandsOverToTheStandby(String ns) throws Exception {
    String profile = "e2e-" + sim.group;
    Path config = Files.createTempFile("scheduler-config", ".yaml");
    Files.writeString(config, """
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        leaderElection:
          leaderElect: true
          leaseDuration: 4s
          renewDeadline: 3s
          retryPeriod: 500ms
          resourceNamespace: kube-system
          resourceName: %s
        profiles:
        - schedulerName: %s
        """.formatted(profile, profile));
    sim.create("n1", "4", "4Gi");

    start(config, "first");
    Await.until(Duration.ofSeconds(30), "the first instance holds the lease", () -> holder() != null);
    String first = holder();
    start(config, "second");
    sim.create(sim.pod(ns, "before", "100m").editSpec().withSchedulerName(profile).endSpec());
    sim.awaitBound(ns, "before");

    Process leader = processes.get(0);
    leader.destroyForcibly().waitFor();
    Await.until(Duration.ofSeconds(30), "the standby takes the lease", () -> holder() != null
        && !holder().equals(first));
    assertNotEquals(first, holder());
    sim.create(sim.pod(ns, "after", "100m").editSpec().withSchedulerName(profile).endSpec());
    sim.awaitBound(ns, "after");
    Files.deleteIfExists(config);
  }
}

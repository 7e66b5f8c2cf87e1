package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller manager runs only while it holds its Lease: the cluster's manager holds
 * {@code kube-system/kube-controller-manager}; two extra managers on a Lease of their own hand over when the active
 * one is killed (SIGKILL: no release), within the lease duration, and the standby then reconciles; a clean stop
 * (SIGTERM) releases the Lease, so the standby takes over at its next retry.
 */
class LeaderElectionTest {
  private final KubernetesClient client = Cluster.client();
  private final List<Process> started = new ArrayList<>();
  private String leaseName;

  @AfterEach
  void stopManagers() {
    started.forEach(Process::destroyForcibly);
    if (leaseName != null) {
      client.leases().inNamespace("kube-system").withName(leaseName).delete();
    }
  }

  @Conformance("apps.controller-manager-leader-election")
  @Test
  void clusterManagerHoldsAndRenewsItsLease() {
    Await.until(Duration.ofSeconds(30), "Lease kube-system/kube-controller-manager held", () -> {
      Lease l = client.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
      return l != null && l.getSpec().getHolderIdentity() != null && l.getSpec().getRenewTime() != null;
    });
    ZonedDateTime first = client.leases().inNamespace("kube-system").withName("kube-controller-manager").get()
        .getSpec().getRenewTime();
    Await.until(Duration.ofSeconds(30), "the Lease renewed",
        () -> client.leases().inNamespace("kube-system").withName("kube-controller-manager").get().getSpec()
            .getRenewTime().isAfter(first));
  }

  @Conformance("apps.controller-manager-leader-election")
  @Test
  void standbyTakesOverWithinTheLeaseDuration() throws Exception {
    leaseName = "e2e-handover-" + UUID.randomUUID().toString().substring(0, 6);
    int portA = freePort();
    int portB = freePort();
    Process a = startManager("a-" + leaseName, portA);
    Await.until(Duration.ofSeconds(180), "manager A leads",
        () -> holder() != null && holder().equals("a-" + leaseName));
    Process b = startManager("b-" + leaseName, portB);
    Await.until(Duration.ofSeconds(180), "manager B up (standby)", () -> get(portB, "/healthz").contains("ok"));
    // The gauge is registered once B has joined the election, which can be a moment after /healthz answers.
    Await.until(Duration.ofSeconds(30), "B reports itself a standby",
        () -> get(portB, "/metrics").contains("leader_election_master_status{name=\"" + leaseName + "\"} 0.0"));
    assertTrue(holder().equals("a-" + leaseName), "B does not take a held Lease");

    long killedAt = System.nanoTime();
    a.destroyForcibly().waitFor();
    // Lease 6 s: B acquires once the record is older than that, trying every second.
    Await.until(Duration.ofSeconds(20), "B takes over", () -> ("b-" + leaseName).equals(holder()));
    Duration handover = Duration.ofNanos(System.nanoTime() - killedAt);
    assertTrue(handover.compareTo(Duration.ofSeconds(6 + 1 + 5)) < 0, "handover took " + handover);
    Await.until(Duration.ofSeconds(30), "B reconciles", () -> {
      String metrics = get(portB, "/metrics");
      return metrics.contains("leader_election_master_status{name=\"" + leaseName + "\"} 1.0")
          && metrics.lines().anyMatch(l -> l.startsWith(
              "controller_reconcile_duration_seconds_count{controller=\"serviceaccount\",result=\"success\"}")
              && !l.endsWith(" 0.0"));
    });
    assertNotNull(b);
  }

  @Conformance("apps.controller-manager-leader-election")
  @Test
  void aCleanStopReleasesTheLeaseSoTheStandbyTakesOverAtOnce() throws Exception {
    leaseName = "e2e-release-" + UUID.randomUUID().toString().substring(0, 6);
    // A long lease: a standby that had to wait for it to run out would need a minute.
    Process a = startManager("a-" + leaseName, freePort(), "60s", "40s", "1s");
    Await.until(Duration.ofSeconds(180), "manager A leads",
        () -> holder() != null && holder().equals("a-" + leaseName));
    int portB = freePort();
    startManager("b-" + leaseName, portB, "60s", "40s", "1s");
    Await.until(Duration.ofSeconds(180), "B reports itself a standby",
        () -> get(portB, "/metrics").contains("leader_election_master_status{name=\"" + leaseName + "\"} 0.0"));

    a.destroy(); // SIGTERM: a clean stop, which releases the Lease (its duration set to 1 s)
    assertTrue(a.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "A stops on SIGTERM");
    Await.until(Duration.ofSeconds(20), "B takes over well before the 60 s lease would have run out",
        () -> ("b-" + leaseName).equals(holder()));
  }

  private String holder() {
    Lease l = client.leases().inNamespace("kube-system").withName(leaseName).get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  private Process startManager(String identity, int port) throws IOException {
    return startManager(identity, port, "6s", "4s", "1s");
  }

  private Process startManager(String identity, int port, String lease, String renew, String retry)
      throws IOException {
    Path state = Path.of(System.getProperty("quarkube.state-dir"));
    Path jar = controllersJar();
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        // The admin's credentials: RBAC lets the controller manager's own user renew only its real Lease.
        "-Dquarkube.kubeconfig=" + state.resolve("admin.kubeconfig"),
        "-Dquarkus.http.port=" + port,
        "-Dquarkube.controllers=serviceaccount",
        "-Dquarkube.controllers.leader-elect.name=" + leaseName,
        "-Dquarkube.controllers.leader-elect.identity=" + identity,
        "-Dquarkube.controllers.leader-elect.lease-duration=" + lease,
        "-Dquarkube.controllers.leader-elect.renew-deadline=" + renew,
        "-Dquarkube.controllers.leader-elect.retry-period=" + retry,
        "-jar", jar.toString());
    Path log = Files.createTempFile("controllers-" + identity, ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    started.add(p);
    return p;
  }

  private static Path controllersJar() {
    String configured = System.getProperty("quarkube.controllers.jar");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.dir")).resolve("../controllers/target/quarkus-app/quarkus-run.jar")
        .normalize();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String get(int port, String path) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}

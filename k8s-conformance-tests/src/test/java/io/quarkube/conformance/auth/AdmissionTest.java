package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Admission and storage protections against the running cluster: terminating namespaces, quotas under concurrent
 * creates, Pod Security, secrets encrypted in etcd, and the audit trail.
 */
@ExtendWith(TestNamespace.class)
class AdmissionTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private static Pod pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withTerminationGracePeriodSeconds(0L).addNewContainer().withName("main").withImage("busybox")
        .withCommand("sleep", "3600").endContainer().endSpec().build();
  }

  @Conformance({"auth.admission", "api-machinery.namespace-deletion"})
  @Test
  void nothingIsCreatedInATerminatingNamespace() {
    String ns = "e2e-terminating-" + UUID.randomUUID().toString().substring(0, 6);
    kubectl.run("create", "namespace", ns).ok();
    kubectl.runWithInput("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"hold\","
        + "\"namespace\":\"" + ns + "\",\"finalizers\":[\"e2e.quarkube.io/hold\"]}}", "create", "-f", "-").ok();
    try {
      kubectl.run("delete", "namespace", ns, "--wait=false").ok();
      Kubectl.Result r = kubectl.run("create", "configmap", "late", "-n", ns).fails();
      assertTrue(r.err().contains("configmaps \"late\" is forbidden: unable to create new content in namespace "
          + ns + " because it is being terminated"), r.err());
      // With upstream's cause, which controllers read to stop retrying.
      io.fabric8.kubernetes.client.KubernetesClientException e = org.junit.jupiter.api.Assertions.assertThrows(
          io.fabric8.kubernetes.client.KubernetesClientException.class, () -> Cluster.client().configMaps()
              .inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                  .withName("late").endMetadata().build()).create());
      assertTrue(e.getStatus().getDetails().getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(
          c.getReason()) && "metadata.namespace".equals(c.getField())), e.getStatus().toString());
    } finally {
      kubectl.run("patch", "configmap", "hold", "-n", ns, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
    }
  }

  @Conformance({"api-machinery.resource-quota", "auth.admission"})
  @Test
  void tenConcurrentCreatesNeverExceedTheQuota(String ns) throws Exception {
    kubectl.run("create", "quota", "q", "--hard=pods=3,configmaps=20", "-n", ns).ok();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    int created = 0;
    List<String> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      List<Callable<Boolean>> creates = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String name = "racer-" + i;
        creates.add(() -> {
          try {
            client.pods().inNamespace(ns).resource(pod(name)).create();
            return true;
          } catch (KubernetesClientException e) {
            assertEquals(403, e.getCode(), e.getMessage());
            refusals.add(e.getMessage());
            return false;
          }
        });
      }
      for (Future<Boolean> f : pool.invokeAll(creates)) {
        created += f.get() ? 1 : 0;
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(3, created, "exactly the quota's worth of pods");
    assertEquals(3, client.pods().inNamespace(ns).list().getItems().size());
    assertTrue(refusals.stream().allMatch(m -> m.contains("exceeded quota: q")), refusals.toString());
    // admission charged the quota as it admitted; the quota controller's own recount (from its informer, which may
    // not have seen every pod yet) can write a lower figure for a moment before it catches up, as upstream's can
    Await.until(Duration.ofSeconds(30), "kubectl describe shows the quota's 3 of 3 pods used", () -> kubectl.run(
        "describe", "quota", "q", "-n", ns).ok().out().matches("(?s).*pods\\s+3\\s+3.*"));
  }

  @Conformance("auth.admission")
  @Test
  void restrictedPodSecurityRejectsAPrivilegedPod(String ns) {
    kubectl.run("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted").ok();
    Kubectl.Result r = kubectl.runWithInput("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"root","namespace":"%s"},"spec":{"containers":[
         {"name":"c","image":"busybox","securityContext":{"privileged":true}}]}}""".formatted(ns),
        "create", "-f", "-").fails();
    assertTrue(r.err().contains("Error from server (Forbidden)") && r.err().contains("pods \"root\" is forbidden: "
        + "violates PodSecurity \"restricted:latest\": ") && r.err().contains("privileged (container \"c\" must not "
        + "set securityContext.privileged=true)"), r.err());
    kubectl.run("label", "namespace", ns, "--overwrite", "pod-security.kubernetes.io/enforce=baseline",
        "pod-security.kubernetes.io/warn=restricted").ok();
    Kubectl.Result warned = kubectl.run("run", "plain", "-n", ns, "--image=busybox", "--", "sleep", "3600").ok();
    assertTrue(warned.err().contains("Warning: would violate PodSecurity \"restricted:latest\""), warned.err());
  }

  @Conformance("auth.admission")
  @Test
  void secretsAreNotReadableInRawEtcd(String ns) throws Exception {
    kubectl.run("create", "secret", "generic", "db", "--from-literal=password=s3cr3t-e2e-value", "-n", ns).ok();
    assertEquals("s3cr3t-e2e-value", new String(java.util.Base64.getDecoder().decode(kubectl.run("get", "secret",
        "db", "-n", ns, "-o", "jsonpath={.data.password}").ok().out().strip()), StandardCharsets.UTF_8));
    String raw = io.quarkube.conformance.Cluster.etcdctl("get", "/registry/secrets/" + ns + "/db",
        "--print-value-only");
    assertTrue(raw.startsWith("k8s:enc:aesgcm:v1:"), raw.substring(0, Math.min(40, raw.length())));
    assertFalse(raw.contains("s3cr3t-e2e-value"));
    assertFalse(raw.contains(java.util.Base64.getEncoder().encodeToString("s3cr3t-e2e-value".getBytes())));
  }

  @Conformance("auth.admission")
  @Test
  void theAuditLogRecordsWhoDidWhat(String ns) throws Exception {
    kubectl.run("create", "configmap", "audited", "-n", ns).ok();
    kubectl.run("get", "configmaps", "-n", ns, "--as", "eve").fails();
    Path log = Identities.stateDir().resolve("logs/audit.log");
    Await.until(Duration.ofSeconds(60), "audit events for " + ns, () -> {
      try {
        List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains("\"namespace\":\"" + ns + "\""))
            .toList();
        return lines.stream().anyMatch(l -> l.contains("\"verb\":\"create\"") && l.contains("\"name\":\"audited\"")
            || l.contains("\"resource\":\"configmaps\"") && l.contains("\"code\":201"))
            && lines.stream().anyMatch(l -> l.contains("\"impersonatedUser\":{\"username\":\"eve\"")
                && l.contains("\"code\":403"));
      } catch (java.io.IOException e) {
        return false;
      }
    });
  }

  @Conformance("auth.admission")
  @Test
  void longRunningRequestsAreAuditedWhenTheyStartAndWhenTheyEnd(String ns) throws Exception {
    // A chunked watch that the server ends after a second, and a WebSocket watch (Fabric8's) that the client closes.
    kubectl.run("get", "--raw", "/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=1").ok();
    Path log = Identities.stateDir().resolve("logs/audit.log");
    try (io.fabric8.kubernetes.client.Watch w = client.configMaps().inNamespace(ns).watch(
        new io.fabric8.kubernetes.client.Watcher<>() {
          @Override
          public void eventReceived(Action action, io.fabric8.kubernetes.api.model.ConfigMap resource) {}

          @Override
          public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
        })) {
      // Closed only once the server has upgraded it (its ResponseStarted event is there).
      Await.until(Duration.ofSeconds(60), "the WebSocket watch of " + ns + " started", () -> readLines(log).stream()
          .anyMatch(l -> l.contains("\"namespace\":\"" + ns + "\"") && l.contains("\"verb\":\"watch\"")
              && l.contains("\"stage\":\"ResponseStarted\"") && l.contains("\"code\":101")));
    }
    Await.until(Duration.ofSeconds(60), "both stages of both watches of " + ns, () -> {
      List<String> watches = readLines(log).stream().filter(l -> l.contains("\"namespace\":\"" + ns + "\"")
          && l.contains("\"verb\":\"watch\"")).toList();
      return List.of("\"stage\":\"ResponseStarted\"", "\"stage\":\"ResponseComplete\"").stream().allMatch(stage ->
          watches.stream().anyMatch(l -> l.contains(stage) && l.contains("\"code\":200"))
              && watches.stream().anyMatch(l -> l.contains(stage) && l.contains("\"code\":101")));
    });
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

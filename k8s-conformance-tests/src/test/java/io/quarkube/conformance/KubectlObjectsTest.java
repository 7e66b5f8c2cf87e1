package io.quarkube.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Everyday object work with stock kubectl: the foundation issue's end-to-end acceptance. */
@ExtendWith(TestNamespace.class)
class KubectlObjectsTest {
  private final Kubectl kubectl = Kubectl.stock();

  private static final String CONFIGMAP = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        labels:
          app: demo
      data:
        color: blue
      """;

  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels:
          app: web
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
            - name: nginx
              image: registry.local/nginx:1.25
              ports:
              - containerPort: 80
      """;

  @Conformance("cli.get-formats")
  @Test
  void createGetInEveryOutputFormat(String ns) {
    kubectl.runWithInput(CONFIGMAP, "create", "-n", ns, "-f", "-").ok();
    String table = kubectl.run("get", "configmap", "settings", "-n", ns).ok().out();
    assertTrue(table.startsWith("NAME"), table);
    assertTrue(table.contains("settings") && table.contains("DATA") && table.contains("AGE"), table);
    String yaml = kubectl.run("get", "cm", "settings", "-n", ns, "-o", "yaml").ok().out();
    assertTrue(yaml.contains("color: blue") && yaml.contains("resourceVersion:") && yaml.contains("uid:"), yaml);
    String json = kubectl.run("get", "configmaps/settings", "-n", ns, "-o", "json").ok().out();
    assertTrue(json.contains("\"kind\": \"ConfigMap\""), json);
    assertEquals("configmap/settings", kubectl.run("get", "cm", "-n", ns, "-l", "app=demo", "-o", "name").ok().out()
        .trim());
    assertEquals("blue", kubectl.run("get", "cm", "settings", "-n", ns, "-o", "jsonpath={.data.color}").ok().out());
    String wide = kubectl.run("get", "cm", "-n", ns, "-o", "wide", "-l", "app=demo").ok().out();
    assertTrue(wide.contains("settings"), wide);
    assertTrue(kubectl.run("get", "cm", "-n", ns, "-l", "app=other").err().contains("No resources found"));
  }

  @Conformance("cli.label")
  @Test
  void labelAnnotateDescribeAndDelete(String ns) {
    kubectl.runWithInput(CONFIGMAP, "apply", "-n", ns, "-f", "-").ok();
    kubectl.run("label", "cm", "settings", "-n", ns, "tier=backend").ok();
    kubectl.run("annotate", "cm", "settings", "-n", ns, "note=hello").ok();
    ConfigMap cm = Cluster.client().configMaps().inNamespace(ns).withName("settings").get();
    assertEquals("backend", cm.getMetadata().getLabels().get("tier"));
    assertEquals("hello", cm.getMetadata().getAnnotations().get("note"));
    kubectl.run("label", "cm", "settings", "-n", ns, "tier-").ok();
    assertNull(Cluster.client().configMaps().inNamespace(ns).withName("settings").get().getMetadata().getLabels()
        .get("tier"));
    String described = kubectl.run("describe", "cm", "settings", "-n", ns).ok().out();
    assertTrue(described.contains("Name:") && described.contains("settings") && described.contains("color"),
        described);
    kubectl.run("delete", "cm", "settings", "-n", ns).ok();
    assertNull(Cluster.client().configMaps().inNamespace(ns).withName("settings").get());
    String notFound = kubectl.run("get", "cm", "settings", "-n", ns).fails().err();
    assertTrue(notFound.contains("Error from server (NotFound): configmaps \"settings\" not found"), notFound);
  }

  @Conformance("cli.apply")
  @Test
  void createSubcommandsSendingProtobuf(String ns) {
    kubectl.run("create", "configmap", "plain", "-n", ns, "--from-literal=a=1").ok();
    kubectl.run("create", "secret", "generic", "creds", "-n", ns, "--from-literal=password=s3cret").ok();
    kubectl.run("create", "deployment", "app", "-n", ns, "--image=registry.local/nginx:1.25", "--replicas=3").ok();
    assertEquals("1", Cluster.client().configMaps().inNamespace(ns).withName("plain").get().getData().get("a"));
    assertEquals("czNjcmV0", Cluster.client().secrets().inNamespace(ns).withName("creds").get().getData()
        .get("password"));
    Deployment d = Cluster.client().apps().deployments().inNamespace(ns).withName("app").get();
    assertEquals(3, d.getSpec().getReplicas());
    String other = "e2e-created-" + Long.toHexString(System.nanoTime());
    kubectl.run("create", "namespace", other).ok();
    assertNotNull(Cluster.client().namespaces().withName(other).get());
    kubectl.run("delete", "namespace", other, "--wait=false").ok();
  }

  @Conformance({"apps.scale-subresource", "cli.get-formats"})
  @Test
  void scaleADeployment(String ns) {
    kubectl.runWithInput(DEPLOYMENT, "create", "-n", ns, "-f", "-").ok();
    kubectl.run("scale", "deployment", "web", "-n", ns, "--replicas=5").ok();
    assertEquals(5, Cluster.client().apps().deployments().inNamespace(ns).withName("web").get().getSpec()
        .getReplicas());
    String table = kubectl.run("get", "deploy", "-n", ns).ok().out();
    assertTrue(table.contains("READY") && table.contains("UP-TO-DATE") && table.contains("web"), table);
    String all = kubectl.run("get", "all", "-n", ns).ok().out();
    assertTrue(all.contains("deployment.apps/web"), all);
  }

  @Conformance("cli.get-formats")
  @Test
  void watchSeesAChange(String ns) throws Exception {
    kubectl.runWithInput(CONFIGMAP, "create", "-n", ns, "-f", "-").ok();
    Process watch = kubectl.start("get", "cm", "-n", ns, "-w", "--output-watch-events");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (Exception ignored) {
        // the process was stopped
      }
    });
    reader.start();
    try {
      awaitLine(lines, "settings", Duration.ofSeconds(30));
      kubectl.run("label", "cm", "settings", "-n", ns, "changed=yes").ok();
      String modified = awaitLine(lines, "MODIFIED", Duration.ofSeconds(30));
      assertTrue(modified.contains("settings"), modified);
    } finally {
      watch.destroy();
      watch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Conformance("api-machinery.finalizers")
  @Test
  void finalizersHoldDeletion(String ns) {
    String held = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: held
          finalizers:
          - example.com/hold
        """;
    kubectl.runWithInput(held, "create", "-n", ns, "-f", "-").ok();
    kubectl.run("delete", "cm", "held", "-n", ns, "--wait=false").ok();
    ConfigMap cm = Cluster.client().configMaps().inNamespace(ns).withName("held").get();
    assertNotNull(cm.getMetadata().getDeletionTimestamp());
    kubectl.run("patch", "cm", "held", "-n", ns, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}").ok();
    assertNull(Cluster.client().configMaps().inNamespace(ns).withName("held").get());
  }

  @Conformance("api-machinery.validation-errors")
  @Test
  void malformedInputGetsAStatus(String ns) {
    String bad = kubectl.runWithInput("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"Bad_Name\"}}",
        "create", "-n", ns, "-f", "-").fails().err();
    assertTrue(bad.contains("is invalid") && bad.contains("metadata.name"), bad);
    kubectl.runWithInput(CONFIGMAP, "create", "-n", ns, "-f", "-").ok();
    String again = kubectl.runWithInput(CONFIGMAP, "create", "-n", ns, "-f", "-").fails().err();
    assertTrue(again.contains("AlreadyExists") && again.contains("already exists"), again);
    String port = kubectl.runWithInput("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"ports":[{"port":70000}]}}""",
        "create", "-n", ns, "-f", "-").fails().err();
    assertTrue(port.contains("spec.ports[0].port") && port.contains("must be between 1 and 65535"), port);
  }

  @Conformance({"cli.api-versions", "cli.cluster-info"})
  @Test
  void discoveryCommands() {
    String resources = kubectl.run("api-resources").ok().out();
    for (String expected : List.of("pods", "deployments", "namespaces", "configmaps", "leases", "endpointslices")) {
      assertTrue(resources.contains(expected), resources);
    }
    assertTrue(resources.lines().anyMatch(l -> l.startsWith("deployments") && l.contains("deploy")
        && l.contains("apps/v1") && l.contains("true") && l.contains("Deployment")), resources);
    String versions = kubectl.run("api-versions").ok().out();
    assertTrue(versions.contains("apps/v1") && versions.contains("v1") && versions.contains("batch/v1"), versions);
    String info = kubectl.run("cluster-info").ok().out();
    assertTrue(info.contains("Kubernetes control plane") && info.contains("is running at"), info);
  }

  private static String awaitLine(BlockingQueue<String> lines, String needle, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null) {
        break;
      }
      seen.append(line).append('\n');
      if (line.contains(needle)) {
        return line;
      }
    }
    throw new AssertionError("no line with " + needle + " in:\n" + seen);
  }
}

package io.quarkube.conformance.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.KubectlVersions;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Upstream's kubectl conformance commands, each run with every kubectl installed on the machine (1.27 … 1.33).
 * Pods here use a scheduler that does not exist, so they stay Pending: the commands are about the API objects.
 */
@ExtendWith(TestNamespace.class)
class KubectlSmokeTest {
  static final String UNSCHEDULED = "quarkube-e2e-unscheduled";
  private final KubernetesClient client = Cluster.client();

  private static String pod(String name, String image) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, labels: {app: %s}}
        spec:
          schedulerName: %s
          containers: [{name: main, image: %s, ports: [{containerPort: 6379}]}]
        """.formatted(name, name, UNSCHEDULED, image);
  }

  private static final String RC = """
      apiVersion: v1
      kind: ReplicationController
      metadata: {name: primary, labels: {app: primary}}
      spec:
        replicas: 2
        selector: {app: primary}
        template:
          metadata: {labels: {app: primary}}
          spec:
            schedulerName: %s
            containers: [{name: primary, image: registry.local/agnhost:2.0, ports: [{containerPort: 6379}]}]
      """.formatted(UNSCHEDULED);

  private List<Pod> rcPods(String ns) {
    return client.pods().inNamespace(ns).withLabel("app", "primary").list().getItems();
  }

  @Conformance("cli.api-versions")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void apiVersionsListsV1(Kubectl kubectl) {
    List<String> versions = kubectl.run("api-versions").ok().out().lines().toList();
    assertTrue(versions.contains("v1") && versions.contains("apps/v1") && versions.contains("batch/v1"),
        versions.toString());
  }

  @Conformance("cli.version")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void versionPrintsClientAndServer(Kubectl kubectl) {
    String json = kubectl.run("version", "-o", "json").ok().out();
    assertTrue(json.contains("\"clientVersion\"") && json.contains("\"serverVersion\""), json);
    assertTrue(json.contains("\"gitVersion\": \"v" + kubectl.version()), "client is " + kubectl + ": " + json);
    assertTrue(json.matches("(?s).*\"serverVersion\": \\{.*\"major\": \"1\",.*\"minor\": \"\\d+\".*"), json);
    String plain = kubectl.run("version").ok().out();
    assertTrue(plain.contains("Client Version") && plain.contains("Server Version"), plain);
  }

  @Conformance("cli.describe")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void describePodRcServiceNodeAndNamespace(Kubectl kubectl, String ns) {
    kubectl.runWithInput(RC, "create", "-n", ns, "-f", "-").ok();
    kubectl.run("expose", "rc", "primary", "-n", ns, "--port=6379", "--target-port=6379", "--name=primary").ok();
    Await.until(Duration.ofSeconds(30), "2 pods", () -> rcPods(ns).size() == 2);
    // The controller writes status.replicas after it has created the pods; describe reads that status.
    Await.until(Duration.ofSeconds(30), "rc status.replicas 2", () -> {
      var status = client.replicationControllers().inNamespace(ns).withName("primary").get().getStatus();
      return status != null && Integer.valueOf(2).equals(status.getReplicas());
    });
    String podName = rcPods(ns).get(0).getMetadata().getName();

    String pod = kubectl.run("describe", "pod", podName, "-n", ns).ok().out();
    for (String s : List.of("Name:", podName, "Namespace:", ns, "Labels:", "app=primary", "Status:", "Pending",
        "Controlled By:", "ReplicationController/primary", "Image:", "registry.local/agnhost:2.0")) {
      assertTrue(pod.contains(s), s + " in:\n" + pod);
    }
    String rc = kubectl.run("describe", "rc", "primary", "-n", ns).ok().out();
    for (String s : List.of("Name:", "primary", "Selector:", "app=primary", "Replicas:", "2 current / 2 desired",
        "Pods Status:", "Events:")) {
      assertTrue(rc.contains(s), s + " in:\n" + rc);
    }
    String svc = kubectl.run("describe", "service", "primary", "-n", ns).ok().out();
    for (String s : List.of("Name:", "primary", "Selector:", "app=primary", "Type:", "ClusterIP", "Port:",
        "6379/TCP", "TargetPort:")) {
      assertTrue(svc.contains(s), s + " in:\n" + svc);
    }
    String nodeName = client.nodes().list().getItems().get(0).getMetadata().getName();
    String node = kubectl.run("describe", "node", nodeName).ok().out();
    for (String s : List.of("Name:", nodeName, "Labels:", "Conditions:", "Capacity:", "Allocatable:",
        "System Info:")) {
      assertTrue(node.contains(s), s + " in:\n" + node);
    }
    String namespace = kubectl.run("describe", "namespace", ns).ok().out();
    for (String s : List.of("Name:", ns, "Status:", "Active")) {
      assertTrue(namespace.contains(s), s + " in:\n" + namespace);
    }
  }

  @Conformance("cli.label")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void labelAddSelectRemove(Kubectl kubectl, String ns) {
    kubectl.runWithInput(pod("pause", "registry.local/pause:3.9"), "create", "-n", ns, "-f", "-").ok();
    kubectl.run("label", "pods", "pause", "testing-label=testing-label-value", "-n", ns).ok();
    String shown = kubectl.run("get", "pod", "pause", "-L", "testing-label", "-n", ns).ok().out();
    assertTrue(shown.contains("TESTING-LABEL") && shown.contains("testing-label-value"), shown);
    assertEquals("pod/pause", kubectl.run("get", "pods", "-l", "testing-label=testing-label-value", "-o", "name",
        "-n", ns).ok().out().strip());
    kubectl.run("label", "pods", "pause", "testing-label-", "-n", ns).ok();
    String after = kubectl.run("get", "pod", "pause", "-L", "testing-label", "-n", ns).ok().out();
    assertTrue(!after.contains("testing-label-value"), after);
  }

  @Conformance("cli.patch")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void patchAddsAnnotationsToTheRcsPods(Kubectl kubectl, String ns) {
    kubectl.runWithInput(RC, "create", "-n", ns, "-f", "-").ok();
    Await.until(Duration.ofSeconds(30), "2 pods", () -> rcPods(ns).size() == 2);
    for (Pod p : rcPods(ns)) {
      kubectl.run("patch", "pod", p.getMetadata().getName(), "-n", ns, "-p",
          "{\"metadata\":{\"annotations\":{\"x\":\"y\"}}}").ok();
    }
    List<Pod> patched = rcPods(ns);
    assertEquals(2, patched.size());
    for (Pod p : patched) {
      assertEquals("y", p.getMetadata().getAnnotations().get("x"), p.getMetadata().getName());
    }
  }

  @Conformance("cli.replace")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void replaceUpdatesThePodsImage(Kubectl kubectl, String ns) {
    kubectl.runWithInput(pod("httpd", "registry.local/httpd:2.4"), "create", "-n", ns, "-f", "-").ok();
    String json = kubectl.run("get", "pod", "httpd", "-n", ns, "-o", "json").ok().out();
    kubectl.runWithInput(json.replace("registry.local/httpd:2.4", "registry.local/busybox:1.36"), "replace", "-f",
        "-").ok();
    assertEquals("registry.local/busybox:1.36", client.pods().inNamespace(ns).withName("httpd").get().getSpec()
        .getContainers().get(0).getImage());
    String uid = client.pods().inNamespace(ns).withName("httpd").get().getMetadata().getUid();
    kubectl.runWithInput(pod("httpd", "registry.local/httpd:2.5"), "replace", "--force", "--grace-period=0", "-n",
        ns, "-f", "-").ok();
    Pod recreated = client.pods().inNamespace(ns).withName("httpd").get();
    assertNotEquals(uid, recreated.getMetadata().getUid(), "--force deletes and creates the pod again");
    assertEquals("registry.local/httpd:2.5", recreated.getSpec().getContainers().get(0).getImage());
  }

  @Conformance("cli.run-never")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void runWithRestartNeverCreatesOnePod(Kubectl kubectl, String ns) {
    kubectl.run("run", "e2e-test-httpd-pod", "--restart=Never", "--image=registry.local/httpd:2.4", "-n", ns,
        "--overrides={\"spec\":{\"schedulerName\":\"" + UNSCHEDULED + "\"}}").ok();
    Pod p = client.pods().inNamespace(ns).withName("e2e-test-httpd-pod").get();
    assertEquals("Never", p.getSpec().getRestartPolicy());
    assertEquals("registry.local/httpd:2.4", p.getSpec().getContainers().get(0).getImage());
    assertEquals(1, client.pods().inNamespace(ns).list().getItems().size());
  }

  @Conformance("cli.patch-dry-run")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void serverSideDryRunPatchChangesNothing(Kubectl kubectl, String ns) {
    kubectl.run("run", "e2e-test-httpd-pod", "--image=registry.local/httpd:2.4", "-n", ns,
        "--overrides={\"spec\":{\"schedulerName\":\"" + UNSCHEDULED + "\"}}").ok();
    String patched = kubectl.run("patch", "pod", "e2e-test-httpd-pod", "-n", ns, "--dry-run=server", "-o",
        "jsonpath={.spec.containers[0].image}", "-p",
        "{\"spec\":{\"containers\":[{\"name\":\"e2e-test-httpd-pod\",\"image\":\"registry.local/busybox:1.36\"}]}}")
        .ok().out();
    assertEquals("registry.local/busybox:1.36", patched, "the answer shows the patched pod");
    assertEquals("registry.local/httpd:2.4", client.pods().inNamespace(ns).withName("e2e-test-httpd-pod").get()
        .getSpec().getContainers().get(0).getImage(), "nothing stored");
  }

  @Conformance("cli.expose")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void exposeMakesServicesForAnRcAndAService(Kubectl kubectl, String ns) {
    kubectl.runWithInput(RC, "create", "-n", ns, "-f", "-").ok();
    kubectl.run("expose", "rc", "primary", "--name=rm2", "--port=1234", "--target-port=6379", "-n", ns).ok();
    Service rm2 = client.services().inNamespace(ns).withName("rm2").get();
    assertEquals(1234, rm2.getSpec().getPorts().get(0).getPort());
    assertEquals(6379, rm2.getSpec().getPorts().get(0).getTargetPort().getIntVal());
    assertEquals("primary", rm2.getSpec().getSelector().get("app"));
    kubectl.run("expose", "service", "rm2", "--name=rm3", "--port=2345", "--target-port=6379", "-n", ns).ok();
    Service rm3 = client.services().inNamespace(ns).withName("rm3").get();
    assertEquals(2345, rm3.getSpec().getPorts().get(0).getPort());
    assertEquals(6379, rm3.getSpec().getPorts().get(0).getTargetPort().getIntVal());
    assertTrue(rm3.getSpec().getClusterIP() != null && !rm3.getSpec().getClusterIP().isEmpty());
  }

  @Conformance("cli.auth-can-i")
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void authCanIAnswersForTheAdmin(Kubectl kubectl, String ns) {
    assertEquals("yes", kubectl.run("auth", "can-i", "create", "pods", "-n", ns).ok().out().strip());
    assertEquals("yes", kubectl.run("auth", "can-i", "*", "*").ok().out().strip());
    Kubectl.Result no = kubectl.run("auth", "can-i", "get", "secrets", "-n", ns,
        "--as=system:serviceaccount:" + ns + ":default");
    assertEquals(1, no.exitCode(), no.toString());
    assertEquals("no", no.out().strip());
  }
}

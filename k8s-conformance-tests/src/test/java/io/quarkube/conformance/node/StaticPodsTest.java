package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Static pods: a manifest written into the node's {@code --pod-manifest-path} runs on the node and shows up in the API
 * server as a mirror pod; deleting the mirror brings back only the mirror; editing the file replaces the pod;
 * removing the file removes both.
 */
@Conformance({"node.static-pods"})
@ExtendWith(TestNamespace.class)
class StaticPodsTest {
  private static final Duration START = Duration.ofSeconds(60);

  private static String manifest(String ns, String label) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: %s
          labels:
            version: %s
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: ["httpd", "-f", "-p", "8080", "-h", "/var/www"]
        """.formatted(ns, label);
  }

  private static Pod runningMirror(String ns, String name) {
    Pod p = RealNode.pod(ns, name);
    if (p == null || p.getMetadata().getDeletionTimestamp() != null || p.getStatus() == null
        || !"Running".equals(p.getStatus().getPhase()) || p.getStatus().getContainerStatuses() == null
        || p.getStatus().getContainerStatuses().isEmpty()
        || p.getStatus().getContainerStatuses().get(0).getContainerID() == null) {
      return null;
    }
    return p;
  }

  private static String containerId(Pod p) {
    return p.getStatus().getContainerStatuses().get(0).getContainerID().substring("containerd://".length());
  }

  @Test
  void manifestRunsAsAStaticPodWithAMirrorInTheApiServer(String ns) throws Exception {
    Path dir = RealNode.stateDir().resolve("kubelet/manifests");
    assertTrue(Files.isDirectory(dir), "the kubelet's manifest folder " + dir);
    Path file = dir.resolve("e2e-" + UUID.randomUUID().toString().substring(0, 8) + ".yaml");
    String name = "web-" + RealNode.name();
    try {
      Files.writeString(file, manifest(ns, "one"));
      Await.until(START, "mirror pod " + name + " running", () -> runningMirror(ns, name) != null);
      Pod mirror = runningMirror(ns, name);
      Map<String, String> a = mirror.getMetadata().getAnnotations();
      assertEquals("file", a.get("kubernetes.io/config.source"));
      assertEquals(a.get("kubernetes.io/config.hash"), a.get("kubernetes.io/config.mirror"));
      assertNotEquals(mirror.getMetadata().getUid(), a.get("kubernetes.io/config.hash"),
          "the mirror has an API server UID of its own");
      OwnerReference owner = mirror.getMetadata().getOwnerReferences().get(0);
      assertEquals("Node", owner.getKind());
      assertEquals(RealNode.name(), owner.getName());
      assertEquals(RealNode.node().getMetadata().getUid(), owner.getUid());
      assertTrue(owner.getController());
      assertEquals(RealNode.name(), mirror.getSpec().getNodeName());
      String container = containerId(mirror);
      assertTrue(RealNode.runtimeContainers().contains(container));
      String logs = Kubectl.stock().run("exec", name, "-n", ns, "--", "echo", "inside").ok().out();
      assertEquals("inside\n", logs, "exec reaches the static pod through its mirror");

      // Deleting the mirror brings back a new mirror of the same, still running, static pod.
      // --wait=false: the kubelet recreates the mirror at once; the await below checks for the new one
      Kubectl.stock().run("delete", "pod", name, "-n", ns, "--wait=false").ok();
      Await.until(START, "a new mirror", () -> {
        Pod p = runningMirror(ns, name);
        return p != null && !p.getMetadata().getUid().equals(mirror.getMetadata().getUid());
      });
      assertEquals(container, containerId(runningMirror(ns, name)), "the static pod kept running");

      // Editing the file replaces the pod.
      Files.writeString(file, manifest(ns, "two"));
      Await.until(START, "the edited pod's mirror", () -> {
        Pod p = runningMirror(ns, name);
        return p != null && "two".equals(p.getMetadata().getLabels().get("version"))
            && !containerId(p).equals(container);
      });
      Pod edited = runningMirror(ns, name);
      assertNotEquals(a.get("kubernetes.io/config.hash"),
          edited.getMetadata().getAnnotations().get("kubernetes.io/config.hash"));
      Await.until(Duration.ofSeconds(30), "the old container gone", () ->
          !RealNode.runtimeContainers().contains(container));

      // Removing the file removes the pod and its mirror.
      String last = containerId(edited);
      Files.delete(file);
      Await.until(START, "the mirror gone", () -> RealNode.pod(ns, name) == null);
      Await.until(Duration.ofSeconds(30), "the container gone", () ->
          !RealNode.runtimeContainers().contains(last));
      String lastHash = edited.getMetadata().getAnnotations().get("kubernetes.io/config.hash");
      Await.until(Duration.ofSeconds(30), "the pod cgroup gone", () -> !RealNode.cgroupLeft(lastHash));
    } finally {
      Files.deleteIfExists(file);
    }
  }
}

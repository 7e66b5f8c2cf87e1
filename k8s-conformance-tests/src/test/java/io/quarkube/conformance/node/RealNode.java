package io.quarkube.conformance.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cluster's one real node (this machine, run by the kubelet on the cluster's containerd), and ways to look at
 * what is on it from outside: containerd through {@code ctr} on the cluster's socket, CNI's IP files, cgroups.
 */
final class RealNode {
  private RealNode() {}

  static KubernetesClient client() {
    return Cluster.client();
  }

  static String name() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Node node() {
    return client().nodes().withName(name()).get();
  }

  static Path stateDir() {
    String s = System.getProperty("quarkube.state-dir");
    if (s == null || s.isBlank() || s.startsWith("${")) {
      throw new IllegalStateException("set -Dquarkube.state-dir (./quarkube test does)");
    }
    return Path.of(s);
  }

  /** The IDs of every container containerd holds for the cluster (k8s.io namespace). */
  static List<String> runtimeContainers() {
    return lines("ctr", "--address", stateDir().resolve("containerd.sock").toString(), "-n", "k8s.io",
        "containers", "ls", "-q");
  }

  /** Whether CNI's host-local IPAM still holds {@code ip}. */
  static boolean ipAllocated(String ip) {
    try (Stream<Path> nets = Files.list(stateDir().resolve("cni/ipam"))) {
      return nets.anyMatch(net -> Files.exists(net.resolve(ip)));
    } catch (IOException e) {
      return false;
    }
  }

  /** Any pod-level cgroup left for the pod {@code uid} in the memory hierarchy. */
  static boolean cgroupLeft(String uid) {
    Path memory = Path.of("/sys/fs/cgroup/memory");
    try (Stream<Path> roots = Files.list(memory)) {
      for (Path root : roots.filter(p -> p.getFileName().toString().startsWith("quarkube-")).toList()) {
        for (String qos : List.of("", "burstable/", "besteffort/")) {
          if (Files.exists(root.resolve("kubepods/" + qos + "pod" + uid))) {
            return true;
          }
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static List<String> lines(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + out);
      }
      List<String> result = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          result.add(line.trim());
        }
      }
      return result;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Pod pod(String ns, String name) {
    return client().pods().inNamespace(ns).withName(name).get();
  }

  /** Waits for the pod to reach the phase; returns it. */
  static Pod awaitPhase(String ns, String name, String phase, Duration timeout) {
    Await.until(timeout, "pod " + ns + "/" + name + " in phase " + phase, () -> {
      Pod p = pod(ns, name);
      return p != null && p.getStatus() != null && phase.equals(p.getStatus().getPhase());
    });
    return pod(ns, name);
  }
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    return io.quarkube.conformance.Cluster.stateDir();
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

  /**
   * Waits for a pod that runs to completion to succeed; fails at once, with its status and its containers' logs, when
   * it failed instead. Returns the pod.
   */
  static Pod awaitSucceeded(String ns, String name, Duration timeout) {
    Await.until(timeout, "pod " + ns + "/" + name + " succeeded", () -> {
      Pod p = pod(ns, name);
      if (p != null && p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())) {
        StringBuilder logs = new StringBuilder();
        p.getSpec().getContainers().forEach(c -> logs.append("\n--- ").append(c.getName()).append(":\n")
            .append(log(ns, name, c.getName())));
        throw new AssertionError("pod " + ns + "/" + name + " failed: " + p.getStatus() + logs);
      }
      return p != null && p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase());
    });
    return pod(ns, name);
  }

  /** The log of one container of a pod. */
  static String log(String ns, String pod, String container) {
    return client().pods().inNamespace(ns).withName(pod).inContainer(container).getLog();
  }

  /**
   * Creates the pod (restartPolicy Never), waits until it Succeeded ({@link #awaitSucceeded}) and returns each
   * container's log by name, as upstream's {@code TestContainerOutput}.
   */
  static Map<String, String> runToCompletion(Pod pod, Duration timeout) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    client().resource(pod).create();
    Pod done = awaitSucceeded(ns, name, timeout);
    Map<String, String> logs = new LinkedHashMap<>();
    for (var c : done.getSpec().getContainers()) {
      logs.put(c.getName(), log(ns, name, c.getName()));
    }
    return logs;
  }

  /** Stops one of the cluster's processes (TERM, by its pid file) and has the launcher start what is missing. */
  static void restart(String component) throws Exception {
    Path pidFile = RealNode.stateDir().resolve("run").resolve(component + ".pid");
    long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(component + " not running"));
    process.destroy();
    process.onExit().get(60, TimeUnit.SECONDS);
    Path launcher = Path.of("..", "quarkube").toAbsolutePath().normalize();
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--data-dir", RealNode.stateDir().toString(), "up")
        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // the cluster's own build and packages: nothing to build or install here
    pb.environment().put("QUARKUBE_SKIP_BUILD", "1");
    pb.environment().put("QUARKUBE_SKIP_INSTALL", "1");
    Process up = pb.start();
    String out = new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(up.waitFor(300, TimeUnit.SECONDS), "quarkube up finished");
    assertEquals(0, up.exitValue(), "quarkube up restarts " + component + ":\n" + out);
  }
}

package io.quarkube.conformance.network;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real pods on the cluster's one node for the service tests: HTTP servers that answer with their own host name,
 * and one-shot client pods whose exit code is the result (so no exec/logs streaming is needed), plus a look at the
 * proxy's nftables table of this cluster.
 */
final class ProxyNode {
  static final Duration START = Duration.ofSeconds(90);

  private ProxyNode() {}

  static KubernetesClient client() {
    return Cluster.client();
  }

  static String nodeName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** busybox httpd on 8080 serving a page that holds the pod's host name (= its name). */
  static Pod server(String ns, String name, Map<String, String> labels) {
    return client().resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
        .endMetadata().withNewSpec().withNodeName(nodeName()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("httpd").withImage("busybox")
        .withCommand("sh", "-c", "mkdir -p /tmp/www && hostname > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www")
        .addNewPort().withName("http").withContainerPort(8080).endPort()
        .endContainer().endSpec().build()).create();
  }

  /** A Deployment of {@code replicas} such HTTP servers (scheduled by the scheduler like any workload). */
  static void deployment(String ns, String name, int replicas, Map<String, String> labels) {
    client().resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withNewMetadata().withName(name)
        .withNamespace(ns).endMetadata().withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(labels)
        .endSelector().withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withNewSpec()
        .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("httpd").withImage("busybox")
        .withCommand("sh", "-c", "mkdir -p /tmp/www && hostname > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www")
        .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
  }

  /** The rules listing with each map element on a line of its own, sorted: comparable whatever nft's hash order. */
  static String normalizedRules() {
    return rules().lines().flatMap(l -> java.util.Arrays.stream(l.replace("elements = {", "").replace("}", "")
        .split(",")).map(String::strip)).filter(l -> !l.isEmpty()).sorted()
        .reduce("", (a, b) -> a + b + "\n");
  }

  /** What a client pod ended with; the log (when the cluster serves pods/log) only explains failures. */
  record Result(int exitCode, String log) {
    @Override
    public String toString() {
      return "exit " + exitCode + ", log:\n" + log;
    }
  }

  /** Runs {@code script} once in a fresh pod and returns its exit code and log. */
  static Result run(String ns, String name, String script) {
    return run(clientPod(ns, name, script).build());
  }

  /** A one-shot busybox pod running {@code script} on this node, for callers that set more of its spec. */
  static PodBuilder clientPod(String ns, String name, String script) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(nodeName()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("client").withImage("busybox").withCommand("sh", "-c", script).endContainer()
        .endSpec();
  }

  /** Creates the one-shot pod (its first container's exit code is the result) and waits until it has ended. */
  static Result run(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    client().resource(pod).create();
    Await.until(Duration.ofSeconds(180), "client pod " + name + " finished", () -> {
      Pod p = client().pods().inNamespace(ns).withName(name).get();
      return p != null && p.getStatus() != null && List.of("Succeeded", "Failed").contains(p.getStatus().getPhase());
    });
    Pod p = client().pods().inNamespace(ns).withName(name).get();
    ContainerStatus s = p.getStatus().getContainerStatuses().get(0);
    String log;
    try {
      log = client().pods().inNamespace(ns).withName(name).getLog();
    } catch (RuntimeException e) {
      log = "(no log: " + e.getMessage() + ")";
    }
    return new Result(s.getState().getTerminated().getExitCode(), log);
  }

  /** A busybox pod that only sleeps, to {@link #exec} clients in (upstream's exec pod); not awaited. */
  static void execPod(String ns, String name) {
    client().resource(clientPod(ns, name, "exec sleep 3600").build()).create();
  }

  /** The project's netexec image (images/netexec): HTTP and UDP hostname/echo server and a UDP client. */
  static final String NETEXEC = "quarkube/netexec:1.0";

  /**
   * An exec pod with busybox (sleeping, kubectl exec's default container) and netexec (serving on 8080/8081, and
   * the UDP client busybox lacks: {@link #udp}); not awaited.
   */
  static void netexecClientPod(String ns, String name) {
    client().resource(clientPod(ns, name, "exec sleep 3600").editMetadata()
        .addToAnnotations("kubectl.kubernetes.io/default-container", "client").endMetadata().editSpec()
        .addNewContainer().withName("netexec").withImage(NETEXEC).withArgs("--http-port=8080", "--udp-port=8081")
        .endContainer().endSpec().build()).create();
  }

  /** Sends {@code message} in one UDP datagram from the pod's netexec container; its answer, or "" when none came. */
  static String udp(String ns, String pod, String ip, int port, String message) {
    return io.quarkube.conformance.Kubectl.stock().run("exec", pod, "-n", ns, "-c", "netexec", "--", "/netexec",
        "udp", ip, String.valueOf(port), message).out().trim();
  }

  /** Runs {@code script} with sh in the pod's first container (kubectl exec); the exit code and stdout. */
  static Result exec(String ns, String pod, String script) {
    var r = io.quarkube.conformance.Kubectl.stock().run("exec", pod, "-n", ns, "--", "sh", "-c", script);
    return new Result(r.exitCode(), r.out() + r.err());
  }

  /** The node's InternalIP, where NodePorts answer. */
  static String nodeIp() {
    return client().nodes().withName(nodeName()).get().getStatus().getAddresses().stream()
        .filter(a -> a.getType().equals("InternalIP")).map(a -> a.getAddress()).findFirst().orElseThrow();
  }

  /** A shell pipeline that GETs / from host:port and prints the last line of the answer (the page). */
  static String httpGet(String host, int port) {
    return httpGet(host, String.valueOf(port));
  }

  static String httpGet(String host, String port) {
    return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + host + " " + port + " | tail -n 1";
  }

  static void awaitRunning(String ns, String... names) {
    for (String name : names) {
      Await.until(START, "pod " + ns + "/" + name + " running and ready", () -> {
        Pod p = client().pods().inNamespace(ns).withName(name).get();
        return p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
            && p.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready")
            && c.getStatus().equals("True"));
      });
    }
  }

  /** Waits until the Service's EndpointSlices list {@code n} ready endpoints (the controller manager writes them). */
  static void awaitReadyEndpoints(String ns, String service, int n) {
    Await.until(Duration.ofSeconds(60), n + " ready endpoints of " + ns + "/" + service,
        () -> readyEndpoints(ns, service) == n);
  }

  /**
   * Waits until the proxy's rules send {@code ip}'s TCP {@code port} to {@code n} endpoints. The EndpointSlices being
   * ready says the controller manager has written them; the proxy programs nftables from its own watch a moment
   * later, and until then a ClusterIP without endpoints is (rightly) refused.
   */
  static void awaitServiceRules(String ip, int port, int n) {
    Await.until(Duration.ofSeconds(30), "rules sending " + ip + ":" + port + " to " + n + " endpoints",
        () -> rules().contains(ip + " . tcp . " + port + " : goto pick-" + n));
  }

  static long readyEndpoints(String ns, String service) {
    long count = 0;
    for (EndpointSlice s : client().discovery().v1().endpointSlices().inNamespace(ns)
        .withLabel("kubernetes.io/service-name", service).list().getItems()) {
      if (s.getEndpoints() != null) {
        count += s.getEndpoints().stream().filter(e -> e.getConditions() == null
            || !Boolean.FALSE.equals(e.getConditions().getReady())).count();
      }
    }
    return count;
  }

  /** The proxy's table of this cluster: {@code quarkube_<first 8 hex of sha256(state dir)>_proxy}, as ./quarkube names it. */
  static String table() {
    String dir = System.getProperty("quarkube.state-dir");
    if (dir == null || dir.isBlank() || dir.startsWith("${")) {
      throw new IllegalStateException("set -Dquarkube.state-dir (./quarkube test does)");
    }
    try {
      String real = Path.of(dir).toRealPath().toString();
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(real.getBytes(StandardCharsets.UTF_8));
      return "quarkube_" + HexFormat.of().formatHex(hash).substring(0, 8) + "_proxy";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code nft list table ip <table>} of this cluster's proxy. */
  static String rules() {
    try {
      Process p = new ProcessBuilder("nft", "list", "table", "ip", table()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("nft list table ip " + table() + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

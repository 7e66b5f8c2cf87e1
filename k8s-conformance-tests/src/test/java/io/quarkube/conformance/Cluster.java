package io.quarkube.conformance;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running cluster under test, reached only from outside: its admin kubeconfig (system property
 * {@code quarkube.kubeconfig}, set by {@code ./quarkube test}) for stock kubectl and the Fabric8 client.
 */
public final class Cluster {
  private static KubernetesClient client;

  private Cluster() {}

  public static Path kubeconfig() {
    String path = System.getProperty("quarkube.kubeconfig");
    if (path == null || path.isBlank() || path.startsWith("${")) {
      throw new IllegalStateException("set -Dquarkube.kubeconfig=<admin kubeconfig> (./quarkube test does)");
    }
    return Path.of(path);
  }

  /** The cluster's state folder (system property {@code quarkube.state-dir}, set by {@code ./quarkube test}). */
  public static Path stateDir() {
    String dir = System.getProperty("quarkube.state-dir");
    if (dir == null || dir.isBlank() || dir.startsWith("${")) {
      throw new IllegalStateException("set -Dquarkube.state-dir (./quarkube test does)");
    }
    return Path.of(dir);
  }

  /**
   * A component's plain-HTTP health and metrics port from the launcher's record of the command it started: its own
   * process ({@code run/<name>.cmd}, {@code -Dquarkus.http.port}) or, when it runs inside the API server's JVM, that
   * JVM's ({@code -Dquarkube.<name>.health-port}).
   */
  public static int componentHealthPort(String component) throws IOException {
    Path run = stateDir().resolve("run");
    Path own = run.resolve(component + ".cmd");
    Matcher m;
    if (Files.exists(own)) {
      m = Pattern.compile("-Dquarkus\\.http\\.port=(\\d+)").matcher(Files.readString(own));
    } else {
      m = Pattern.compile("-Dquarkube\\." + component + "\\.health-port=(\\d+)")
          .matcher(Files.readString(run.resolve("api-server.cmd")));
    }
    if (!m.find()) {
      throw new IllegalStateException("no health port of the " + component + " in " + run);
    }
    return Integer.parseInt(m.group(1));
  }

  /** The cluster's etcd client URL (from the launcher's {@code run/ports}). */
  public static String etcdEndpoint() throws IOException {
    for (String line : Files.readAllLines(stateDir().resolve("run/ports"))) {
      if (line.startsWith("ETCD_PORT=")) {
        return "http://127.0.0.1:" + line.substring("ETCD_PORT=".length()).trim();
      }
    }
    throw new IllegalStateException("no ETCD_PORT in " + stateDir().resolve("run/ports"));
  }

  /**
   * Runs {@code etcdctl} against the cluster's etcd and returns its output. Only tests look into etcd behind the API
   * server's back (what is stored, forcing a compaction); components never do.
   */
  public static String etcdctl(String... args) {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("etcdctl"));
    try {
      command.add("--endpoints=" + etcdEndpoint());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    command.addAll(java.util.List.of(args));
    return run(Path.of("."), command.toArray(String[]::new));
  }

  /** Runs a command of the machine (openssl, etcdctl) in {@code dir}; its output, or an AssertionError on failure. */
  public static String run(Path dir, String... command) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static synchronized KubernetesClient client() {
    if (client == null) {
      try {
        String yaml = Files.readString(kubeconfig(), StandardCharsets.UTF_8);
        Config config = Config.fromKubeconfig(yaml);
        client = new KubernetesClientBuilder().withConfig(config).build();
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + kubeconfig(), e);
      }
    }
    return client;
  }
}

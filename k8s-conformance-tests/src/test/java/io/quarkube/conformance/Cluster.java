package io.quarkube.conformance;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

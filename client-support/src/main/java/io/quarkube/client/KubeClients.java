package io.quarkube.client;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Builds the Fabric8 client of a client-side component from its kubeconfig. The launcher gives every component
 * {@code -Dquarkube.kubeconfig=<state>/<name>.kubeconfig} (server URL, cluster CA, the component's client certificate).
 */
public final class KubeClients {
  /** The system property that names the component's kubeconfig file. */
  public static final String KUBECONFIG_PROPERTY = "quarkube.kubeconfig";

  private KubeClients() {}

  /** The kubeconfig named by {@code -Dquarkube.kubeconfig}; fails with a clear message when it is not set. */
  public static Path kubeconfigPath() {
    String path = System.getProperty(KUBECONFIG_PROPERTY);
    if (path == null || path.isBlank()) {
      throw new IllegalStateException("no kubeconfig: start with -D" + KUBECONFIG_PROPERTY + "=<file>");
    }
    return Path.of(path);
  }

  /**
   * The kubeconfig of {@code component}: {@code -Dquarkube.<component>.kubeconfig}, else {@code -Dquarkube.kubeconfig}.
   * Components that share a JVM (the control plane runs the scheduler and the controller manager inside the API
   * server's process) each keep their own identity this way.
   */
  public static Path kubeconfigPath(String component) {
    String own = System.getProperty("quarkube." + component + ".kubeconfig");
    return own == null || own.isBlank() ? kubeconfigPath() : Path.of(own);
  }

  /**
   * Reads a kubeconfig file into a Fabric8 {@link Config} (its current context), as {@code Config.fromKubeconfig}
   * does but parsed by {@link LeanSerialization}: Fabric8's own parsing goes through its static serialization, whose
   * deserializer for the kubeconfig's {@code extensions} loads every model class (see LeanSerialization).
   */
  public static Config config(Path kubeconfig) {
    TlsCipherChoice.preferChaCha20WithoutC2();
    String yaml;
    try {
      yaml = Files.readString(kubeconfig, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
    }
    io.fabric8.kubernetes.api.model.Config parsed =
        new LeanSerialization().unmarshal(yaml, io.fabric8.kubernetes.api.model.Config.class);
    Config config = Config.empty();
    KubeConfigUtils.merge(config, null, parsed);
    // What Config.fromKubeconfig does after merging (its postAutoConfigure): the server URL ends with a slash.
    if (config.getMasterUrl() != null && !config.getMasterUrl().endsWith("/")) {
      config.setMasterUrl(config.getMasterUrl() + "/");
    }
    // Fabric8 reads a client key as RSA unless told otherwise; the launcher makes the components' keys ECDSA.
    String keyAlgorithm = clientKeyAlgorithm(config);
    if (keyAlgorithm != null) {
      config.setClientKeyAlgo(keyAlgorithm);
    }
    // Here rather than in client(): every component's configuration comes from this method, also the scheduler's,
    // which builds its client itself (its own serialization).
    String agent = userAgent(System.getProperty(COMPONENT_PROPERTY));
    if (agent != null) {
      config.setUserAgent(agent);
    }
    return config;
  }

  /**
   * A client for {@code config}. Watches go over a WebSocket (Fabric8's default; the API server serves them as
   * upstream does, one event per message). Its serialization finds model classes kind by kind
   * ({@link LeanSerialization}) instead of loading all of them.
   */
  public static KubernetesClient client(Config config) {
    return client(config, new LeanSerialization());
  }

  /**
   * A client that reads every object as its metadata only ({@link MetadataOnlySerialization}), for generic informers
   * that need owners and finalizers only; it has connections of its own.
   */
  public static KubernetesClient metadataClient(Config config) {
    return client(config, new MetadataOnlySerialization());
  }

  /**
   * A client for {@code config} with WebSocket watches and the given serialization. Not Fabric8's plain HTTP watches:
   * its reader (WatchHTTPManager, 7.5) decodes each chunk into chars and appends them one by one to a synchronized
   * StringBuffer to find the lines, which was a fifth of the controllers' CPU under a stream of pod creates; a
   * WebSocket delivers each event as one message, decoded to a String in one go.
   */
  public static KubernetesClient client(Config config, LeanSerialization serialization) {
    config.setOnlyHttpWatches(false);
    return new KubernetesClientBuilder().withConfig(config).withKubernetesSerialization(serialization).build();
  }

  /** The system property the launcher names each component with ({@code -Dquarkube.component=kubelet}). */
  public static final String COMPONENT_PROPERTY = "quarkube.component";

  /**
   * The User-Agent of a component ({@link #config} sets it): upstream's binary name first, as the API server names the field manager of a
   * write after it (managedFields show {@code kubelet}, {@code kube-controller-manager}, {@code kube-scheduler}
   * rather than {@code fabric8-kubernetes-client}); null for a component without one.
   */
  static String userAgent(String component) {
    if (component == null || component.isBlank()) {
      return null;
    }
    String binary = switch (component) {
      case "scheduler" -> "kube-scheduler";
      case "controllers" -> "kube-controller-manager";
      case "proxy" -> "kube-proxy";
      default -> component;
    };
    return binary + "/v1.32.0 (linux/amd64) kubernetes/quarkube";
  }

  /** A client for the kubeconfig named by {@code -Dquarkube.kubeconfig}. */
  public static KubernetesClient fromSystemProperty() {
    return client(config(kubeconfigPath()));
  }

  /**
   * The algorithm of the client key of {@code config} ("EC" or "RSA"), as Fabric8 needs to be told it; null without a
   * client key or when it cannot be read (Fabric8 then reports the problem when it loads the key).
   */
  static String clientKeyAlgorithm(Config config) {
    String pem;
    try {
      if (config.getClientKeyData() != null && !config.getClientKeyData().isBlank()) {
        pem = new String(Base64.getMimeDecoder().decode(config.getClientKeyData()), StandardCharsets.UTF_8);
      } else if (config.getClientKeyFile() != null && !config.getClientKeyFile().isBlank()) {
        pem = Files.readString(Path.of(config.getClientKeyFile()), StandardCharsets.UTF_8);
      } else {
        return null;
      }
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
    if (pem.contains("BEGIN EC PRIVATE KEY")) {
      return "EC";
    }
    if (pem.contains("BEGIN RSA PRIVATE KEY")) {
      return "RSA";
    }
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      return null;
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
      // A PKCS#8 key names its algorithm inside; the EC key factory accepts only EC keys.
      KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      return "EC";
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "RSA";
    }
  }

  /** The cluster CA certificate(s) of {@code config} in PEM, or null when the kubeconfig names none. */
  public static String caCertificatePem(Config config) {
    if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
      return new String(Base64.getMimeDecoder().decode(config.getCaCertData()), StandardCharsets.UTF_8);
    }
    if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
      try {
        return Files.readString(Path.of(config.getCaCertFile()), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read CA file " + config.getCaCertFile(), e);
      }
    }
    return null;
  }
}

package io.quarkube.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeClientsTest {
  @Test
  void aComponentsOwnKubeconfigComesBeforeTheProcesssOne() {
    String generic = System.getProperty("quarkube.kubeconfig");
    try {
      System.setProperty("quarkube.kubeconfig", "/state/any.kubeconfig");
      System.setProperty("quarkube.scheduler.kubeconfig", "/state/scheduler.kubeconfig");
      assertEquals(Path.of("/state/scheduler.kubeconfig"), KubeClients.kubeconfigPath("scheduler"));
      assertEquals(Path.of("/state/any.kubeconfig"), KubeClients.kubeconfigPath("controllers"));
    } finally {
      System.clearProperty("quarkube.scheduler.kubeconfig");
      if (generic == null) {
        System.clearProperty("quarkube.kubeconfig");
      } else {
        System.setProperty("quarkube.kubeconfig", generic);
      }
    }
  }

  @Test
  void readsTheCurrentContextOfAKubeconfigAsFabric8Does(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("scheduler.kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: quarkube
          cluster:
            server: https://127.0.0.1:16443
            certificate-authority: /state/pki/ca.crt
        users:
        - name: scheduler
          user:
            client-certificate: /state/pki/scheduler.crt
            client-key: /state/pki/scheduler.key
        - name: other
          user:
            token: abc
        contexts:
        - name: other
          context: {cluster: quarkube, user: other, namespace: elsewhere}
        - name: scheduler
          context: {cluster: quarkube, user: scheduler}
        current-context: scheduler
        """);
    Config lean = KubeClients.config(file);
    Config fabric8 = Config.fromKubeconfig(Files.readString(file));
    assertEquals("https://127.0.0.1:16443/", lean.getMasterUrl());
    assertEquals(fabric8.getMasterUrl(), lean.getMasterUrl());
    assertEquals(fabric8.getCaCertFile(), lean.getCaCertFile());
    assertEquals(fabric8.getClientCertFile(), lean.getClientCertFile());
    assertEquals(fabric8.getClientKeyFile(), lean.getClientKeyFile());
    assertEquals(fabric8.getNamespace(), lean.getNamespace());
    assertEquals(fabric8.getCurrentContext().getName(), lean.getCurrentContext().getName());
  }

  @Test
  void ecdsaAndRsaClientKeysBothLoad(@TempDir Path dir) throws Exception {
    for (String algorithm : new String[] {"EC", "RSA"}) {
      Path key = dir.resolve(algorithm + ".key");
      Path cert = dir.resolve(algorithm + ".crt");
      // As the launcher makes them: a PKCS#8 key (openssl genpkey) and its certificate.
      String newkey = algorithm.equals("EC") ? "ec" : "rsa:2048";
      List<String> command = new java.util.ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", newkey));
      if (algorithm.equals("EC")) {
        command.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
      }
      command.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=test",
          "-days", "1"));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      assertEquals(0, p.waitFor(), "openssl made the key");
      Path file = oneUserKubeconfig(dir.resolve(algorithm + ".kubeconfig"), """
          client-certificate-data: %s
          client-key-data: %s""".formatted(base64(cert), base64(key)));
      Config config = KubeClients.config(file);
      assertEquals(algorithm, config.getClientKeyAlgo());
      assertEquals(1, SSLUtils.keyManagers(config).length, "Fabric8 loads the " + algorithm + " client key");
    }
  }

  /** A kubeconfig with one cluster (a port nothing listens on) and one user, {@code userYaml} under its user. */
  static Path oneUserKubeconfig(Path file, String userYaml) throws Exception {
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "https://127.0.0.1:1"}
        users:
        - name: u
          user:
        %scontexts:
        - name: c
          context: {cluster: c, user: u}
        current-context: c
        """.formatted(userYaml.indent(4)));
    return file;
  }

  private static String base64(Path file) throws Exception {
    return java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(file));
  }

  @Test
  void componentsIntroduceThemselvesAsUpstreamsBinaries() {
    assertEquals("kubelet/v1.32.0 (linux/amd64) kubernetes/quarkube", KubeClients.userAgent("kubelet"));
    assertEquals("kube-scheduler", KubeClients.userAgent("scheduler").split("/")[0]);
    assertEquals("kube-controller-manager", KubeClients.userAgent("controllers").split("/")[0]);
    assertEquals("kube-proxy", KubeClients.userAgent("proxy").split("/")[0]);
    assertNull(KubeClients.userAgent(null));
  }

  @Test
  void theClientSendsTheComponentsUserAgent(@TempDir Path dir) throws Exception {
    Path file = oneUserKubeconfig(dir.resolve("kubelet.kubeconfig"), "token: abc");
    String before = System.getProperty(KubeClients.COMPONENT_PROPERTY);
    System.setProperty(KubeClients.COMPONENT_PROPERTY, "kubelet");
    try {
      // Through the kubeconfig, as every component (the scheduler builds its client itself from this config).
      Config config = KubeClients.config(file);
      try (KubernetesClient client = KubeClients.client(config)) {
        assertEquals("kubelet", client.getConfiguration().getUserAgent().split("/")[0]);
      }
    } finally {
      if (before == null) {
        System.clearProperty(KubeClients.COMPONENT_PROPERTY);
      } else {
        System.setProperty(KubeClients.COMPONENT_PROPERTY, before);
      }
    }
  }
}

package io.quarkube.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeClientsTest {
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
  void componentsIntroduceThemselvesAsUpstreamsBinaries() {
    assertEquals("kubelet/v1.32.0 (linux/amd64) kubernetes/quarkube", KubeClients.userAgent("kubelet"));
    assertEquals("kube-scheduler", KubeClients.userAgent("scheduler").split("/")[0]);
    assertEquals("kube-controller-manager", KubeClients.userAgent("controllers").split("/")[0]);
    assertEquals("kube-proxy", KubeClients.userAgent("proxy").split("/")[0]);
    assertNull(KubeClients.userAgent(null));
  }

  @Test
  void theClientSendsTheComponentsUserAgent(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("kubelet.kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: quarkube
          cluster: {server: "https://127.0.0.1:1"}
        users:
        - name: kubelet
          user: {token: abc}
        contexts:
        - name: kubelet
          context: {cluster: quarkube, user: kubelet}
        current-context: kubelet
        """);
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

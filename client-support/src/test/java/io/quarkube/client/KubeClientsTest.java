package io.quarkube.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.Config;
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
}

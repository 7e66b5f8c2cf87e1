package io.quarkube.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

class KubeClientsTest {
  @Test
  void componentsIntroduceThemselvesAsUpstreamsBinaries() {
    assertEquals("kubelet/v1.32.0 (linux/amd64) kubernetes/quarkube", KubeClients.userAgent("kubelet"));
    assertEquals("kube-scheduler", KubeClients.userAgent("scheduler").split("/")[0]);
    assertEquals("kube-controller-manager", KubeClients.userAgent("controllers").split("/")[0]);
    assertEquals("kube-proxy", KubeClients.userAgent("proxy").split("/")[0]);
    assertNull(KubeClients.userAgent(null));
  }

  @Test
  void theClientSendsTheComponentsUserAgent() {
    String before = System.getProperty(KubeClients.COMPONENT_PROPERTY);
    System.setProperty(KubeClients.COMPONENT_PROPERTY, "kubelet");
    try {
      Config config = new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build();
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

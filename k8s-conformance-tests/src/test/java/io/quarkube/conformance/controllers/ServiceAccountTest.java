package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every namespace gets the {@code default} ServiceAccount and the {@code kube-root-ca.crt} ConfigMap. */
@ExtendWith(TestNamespace.class)
class ServiceAccountTest {
  private final KubernetesClient client = Cluster.client();

  @Conformance("auth.root-ca-configmap")
  @Test
  void newNamespaceGetsDefaultAccountAndRootCa(String ns) {
    Await.defaultServiceAccount(client, ns);
    Await.until(Duration.ofSeconds(30), "kube-root-ca.crt in " + ns,
        () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
    String ca = new String(Base64.getMimeDecoder().decode(client.getConfiguration().getCaCertData()),
        StandardCharsets.UTF_8);
    ConfigMap cm = client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get();
    assertEquals(ca.strip(), cm.getData().get("ca.crt").strip(), "the cluster CA of the kubeconfig");
  }

  @Conformance("auth.root-ca-configmap")
  @Test
  void deletedDefaultsComeBack(String ns) {
    Await.until(Duration.ofSeconds(30), "defaults in " + ns,
        () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null
            && client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
    String oldUid = client.serviceAccounts().inNamespace(ns).withName("default").get().getMetadata().getUid();
    client.serviceAccounts().inNamespace(ns).withName("default").delete();
    client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").edit(cm -> {
      cm.getData().put("ca.crt", "tampered");
      return cm;
    });
    Await.until(Duration.ofSeconds(30), "a new default ServiceAccount", () -> {
      var sa = client.serviceAccounts().inNamespace(ns).withName("default").get();
      return sa != null && !sa.getMetadata().getUid().equals(oldUid);
    });
    Await.until(Duration.ofSeconds(30), "the CA put back",
        () -> !"tampered".equals(client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get().getData()
            .get("ca.crt")));
  }
}

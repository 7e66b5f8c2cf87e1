package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The namespace controller empties a deleted namespace of every kind, then lets it go. */
class NamespaceDeletionTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  @Conformance("api-machinery.namespace-deletion")
  @Test
  void deletingANamespaceRemovesTwentyObjectsOfEightKinds() {
    String ns = "e2e-nsdel-" + UUID.randomUUID().toString().substring(0, 6);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      yaml.append(doc("v1", "ConfigMap", "cm-" + i, "data: {k: v}"));
    }
    for (int i = 0; i < 3; i++) {
      yaml.append(doc("v1", "Secret", "secret-" + i, "stringData: {k: v}"));
    }
    for (int i = 0; i < 2; i++) {
      yaml.append(doc("v1", "Service", "svc-" + i, "spec: {ports: [{port: 80}]}"));
      yaml.append(doc("v1", "ServiceAccount", "sa-" + i, ""));
      yaml.append(doc("v1", "PersistentVolumeClaim", "pvc-" + i,
          "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}"));
      yaml.append(doc("v1", "LimitRange", "limits-" + i,
          "spec: {limits: [{type: Container, default: {cpu: 100m}}]}"));
      yaml.append(doc("apps/v1", "Deployment", "deploy-" + i, """
          spec:
            replicas: 0
            selector: {matchLabels: {app: d%d}}
            template:
              metadata: {labels: {app: d%d}}
              spec: {containers: [{name: c, image: registry.local/app:1}]}""".formatted(i, i)));
    }
    for (int i = 0; i < 3; i++) {
      yaml.append(doc("v1", "Pod", "pod-" + i, "spec: {containers: [{name: c, image: registry.local/app:1}]}"));
    }
    Await.until(Duration.ofSeconds(30), "the namespace's default account and CA ConfigMap",
        () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null
            && client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);
    kubectl.runWithInput(yaml.toString(), new String[] {"create", "-n", ns, "-f", "-"}).ok();
    int created = kubectl.run(new String[] {"get", "configmaps,secrets,services,serviceaccounts,"
        + "persistentvolumeclaims,limitranges,deployments,pods", "-n", ns, "-o", "name"}).ok().out().strip().split("\n").length;
    // 20 of ours, plus what the controllers add to every namespace (the default account, the CA ConfigMap).
    assertEquals(20, created - 2, "objects before deletion");

    kubectl.run(new String[] {"delete", "namespace", ns, "--wait=false"}).ok();
    Await.until(Duration.ofSeconds(60), "namespace " + ns + " to be gone",
        () -> client.namespaces().withName(ns).get() == null);
  }

  private static String doc(String apiVersion, String kind, String name, String body) {
    return "---\napiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n" + body + "\n";
  }
}

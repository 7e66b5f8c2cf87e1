package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "should serve a basic image on each replica": a ReplicaSet's (and a ReplicationController's) pods run
 * on the real node and each answers its own name through the API server's pod proxy. Upstream's serve-hostname is
 * busybox httpd serving a file holding the host name (the pod's name) on serve-hostname's port, 9376.
 */
@ExtendWith(TestNamespace.class)
class ServeHostnameTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private final KubernetesClient client = Cluster.client();

  private static String nodeName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PodTemplateSpec template(String name) {
    return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("name", name).endMetadata().withNewSpec()
        .withNodeName(nodeName()).withTerminationGracePeriodSeconds(0L).addNewContainer().withName(name)
        .withImage("busybox").withCommand("sh", "-c",
            "mkdir -p /tmp/www && printf %s \"$(hostname)\" > /tmp/www/index.html && exec httpd -f -p 9376 -h /tmp/www")
        .addNewPort().withContainerPort(9376).endPort().endContainer().endSpec().build();
  }

  private List<Pod> pods(String ns, String name) {
    return client.pods().inNamespace(ns).withLabel("name", name).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /** Upstream's PodsCreated, the pods running, then PodsResponding: each pod's proxy answers its own name. */
  private void awaitEachReplicaServesItsName(String ns, String name, int replicas) {
    Await.until(TIMEOUT, replicas + " running pods of " + name, () -> {
      List<Pod> pods = pods(ns, name);
      return pods.size() == replicas && pods.stream().allMatch(p -> p.getStatus() != null
          && "Running".equals(p.getStatus().getPhase()));
    });
    for (Pod p : pods(ns, name)) {
      String path = "/api/v1/namespaces/" + ns + "/pods/" + p.getMetadata().getName() + "/proxy/";
      Await.until(TIMEOUT, p.getMetadata().getName() + " answering through the pod proxy", () ->
          Kubectl.stock().run("get", "--raw", path).exitCode() == 0);
      assertEquals(p.getMetadata().getName(), Kubectl.stock().run("get", "--raw", path).ok().out(),
          "the pod answers its own name");
    }
  }

  @Conformance("apps.replicaset-serve-image")
  @Test
  void replicaSetServesABasicImageOnEachReplica(String ns) {
    String name = "my-hostname-basic-" + UUID.randomUUID();
    client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName(name)
        .addToLabels("name", name).endMetadata().withNewSpec().withReplicas(1).withNewSelector()
        .addToMatchLabels("name", name).endSelector().withTemplate(template(name)).endSpec().build()).create();
    awaitEachReplicaServesItsName(ns, name, 1);
  }

  @Conformance("apps.replication-controller-serve-image")
  @Test
  void replicationControllerServesABasicImageOnEachReplica(String ns) {
    String name = "my-hostname-basic-" + UUID.randomUUID();
    client.replicationControllers().inNamespace(ns).resource(new ReplicationControllerBuilder().withNewMetadata()
        .withName(name).addToLabels("name", name).endMetadata().withNewSpec().withReplicas(1)
        .addToSelector("name", name).withTemplate(template(name)).endSpec().build()).create();
    awaitEachReplicaServesItsName(ns, name, 1);
  }
}

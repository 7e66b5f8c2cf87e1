package io.quarkube.conformance.controllers;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pods bound to a node that was deleted are removed by PodGC (after its 40 s quarantine). */
@ExtendWith(TestNamespace.class)
class PodGarbageCollectorTest {
  private final KubernetesClient client = Cluster.client();

  @Test
  void podsOfADeletedNodeAreDeleted(String ns) {
    String node = "e2e-gone-" + UUID.randomUUID().toString().substring(0, 6);
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
    try {
      client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("orphan").endMetadata()
          .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("busybox").endContainer()
          .endSpec().build()).create();
    } finally {
      client.nodes().withName(node).delete();
    }
    // 40 s quarantine from the node's deletion, then the next round; slack for a loaded machine.
    Await.until(Duration.ofSeconds(120), "the orphaned pod deleted",
        () -> client.pods().inNamespace(ns).withName("orphan").get() == null);
  }
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** core/v1 nodes through upstream's "Node Lifecycle" conformance test: an unschedulable fake node's API life. */
@ExtendWith(TestNamespace.class)
class NodeApiTest {
  private final KubernetesClient client = Cluster.client();

  @Conformance("node.node-api")
  @Test
  void fakeNodeLifecycle(String ns) {
    String name = "e2e-fake-node-" + ns;
    var nodes = client.nodes();
    try {
      Node created = nodes.resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
          .withUnschedulable(true).endSpec().withNewStatus().withPhase("Running").addNewCondition()
          .withType("Ready").withStatus("True").withReason("E2E").withMessage("Set from e2e test").endCondition()
          .endStatus().build()).create();
      assertEquals(name, created.getMetadata().getName());
      assertEquals(name, nodes.withName(name).get().getMetadata().getName());

      Node patched = nodes.withName(name).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"metadata\":{\"labels\":{\"" + name + "\":\"patched\"}}}");
      assertEquals("patched", patched.getMetadata().getLabels().get(name));
      assertEquals(1, nodes.withLabel(name, "patched").list().getItems().size());

      // the node lifecycle controller writes this node too (taints, conditions)
      Node updated = Conflicts.retry(() -> {
        Node current = nodes.withName(name).get();
        current.getMetadata().getLabels().put(name, "updated");
        return nodes.resource(current).update();
      });
      assertEquals("updated", updated.getMetadata().getLabels().get(name));

      nodes.withName(name).delete();
      Await.until(Duration.ofMinutes(3), "the node deleted", () -> nodes.withName(name).get() == null);
    } finally {
      nodes.withName(name).delete();
    }
  }
}

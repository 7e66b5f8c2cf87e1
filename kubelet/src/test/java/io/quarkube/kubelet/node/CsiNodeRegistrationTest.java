package io.quarkube.kubelet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import org.junit.jupiter.api.Test;

/** The CSINode the kubelet makes for its node, as upstream's node info manager makes it. */
class CsiNodeRegistrationTest {

  @Test
  void namedAsTheNodeOwnedByItWithoutDrivers() {
    CsiNodeRegistration r = new CsiNodeRegistration(null, "n1", () -> new NodeBuilder().withNewMetadata()
        .withName("n1").withUid("uid-1").endMetadata().build());
    CSINode c = r.fresh();
    assertEquals("n1", c.getMetadata().getName());
    assertEquals("v1", c.getMetadata().getOwnerReferences().get(0).getApiVersion());
    assertEquals("Node", c.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals("n1", c.getMetadata().getOwnerReferences().get(0).getName());
    assertEquals("uid-1", c.getMetadata().getOwnerReferences().get(0).getUid());
    assertTrue(c.getSpec().getDrivers().isEmpty());
    assertTrue(c.getMetadata().getAnnotations().get(CsiNodeRegistration.MIGRATED_PLUGINS)
        .contains("kubernetes.io/gce-pd"));
  }

  @Test
  void withoutTheNodesUidThereIsNoOwner() {
    CSINode c = new CsiNodeRegistration(null, "n1", () -> null).fresh();
    assertTrue(c.getMetadata().getOwnerReferences().isEmpty());
  }
}

package io.quarkube.kubelet.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Extended resources others put into the node's capacity survive the kubelet's status updates. */
class ExtendedResourcesTest {
  private static NodeStatus own() {
    return new NodeStatusBuilder().withCapacity(Map.of("cpu", new Quantity("2"), "pods", new Quantity("110")))
        .withAllocatable(Map.of("cpu", new Quantity("2"), "pods", new Quantity("110"))).build();
  }

  @Test
  void anExtendedResourcePatchedIntoCapacityStaysAndBecomesAllocatable() {
    NodeStatus current = own();
    current.getCapacity().put("example.com/fakecpu", new Quantity("1000"));
    NodeStatus next = own();
    NodeStatusManager.keepExtendedResources(current, next);
    assertEquals(new Quantity("1000"), next.getCapacity().get("example.com/fakecpu"));
    assertEquals(new Quantity("1000"), next.getAllocatable().get("example.com/fakecpu"));
    assertEquals(new Quantity("2"), next.getAllocatable().get("cpu"));
  }

  @Test
  void oneTakenOutOfCapacityLeavesAllocatable() {
    NodeStatus current = own();
    current.getAllocatable().put("example.com/fakecpu", new Quantity("1000"));
    NodeStatus next = new NodeStatusBuilder(current).build();
    NodeStatusManager.keepExtendedResources(current, next);
    assertFalse(next.getAllocatable().containsKey("example.com/fakecpu"));
    assertFalse(next.getCapacity().containsKey("example.com/fakecpu"));
  }

  @Test
  void nativeNamesAreNotExtended() {
    assertTrue(NodeStatusManager.isExtended("example.com/fakecpu"));
    assertFalse(NodeStatusManager.isExtended("cpu"));
    assertFalse(NodeStatusManager.isExtended("hugepages-2Mi"));
    assertFalse(NodeStatusManager.isExtended("kubernetes.io/something"));
  }
}

package io.quarkube.scheduler.framework.plugins.nodeunschedulable;

import static io.quarkube.scheduler.testing.Fixtures.info;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.Status;
import org.junit.jupiter.api.Test;

class NodeUnschedulableTest {
  private final NodeUnschedulable plugin = new NodeUnschedulable();
  private final io.fabric8.kubernetes.api.model.Node cordoned = node("n1", "4", "8Gi", 110).editSpec()
      .withUnschedulable(true).endSpec().build();

  @Test
  void cordonedNodeRejectsPods() {
    Status s = plugin.filter(new CycleState(), info(pod("p")), nodeInfo(cordoned));
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals("node(s) were unschedulable", s.message());
  }

  @Test
  void podToleratingTheUnschedulableTaintFits() {
    var p = info(pod("p", null, null).editSpec().withTolerations(new TolerationBuilder()
        .withKey("node.kubernetes.io/unschedulable").withOperator("Exists").withEffect("NoSchedule").build())
        .endSpec().build());
    assertTrue(plugin.filter(new CycleState(), p, nodeInfo(cordoned)).isSuccess());
  }

  @Test
  void schedulableNodeAcceptsPods() {
    assertTrue(plugin.filter(new CycleState(), info(pod("p")), nodeInfo(node("n1"))).isSuccess());
  }
}

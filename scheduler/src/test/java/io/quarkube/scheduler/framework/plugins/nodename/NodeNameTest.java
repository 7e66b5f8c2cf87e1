package io.quarkube.scheduler.framework.plugins.nodename;

import static io.quarkube.scheduler.testing.Fixtures.info;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.Status;
import org.junit.jupiter.api.Test;

class NodeNameTest {
  private final NodeName plugin = new NodeName();

  @Test
  void podWithoutNodeNameFitsEveryNode() {
    assertTrue(plugin.filter(new CycleState(), info(pod("p")), nodeInfo(node("n1"))).isSuccess());
  }

  @Test
  void podNamingANodeFitsOnlyThatNode() {
    var p = info(pod("p", null, null).editSpec().withNodeName("n1").endSpec().build());
    assertTrue(plugin.filter(new CycleState(), p, nodeInfo(node("n1"))).isSuccess());
    Status s = plugin.filter(new CycleState(), p, nodeInfo(node("n2")));
    assertEquals(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, s.code());
    assertEquals("node(s) didn't match the requested node name", s.message());
  }
}

package io.quarkube.scheduler.framework.plugins.nodeports;

import static io.quarkube.scheduler.testing.Fixtures.info;
import static io.quarkube.scheduler.testing.Fixtures.node;
import static io.quarkube.scheduler.testing.Fixtures.nodeInfo;
import static io.quarkube.scheduler.testing.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodePortsTest {
  private final NodePorts plugin = new NodePorts();

  private static Pod withPort(String name, String ip, String protocol, int port) {
    return pod(name, null, null).editSpec().withContainers(new ContainerBuilder().withName("c").withImage("x")
        .withPorts(new ContainerPortBuilder().withContainerPort(80).withHostPort(port).withHostIP(ip)
            .withProtocol(protocol).build()).build()).endSpec().build();
  }

  private Status check(PodInfo p, NodeInfo n) {
    CycleState s = new CycleState();
    if (plugin.preFilter(s, p, List.of(n)).status().isSkip()) {
      return Status.SUCCESS;
    }
    return plugin.filter(s, p, n);
  }

  @Test
  void sameHostPortAndProtocolConflict() {
    NodeInfo n = nodeInfo(node("n1"), new PodInfo(withPort("a", null, "TCP", 8080)));
    Status s = check(info(withPort("b", null, "TCP", 8080)), n);
    assertEquals(Code.UNSCHEDULABLE, s.code());
    assertEquals("node(s) didn't have free ports for the requested pod ports", s.message());
  }

  @Test
  void otherProtocolOrDistinctIpsDoNotConflict() {
    NodeInfo n = nodeInfo(node("n1"), new PodInfo(withPort("a", "10.0.0.1", "TCP", 8080)));
    assertTrue(check(info(withPort("b", "10.0.0.1", "UDP", 8080)), n).isSuccess());
    assertTrue(check(info(withPort("c", "10.0.0.2", "TCP", 8080)), n).isSuccess());
    assertEquals(Code.UNSCHEDULABLE, check(info(withPort("d", "0.0.0.0", "TCP", 8080)), n).code());
  }

  @Test
  void podWithoutHostPortsIsSkipped() {
    assertTrue(plugin.preFilter(new CycleState(), info(pod("p")), List.of()).status().isSkip());
  }

  @Test
  void removingThePodFreesItsPort() {
    PodInfo a = new PodInfo(withPort("a", null, "TCP", 8080));
    NodeInfo n = nodeInfo(node("n1"), a);
    n.removePod(a);
    assertTrue(check(info(withPort("b", null, "TCP", 8080)), n).isSuccess());
  }
}

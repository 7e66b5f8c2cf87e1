package io.quarkube.proxy.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkube.proxy.rules.Endpoint;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import io.quarkube.proxy.rules.ServicePort;
import io.quarkube.proxy.sync.ProxyTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * NodePorts on the node's primary address only (upstream's nftables default {@code --nodeport-addresses primary}):
 * reached there from the node and from a pod, not on the pod bridge's address (nothing listens there: refused).
 */
class NodePortAddressesTest {
  @Test
  void aNodePortAnswersOnTheNodeAddressNotOnTheBridge() {
    assumeTrue(NetNamespace.available(), "needs root, nft and busybox");
    try (NetNamespace node = NetNamespace.create("qkbn");
        NetNamespace pod = NetNamespace.create("qkbp")) {
      node.exec("ip", "link", "add", "qkb-n", "type", "veth", "peer", "name", "eth0", "netns", pod.name());
      node.exec("ip", "addr", "add", "10.88.0.1/24", "dev", "qkb-n");
      node.exec("ip", "link", "set", "qkb-n", "up");
      pod.exec("ip", "addr", "add", "10.88.0.2/24", "dev", "eth0");
      pod.exec("ip", "link", "set", "eth0", "up");
      pod.exec("ip", "route", "add", "default", "via", "10.88.0.1");
      node.exec("ip", "addr", "add", "192.0.2.9/32", "dev", "lo");
      node.exec("ip", "addr", "add", "10.88.0.5/32", "dev", "lo");
      node.server(8080, "web");
      RuleOptions options = new RuleOptions("quarkube_n_proxy", Optional.of("10.88.0.0/16"), Optional.of("qkb-n"));
      new ProxyTable(node.nft(), options).full(Map.of(
          "node", RuleGenerator.nodePortAddresses(List.of("192.0.2.9")),
          "default/web", RuleGenerator.fragment(List.of(new ServicePort("default", "web", "", "tcp",
              List.of("10.96.0.20"), 80, 30080, List.of(), List.of(), 0, List.of(Endpoint.ready("10.88.0.5", 8080)))),
              options)));

      assertEquals("web", node.connect("192.0.2.9", 30080), "from the node to its address");
      assertEquals("web", pod.connect("192.0.2.9", 30080), "from a pod to the node's address");
      String onBridge = pod.connect("10.88.0.1", 30080);
      assertTrue(onBridge.contains("refused"), "the pod bridge's address is no node port address: " + onBridge);
    }
  }
}

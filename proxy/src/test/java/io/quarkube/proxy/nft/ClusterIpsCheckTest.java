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
 * Upstream's cluster-ips-check against the real kernel: a ClusterIP on a port its Service does not have is refused at
 * once, from the node itself and from a pod behind the cluster's bridge, instead of the connection hanging; an
 * address of the service range that no Service holds is dropped. The "node" namespace has an uplink whose gateway never
 * answers (as a host's default route, where such packets would otherwise go).
 */
class ClusterIpsCheckTest {
  @Test
  void undefinedPortsOfClusterIpsAreRefusedAndUnallocatedAddressesDropped() {
    assumeTrue(NetNamespace.available(), "needs root, nft and busybox");
    try (NetNamespace node = NetNamespace.create("qkbn");
        NetNamespace pod = NetNamespace.create("qkbp")) {
      node.exec("ip", "link", "add", "qkb-c", "type", "veth", "peer", "name", "eth0", "netns", pod.name());
      node.exec("ip", "addr", "add", "10.88.0.1/24", "dev", "qkb-c");
      node.exec("ip", "link", "set", "qkb-c", "up");
      pod.exec("ip", "addr", "add", "10.88.0.2/24", "dev", "eth0");
      pod.exec("ip", "link", "set", "eth0", "up");
      pod.exec("ip", "route", "add", "default", "via", "10.88.0.1");
      node.exec("ip", "link", "add", "up0", "type", "veth", "peer", "name", "up1");
      node.exec("ip", "addr", "add", "192.0.2.9/24", "dev", "up0");
      node.exec("ip", "link", "set", "up0", "up");
      node.exec("ip", "link", "set", "up1", "up");
      node.exec("ip", "route", "add", "default", "via", "192.0.2.1");
      node.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
      node.exec("ip", "addr", "add", "10.88.0.5/32", "dev", "lo");
      node.server(8080, "web");
      RuleOptions options = new RuleOptions("quarkube_c_proxy", Optional.of("10.88.0.0/16"), Optional.of("qkb-c"),
          Optional.empty(), Optional.of("10.96.0.0/12"));
      new ProxyTable(node.nft(), options).full(Map.of("default/web", RuleGenerator.fragment(List.of(new ServicePort(
          "default", "web", "", "tcp", List.of("10.96.0.20"), 80, 0, List.of(), List.of(), 0,
          List.of(Endpoint.ready("10.88.0.5", 8080)))), options)));

      assertEquals("web", node.connect("10.96.0.20", 80), "the Service's own port still works");
      assertEquals("web", pod.connect("10.96.0.20", 80));
      String fromNode = node.connect("10.96.0.20", 81);
      assertTrue(fromNode.contains("refused"), "from the node: " + fromNode);
      String fromPod = pod.connect("10.96.0.20", 81);
      assertTrue(fromPod.contains("refused"), "from a pod: " + fromPod);
      String unallocated = pod.connect("10.96.0.99", 80);
      assertTrue(unallocated.contains("timed out"), "no Service holds it: dropped, " + unallocated);
      // Dropped here, not sent to the uplink's gateway.
      assertTrue(node.exec("nft", "list", "chain", "ip", "quarkube_c_proxy", "cluster-ips-check")
          .contains("ip daddr 10.96.0.0/12 drop"));
    }
  }
}

package io.quarkube.proxy.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkube.proxy.rules.Endpoint;
import io.quarkube.proxy.rules.Fragment;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import io.quarkube.proxy.rules.ServicePort;
import io.quarkube.proxy.sync.ProxyTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two clusters on one machine: each proxy has its own table and its own pod bridge, and both use the same ClusterIP
 * for different Services. A "node" namespace holds both tables and the endpoints; each cluster's "pod" is a namespace
 * behind a veth named like that cluster's bridge. Each pod reaches its own cluster's Service, never the other's.
 */
class ClustersSideBySideTest {
  private static Fragment web(RuleOptions options, Endpoint ep) {
    return RuleGenerator.fragment(List.of(new ServicePort("default", "web", "", "tcp", List.of("10.96.0.20"), 80, 0,
        List.of(), List.of(), 0, List.of(ep))), options);
  }

  @Test
  void eachClustersPodsReachOnlyTheirOwnClusterIps() {
    assumeTrue(NetNamespace.available(), "needs root, nft and busybox");
    try (NetNamespace node = NetNamespace.create("qkbn");
        NetNamespace podA = NetNamespace.create("qkba");
        NetNamespace podB = NetNamespace.create("qkbb")) {
      link(node, podA, "qkb-a", "10.88.0.1", "10.88.0.2");
      link(node, podB, "qkb-b", "10.89.0.1", "10.89.0.2");
      node.exec("ip", "addr", "add", "10.88.0.5/32", "dev", "lo");
      node.exec("ip", "addr", "add", "10.89.0.5/32", "dev", "lo");
      node.server(8080, "cluster-a");
      node.server(8081, "cluster-b");
      RuleOptions a = new RuleOptions("quarkube_a_proxy", Optional.of("10.88.0.0/16"), Optional.of("qkb-a"));
      RuleOptions b = new RuleOptions("quarkube_b_proxy", Optional.of("10.89.0.0/16"), Optional.of("qkb-b"));
      new ProxyTable(node.nft(), a).full(Map.of("default/web", web(a, Endpoint.ready("10.88.0.5", 8080))));
      new ProxyTable(node.nft(), b).full(Map.of("default/web", web(b, Endpoint.ready("10.89.0.5", 8081))));
      for (int i = 0; i < 5; i++) {
        assertEquals("cluster-a", podA.connect("10.96.0.20", 80));
        assertEquals("cluster-b", podB.connect("10.96.0.20", 80));
      }
    }
  }

  /** A veth pair: {@code ifname} on the node side (like a cluster's bridge), eth0 in the pod with a default route. */
  private static void link(NetNamespace node, NetNamespace pod, String ifname, String nodeIp, String podIp) {
    node.exec("ip", "link", "add", ifname, "type", "veth", "peer", "name", "eth0", "netns", pod.name());
    node.exec("ip", "addr", "add", nodeIp + "/24", "dev", ifname);
    node.exec("ip", "link", "set", ifname, "up");
    pod.exec("ip", "addr", "add", podIp + "/24", "dev", "eth0");
    pod.exec("ip", "link", "set", "eth0", "up");
    pod.exec("ip", "route", "add", "default", "via", nodeIp);
  }
}

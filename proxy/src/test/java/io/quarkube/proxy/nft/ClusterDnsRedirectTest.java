package io.quarkube.proxy.nft;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkube.proxy.rules.LocalRedirect;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import io.quarkube.proxy.sync.ProxyTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The DNS Service IP redirected to the real DNS server (bound to the wildcard address, as the proxy runs it) in a
 * "node" namespace: queried over UDP from the node itself (as the host or a hostNetwork pod does) and from a pod behind
 * the cluster's bridge, and over TCP from the node. A UDP client only accepts a reply from the address it asked.
 */
class ClusterDnsRedirectTest {
  private static final int DNS_PORT = 10053;

  @Test
  void theDnsServiceIpAnswersTheNodeItselfAndPods() throws Exception {
    assumeTrue(NetNamespace.available(), "needs root, nft and busybox");
    try (NetNamespace node = NetNamespace.create("qkbn");
        NetNamespace pod = NetNamespace.create("qkbp")) {
      node.exec("ip", "link", "add", "qkb-d", "type", "veth", "peer", "name", "eth0", "netns", pod.name());
      node.exec("ip", "addr", "add", "10.88.0.1/24", "dev", "qkb-d");
      node.exec("ip", "link", "set", "qkb-d", "up");
      pod.exec("ip", "addr", "add", "10.88.0.2/24", "dev", "eth0");
      pod.exec("ip", "link", "set", "eth0", "up");
      pod.exec("ip", "route", "add", "default", "via", "10.88.0.1");
      // The node's own address, which its traffic to ClusterIPs comes from (as a host's eth0 address does).
      node.exec("ip", "addr", "add", "192.0.2.9/32", "dev", "lo");
      node.exec("ip", "route", "add", "10.96.0.0/12", "dev", "lo", "src", "192.0.2.9");
      RuleOptions options = new RuleOptions("quarkube_d_proxy", Optional.of("10.88.0.0/16"), Optional.of("qkb-d"));
      new ProxyTable(node.nft(), options).full(Map.of("", RuleGenerator.redirects(List.of(
          new LocalRedirect("10.96.0.10", "udp", 53, DNS_PORT), new LocalRedirect("10.96.0.10", "tcp", 53, DNS_PORT)))));
      String java = ProcessHandle.current().info().command().orElse("java");
      node.startAndAwait("ready", Duration.ofSeconds(60), java, "-Xshare:auto", "-cp",
          System.getProperty("java.class.path"), ClusterDnsServerMain.class.getName(), Integer.toString(DNS_PORT));

      String fromNode = node.execAnyway("busybox", "nslookup", "web.default.svc.cluster.local", "10.96.0.10");
      assertTrue(fromNode.contains("10.96.0.20"), "UDP from the node: " + fromNode);
      String fromPod = pod.execAnyway("busybox", "nslookup", "web.default.svc.cluster.local", "10.96.0.10");
      assertTrue(fromPod.contains("10.96.0.20"), "UDP from a pod: " + fromPod);
      String overTcp = node.execAnyway("sh", "-c", "printf '" + tcpQuery("web.default.svc.cluster.local.")
          + "' | busybox nc -w 3 10.96.0.10 53 | busybox od -An -tx1 -v | tr -d ' \\n'");
      assertTrue(overTcp.contains("0a600014"), "TCP from the node, the answer holds 10.96.0.20: " + overTcp);
    }
  }

  /** A DNS query over TCP (length-prefixed) as printf octal escapes. */
  private static String tcpQuery(String name) throws Exception {
    byte[] wire = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
    StringBuilder s = new StringBuilder(String.format("\\%03o\\%03o", wire.length >> 8, wire.length & 0xff));
    for (byte b : wire) {
      s.append(String.format("\\%03o", b & 0xff));
    }
    return s.toString();
  }
}

package io.quarkube.proxy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expected nft text of the proxy's table for ClusterIP, NodePort, affinity, no-endpoint reject and DNS redirect. */
class RuleGeneratorTest {
  private static final RuleOptions OPTIONS =
      new RuleOptions("qp", Optional.of("10.88.0.0/16"), Optional.of("qkb-test"));

  private static ServicePort port(String name, String proto, String ip, int port, int nodePort, int affinity,
      List<Endpoint> eps) {
    return new ServicePort("ns", name, "", proto, List.of(ip), port, nodePort, List.of(), List.of(), affinity, eps);
  }

  private static String body(RuleGenerator.Ruleset r) {
    return r.script();
  }

  @Test
  void clusterIpBalancesRandomlyOverReadyEndpointsOnly() {
    var web = new ServicePort("ns", "web", "http", "tcp", List.of("10.96.0.20"), 80, 0, List.of(), List.of(), 0,
        List.of(Endpoint.ready("10.88.0.6", 8080), Endpoint.ready("10.88.0.5", 8080),
            new Endpoint("10.88.0.7", 8080, false, false, false, null)));
    String s = body(RuleGenerator.generate(List.of(web), List.of(), OPTIONS));
    assertTrue(s.startsWith("add table ip qp\ndelete table ip qp\ntable ip qp {\n"), s);
    assertTrue(s.contains("""
        \tmap service-ips {
        \t\ttype ipv4_addr . inet_proto . inet_service : verdict;
        \t\telements = {
        \t\t\t10.96.0.20 . tcp . 80 : goto svc-ns/web/tcp/http
        \t\t}
        \t}
        """), s);
    assertTrue(s.contains("""
        \tchain svc-ns/web/tcp/http {
        \t\tip saddr != 10.88.0.0/16 jump mark-for-masquerade
        \t\tnumgen random mod 2 vmap { 0 : goto ep-ns/web/tcp/http__10.88.0.5/8080, \
        1 : goto ep-ns/web/tcp/http__10.88.0.6/8080 }
        \t}
        """), s);
    assertTrue(s.contains("""
        \tchain ep-ns/web/tcp/http__10.88.0.5/8080 {
        \t\tip saddr 10.88.0.5 jump mark-for-masquerade
        \t\tmeta l4proto tcp dnat to 10.88.0.5:8080
        \t}
        """), s);
    assertFalse(s.contains("10.88.0.7"), "a not-ready endpoint gets no traffic:\n" + s);
    // Pods come in through their bridge; other interfaces only reach node ports.
    assertTrue(s.contains("""
        \tchain nat-prerouting {
        \t\ttype nat hook prerouting priority dstnat; policy accept;
        \t\tiifname "qkb-test" jump services
        \t\tiifname != "qkb-test" jump node-ports
        \t}
        """), s);
  }

  @Test
  void nodePortIsLookedUpOnLocalAddressesAndMasqueraded() {
    var web = port("web", "tcp", "10.96.0.20", 80, 30080, 0, List.of(Endpoint.ready("10.88.0.5", 8080)));
    String s = body(RuleGenerator.generate(List.of(web), List.of(), OPTIONS));
    assertTrue(s.contains("""
        \tmap service-nodeports {
        \t\ttype inet_proto . inet_service : verdict;
        \t\telements = {
        \t\t\ttcp . 30080 : goto ext-ns/web/tcp/80
        \t\t}
        \t}
        """), s);
    assertTrue(s.contains("""
        \tchain node-ports {
        \t\tfib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
        \t}
        """), s);
    assertTrue(s.contains("""
        \tchain ext-ns/web/tcp/80 {
        \t\tjump mark-for-masquerade
        \t\tgoto svc-ns/web/tcp/80
        \t}
        """), s);
    assertTrue(s.contains("""
        \tchain masquerading {
        \t\tmeta mark & 0x4000 == 0 return
        \t\tmeta mark set meta mark ^ 0x4000
        \t\tmasquerade fully-random
        \t}
        """), s);
  }

  @Test
  void clientIpAffinityUsesATimedSetPerEndpoint() {
    var sticky = port("sticky", "tcp", "10.96.0.21", 80, 0, 600, List.of(Endpoint.ready("10.88.0.5", 8080)));
    String s = body(RuleGenerator.generate(List.of(sticky), List.of(), OPTIONS));
    assertTrue(s.contains("""
        \tchain svc-ns/sticky/tcp/80 {
        \t\tip saddr != 10.88.0.0/16 jump mark-for-masquerade
        \t\tip saddr @affinity-ns/sticky/tcp/80__10.88.0.5/8080 goto ep-ns/sticky/tcp/80__10.88.0.5/8080
        \t\tnumgen random mod 1 vmap { 0 : goto ep-ns/sticky/tcp/80__10.88.0.5/8080 }
        \t}
        """), s);
    assertTrue(s.contains("""
        \tset affinity-ns/sticky/tcp/80__10.88.0.5/8080 {
        \t\ttype ipv4_addr; flags dynamic,timeout; timeout 600s;
        \t}
        \tchain ep-ns/sticky/tcp/80__10.88.0.5/8080 {
        \t\tip saddr 10.88.0.5 jump mark-for-masquerade
        \t\tupdate @affinity-ns/sticky/tcp/80__10.88.0.5/8080 { ip saddr }
        \t\tmeta l4proto tcp dnat to 10.88.0.5:8080
        \t}
        """), s);
  }

  @Test
  void serviceWithoutEndpointsIsRejectedBeforeRouting() {
    var empty = port("empty", "udp", "10.96.0.22", 53, 30053, 0,
        List.of(new Endpoint("10.88.0.9", 53, false, false, false, null)));
    var r = RuleGenerator.generate(List.of(empty), List.of(), OPTIONS);
    String s = body(r);
    assertTrue(s.contains("\t\t\t10.96.0.22 . udp . 53 : goto reject-chain\n"), s);
    assertTrue(s.contains("\t\t\tudp . 30053 : goto reject-chain\n"), s);
    assertTrue(s.contains("""
        \tchain reject-chain {
        \t\tmeta l4proto tcp reject with tcp reset
        \t\treject
        \t}
        """), s);
    assertTrue(s.contains("""
        \tchain filter-forward {
        \t\ttype filter hook forward priority -110; policy accept;
        \t\tct state new jump service-endpoints-check
        \t}
        """), s);
    assertFalse(s.contains("chain svc-"), "no service chain without endpoints:\n" + s);
    assertEquals(2, r.elements());
  }

  @Test
  void terminatingServingEndpointsAreAFallbackOnly() {
    var eps = List.of(new Endpoint("10.88.0.5", 80, false, true, true, null),
        Endpoint.ready("10.88.0.6", 80));
    String s = body(RuleGenerator.generate(List.of(port("a", "tcp", "10.96.0.30", 80, 0, 0, eps)), List.of(), OPTIONS));
    assertFalse(s.contains("10.88.0.5"), s);
    String fallback = body(RuleGenerator.generate(List.of(port("a", "tcp", "10.96.0.30", 80, 0, 0, eps.subList(0, 1))),
        List.of(), OPTIONS));
    assertTrue(fallback.contains("dnat to 10.88.0.5:80"), fallback);
  }

  @Test
  void dnsServiceIpIsRedirectedToTheHostPort() {
    String s = body(RuleGenerator.generate(List.of(), List.of(new LocalRedirect("10.96.0.10", "udp", 53, 10053),
        new LocalRedirect("10.96.0.10", "tcp", 53, 10053)), RuleOptions.of("qp")));
    assertTrue(s.contains("\t\t\t10.96.0.10 . tcp . 53 : goto redirect-tcp-10053,\n"
        + "\t\t\t10.96.0.10 . udp . 53 : goto redirect-udp-10053\n"), s);
    assertTrue(s.contains("""
        \tchain redirect-udp-10053 {
        \t\tmeta l4proto udp redirect to :10053
        \t}
        """), s);
    // Without a pod interface every packet is looked up.
    assertTrue(s.contains("\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tjump services\n"), s);
  }

  @Test
  void emptyMapsHaveNoElementsLine() {
    String s = body(RuleGenerator.generate(List.of(), List.of(), RuleOptions.of("qp")));
    assertTrue(s.contains("\tmap service-ips {\n\t\ttype ipv4_addr . inet_proto . inet_service : verdict;\n\t}\n"), s);
    assertEquals("add table ip qp\ndelete table ip qp\n", RuleGenerator.deleteTable("qp"));
  }
}

package io.quarkube.proxy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Expected nft text of the proxy's table for ClusterIP, NodePort, external IPs, affinity, no-endpoint reject,
 * terminating fallback, the Local traffic policies and the DNS redirect.
 */
class RuleGeneratorTest {
  static final RuleOptions OPTIONS =
      new RuleOptions("qp", Optional.of("10.88.0.0/16"), Optional.of("qkb-test"), Optional.of("node-a"));

  static ServicePort port(String name, String proto, String ip, int port, int nodePort, int affinity,
      List<Endpoint> eps) {
    return new ServicePort("ns", name, "", proto, List.of(ip), port, nodePort, List.of(), List.of(), affinity, eps);
  }

  static Endpoint on(String node, String ip, int port) {
    return new Endpoint(ip, port, true, true, false, node);
  }

  @Test
  void clusterIpIsOneVerdictElementAndOneEndpointElementPerReadyEndpoint() {
    var web = new ServicePort("ns", "web", "http", "tcp", List.of("10.96.0.20"), 80, 0, List.of(), List.of(), 0,
        List.of(Endpoint.ready("10.88.0.6", 8080), Endpoint.ready("10.88.0.5", 8080),
            new Endpoint("10.88.0.7", 8080, false, false, false, null)));
    Fragment f = RuleGenerator.fragment(List.of(web), OPTIONS);
    assertEquals(Map.of("10.96.0.20 . tcp . 80", "goto pick-2"), f.elements(RuleGenerator.SERVICE_IPS));
    assertEquals(Map.of("10.96.0.20 . tcp . 80 . 0", "10.88.0.5 . 8080", "10.96.0.20 . tcp . 80 . 1", "10.88.0.6 . 8080"),
        f.elements(RuleGenerator.SERVICE_ENDPOINTS), "a not-ready endpoint gets no slot");
    assertEquals(List.of("pick-2"), List.copyOf(f.sharedChains()));
    assertEquals(List.of("10.88.0.5", "10.88.0.6"), List.copyOf(f.hairpin()));
    assertTrue(f.chains().isEmpty(), "no chain of its own: " + f.chains());
    assertEquals(List.of(
        "ip saddr != 10.88.0.0/16 jump mark-for-masquerade",
        "meta l4proto tcp dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 2 map @service-endpoints",
        "meta l4proto udp dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 2 map @service-endpoints",
        "meta l4proto sctp dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 2 map @service-endpoints"),
        RuleGenerator.sharedChain("pick-2", OPTIONS));
  }

  @Test
  void nodePortAndExternalIpsAreMasqueradedAndLookedUpOnLocalAddresses() {
    var web = new ServicePort("ns", "web", "", "udp", List.of("10.96.0.20"), 53, 30053, List.of("192.0.2.10"),
        List.of("192.0.2.20"), 0, List.of(Endpoint.ready("10.88.0.5", 5353)));
    Fragment f = RuleGenerator.fragment(List.of(web), OPTIONS);
    assertEquals(Map.of("udp . 30053", "goto np-pick-1"), f.elements(RuleGenerator.SERVICE_NODEPORTS));
    assertEquals(Map.of("udp . 30053 . 0", "10.88.0.5 . 5353"), f.elements(RuleGenerator.NODEPORT_ENDPOINTS));
    assertEquals(Map.of("10.96.0.20 . udp . 53", "goto pick-1", "192.0.2.10 . udp . 53", "goto ext-pick-1",
        "192.0.2.20 . udp . 53", "goto ext-pick-1"), f.elements(RuleGenerator.SERVICE_IPS));
    assertEquals(List.of("jump mark-for-masquerade",
        "meta l4proto tcp dnat ip to meta l4proto . th dport . numgen random mod 1 map @nodeport-endpoints",
        "meta l4proto udp dnat ip to meta l4proto . th dport . numgen random mod 1 map @nodeport-endpoints",
        "meta l4proto sctp dnat ip to meta l4proto . th dport . numgen random mod 1 map @nodeport-endpoints"),
        RuleGenerator.sharedChain("np-pick-1", OPTIONS));
    assertEquals("jump mark-for-masquerade", RuleGenerator.sharedChain("ext-pick-1", OPTIONS).get(0));
    var fixed = RuleGenerator.fixedChains(OPTIONS);
    assertEquals(List.of("ip daddr vmap @nodeport-ips"), fixed.get("node-ports").rules());
    assertEquals(List.of("meta l4proto . th dport vmap @service-nodeports"), fixed.get("nodeport-services").rules());
    assertEquals(List.of("ct status dnat ip saddr . ip daddr @hairpin masquerade", "meta mark & 0x4000 == 0 return",
        "meta mark set meta mark ^ 0x4000", "masquerade fully-random"), fixed.get("masquerading").rules());
  }

  @Test
  void clientIpAffinityKeepsAChainAndATimedSetPerEndpoint() {
    var sticky = port("sticky", "tcp", "10.96.0.21", 80, 0, 600, List.of(Endpoint.ready("10.88.0.5", 8080)));
    Fragment f = RuleGenerator.fragment(List.of(sticky), OPTIONS);
    assertEquals(Map.of("10.96.0.21 . tcp . 80", "goto svc-ns/sticky/tcp/80"), f.elements(RuleGenerator.SERVICE_IPS));
    assertEquals(List.of("ip saddr != 10.88.0.0/16 jump mark-for-masquerade",
        "ip saddr @affinity-ns/sticky/tcp/80__10.88.0.5/8080 goto ep-ns/sticky/tcp/80__10.88.0.5/8080",
        "numgen random mod 1 vmap { 0 : goto ep-ns/sticky/tcp/80__10.88.0.5/8080 }"),
        f.chains().get("svc-ns/sticky/tcp/80"));
    assertEquals(List.of("ip saddr 10.88.0.5 jump mark-for-masquerade",
        "update @affinity-ns/sticky/tcp/80__10.88.0.5/8080 { ip saddr }", "meta l4proto tcp dnat to 10.88.0.5:8080"),
        f.chains().get("ep-ns/sticky/tcp/80__10.88.0.5/8080"));
    assertEquals(Map.of("affinity-ns/sticky/tcp/80__10.88.0.5/8080", "type ipv4_addr; flags dynamic,timeout; timeout 600s;"),
        f.sets());
  }

  @Test
  void serviceWithoutEndpointsIsRejectedBeforeRouting() {
    var empty = port("empty", "udp", "10.96.0.22", 53, 30053, 0,
        List.of(new Endpoint("10.88.0.9", 53, false, false, false, null)));
    Fragment f = RuleGenerator.fragment(List.of(empty), OPTIONS);
    assertEquals(Map.of("10.96.0.22 . udp . 53", "goto reject-chain"), f.elements(RuleGenerator.NO_ENDPOINT_SERVICES));
    assertEquals(Map.of("udp . 30053", "goto reject-chain"), f.elements(RuleGenerator.NO_ENDPOINT_NODEPORTS));
    assertTrue(f.elements(RuleGenerator.SERVICE_IPS).isEmpty());
    var fixed = RuleGenerator.fixedChains(OPTIONS);
    assertEquals(List.of("meta l4proto tcp reject with tcp reset", "reject"), fixed.get("reject-chain").rules());
    assertEquals("type filter hook output priority -110; policy accept;", fixed.get("filter-output").hook());
    assertEquals(List.of("ip daddr . meta l4proto . th dport vmap @no-endpoint-services"),
        fixed.get("service-endpoints-check").rules());
  }

  @Test
  void terminatingServingEndpointsAreAFallbackOnly() {
    var eps = List.of(new Endpoint("10.88.0.5", 80, false, true, true, null), Endpoint.ready("10.88.0.6", 80));
    Fragment both = RuleGenerator.fragment(List.of(port("a", "tcp", "10.96.0.30", 80, 0, 0, eps)), OPTIONS);
    assertEquals(Map.of("10.96.0.30 . tcp . 80 . 0", "10.88.0.6 . 80"), both.elements(RuleGenerator.SERVICE_ENDPOINTS));
    Fragment fallback = RuleGenerator.fragment(List.of(port("a", "tcp", "10.96.0.30", 80, 0, 0, eps.subList(0, 1))),
        OPTIONS);
    assertEquals(Map.of("10.96.0.30 . tcp . 80 . 0", "10.88.0.5 . 80"),
        fallback.elements(RuleGenerator.SERVICE_ENDPOINTS));
  }

  @Test
  void internalTrafficPolicyLocalUsesThisNodesEndpointsOrDrops() {
    var eps = List.of(on("node-a", "10.88.0.5", 80), on("node-b", "10.88.1.5", 80));
    var local = new ServicePort("ns", "loc", "", "tcp", List.of("10.96.0.40"), 80, 0, List.of(), List.of(), 0, eps,
        true, false);
    Fragment f = RuleGenerator.fragment(List.of(local), OPTIONS);
    assertEquals(Map.of("10.96.0.40 . tcp . 80", "goto pick-1"), f.elements(RuleGenerator.SERVICE_IPS));
    assertEquals(Map.of("10.96.0.40 . tcp . 80 . 0", "10.88.0.5 . 80"), f.elements(RuleGenerator.SERVICE_ENDPOINTS));
    Fragment elsewhere = RuleGenerator.fragment(List.of(local), new RuleOptions("qp", Optional.empty(),
        Optional.empty(), Optional.of("node-c")));
    assertEquals(Map.of("10.96.0.40 . tcp . 80", "drop"), elsewhere.elements(RuleGenerator.NO_ENDPOINT_SERVICES),
        "no local endpoint: dropped, not rejected (upstream)");
    assertTrue(elsewhere.elements(RuleGenerator.SERVICE_IPS).isEmpty());
  }

  @Test
  void externalTrafficPolicyLocalKeepsTheClientAddressAndUsesLocalEndpoints() {
    var eps = List.of(on("node-a", "10.88.0.5", 80), on("node-b", "10.88.1.5", 80), on("node-b", "10.88.1.6", 80));
    var lb = new ServicePort("ns", "lb", "", "tcp", List.of("10.96.0.41"), 80, 30041, List.of(), List.of("192.0.2.41"),
        0, eps, false, true);
    Fragment f = RuleGenerator.fragment(List.of(lb), OPTIONS);
    assertEquals(Map.of("10.96.0.41 . tcp . 80", "goto pick-3", "192.0.2.41 . tcp . 80", "goto local-pick-1"),
        f.elements(RuleGenerator.SERVICE_IPS), "ClusterIP traffic still uses every endpoint");
    assertEquals(Map.of("tcp . 30041", "goto local-np-pick-1"), f.elements(RuleGenerator.SERVICE_NODEPORTS));
    assertEquals(Map.of("tcp . 30041 . 0", "10.88.0.5 . 80"), f.elements(RuleGenerator.NODEPORT_ENDPOINTS));
    assertFalse(String.join("\n", RuleGenerator.sharedChain("local-np-pick-1", OPTIONS)).contains("masquerade"));
    assertFalse(String.join("\n", RuleGenerator.sharedChain("local-pick-1", OPTIONS)).contains("masquerade"));
  }

  @Test
  void dnsServiceIpIsRedirectedToTheHostPort() {
    Fragment f = RuleGenerator.redirects(List.of(new LocalRedirect("10.96.0.10", "udp", 53, 10053),
        new LocalRedirect("10.96.0.10", "tcp", 53, 10053)));
    assertEquals(Map.of("10.96.0.10 . tcp . 53", "goto redirect-tcp-10053", "10.96.0.10 . udp . 53",
        "goto redirect-udp-10053"), f.elements(RuleGenerator.SERVICE_IPS));
    assertEquals(List.of("fib saddr type local meta l4proto udp dnat ip to ip saddr : 10053",
        "meta l4proto udp redirect to :10053"), f.chains().get("redirect-udp-10053"));
  }

  @Test
  void onlyThisClustersPodBridgeReachesItsClusterIps() {
    var fixed = RuleGenerator.fixedChains(OPTIONS);
    assertEquals(List.of("iifname \"qkb-test\" jump services", "iifname != \"qkb-test\" jump node-ports"),
        fixed.get("nat-prerouting").rules());
    assertEquals(List.of("iifname \"qkb-test\" ct state new jump service-endpoints-check",
        "iifname \"qkb-test\" ct state new jump cluster-ips-check"),
        fixed.get("filter-forward").rules(), "another cluster's forwarded pod traffic is never rejected here");
    // Without a pod interface every packet is looked up.
    assertEquals(List.of("jump services"), RuleGenerator.fixedChains(RuleOptions.of("qp")).get("nat-prerouting").rules());
  }

  @Test
  void clusterIpsOnUndefinedPortsAreRejectedAndTheRestOfTheRangeDropped() {
    Fragment f = RuleGenerator.fragment(List.of(new ServicePort("ns", "web", "", "tcp", List.of("10.96.0.20"), 80, 0,
        List.of(), List.of(), 0, List.of())), OPTIONS);
    assertEquals(Map.of("10.96.0.20", "goto reject-chain"), f.elements(RuleGenerator.CLUSTER_IPS));
    var fixed = RuleGenerator.fixedChains(new RuleOptions("qp", Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of("10.96.0.0/12")));
    assertEquals(List.of("ip daddr vmap @cluster-ips", "ip daddr 10.96.0.0/12 drop"),
        fixed.get("cluster-ips-check").rules());
    assertEquals("type filter hook output priority -1; policy accept;", fixed.get("filter-output-post-dnat").hook(),
        "host traffic is checked after its DNAT (nat output is at -100)");
  }

  @Test
  void nodePortsAnswerOnlyOnTheNodesPrimaryAddress() {
    Fragment f = RuleGenerator.nodePortAddresses(List.of("192.0.2.2"));
    assertEquals(Map.of("192.0.2.2", "goto nodeport-services"), f.elements(RuleGenerator.NODEPORT_IPS));
    assertEquals(Map.of("192.0.2.2", "goto nodeport-no-endpoints"), f.elements(RuleGenerator.NODEPORT_IPS_CHECK));
    var fixed = RuleGenerator.fixedChains(OPTIONS);
    assertEquals(List.of("ip daddr vmap @nodeport-ips-check"), fixed.get("nodeport-endpoints-check").rules());
    assertFalse(fixed.values().stream().anyMatch(c -> c.rules().stream().anyMatch(r -> r.contains("fib daddr"))),
        "not every local address (the pod bridge's) answers NodePorts");
  }

  @Test
  void deleteTableIsHarmlessWhenAbsent() {
    assertEquals("add table ip qp\ndelete table ip qp\n", RuleGenerator.deleteTable("qp"));
  }
}

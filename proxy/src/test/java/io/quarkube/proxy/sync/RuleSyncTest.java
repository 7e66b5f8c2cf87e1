package io.quarkube.proxy.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.proxy.rules.Endpoint;
import io.quarkube.proxy.rules.Fragment;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import io.quarkube.proxy.rules.ServicePort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The transactions: a full one declares, flushes and refills; an incremental one touches only what changed. */
class RuleSyncTest {
  private static final RuleOptions OPTIONS = new RuleOptions("qp", Optional.of("10.88.0.0/16"), Optional.empty());

  private static Fragment web(String... endpointIps) {
    List<Endpoint> eps = java.util.Arrays.stream(endpointIps).map(ip -> Endpoint.ready(ip, 8080)).toList();
    return RuleGenerator.fragment(List.of(new ServicePort("ns", "web", "", "tcp", List.of("10.96.0.20"), 80, 0,
        List.of(), List.of(), 0, eps)), OPTIONS);
  }

  private static Fragment other(int i) {
    return RuleGenerator.fragment(List.of(new ServicePort("ns", "s" + i, "", "tcp", List.of("10.96.1." + i), 80, 0,
        List.of(), List.of(), 0, List.of(Endpoint.ready("10.88.1." + i, 80)))), OPTIONS);
  }

  @Test
  void oneChangedEndpointRewritesOnlyItsOwnElements() {
    RuleSync sync = new RuleSync(OPTIONS);
    Map<String, Fragment> all = new HashMap<>(Map.of("ns/web", web("10.88.0.5", "10.88.0.6")));
    for (int i = 0; i < 50; i++) {
      all.put("ns/s" + i, other(i));
    }
    RuleSync.Plan full = sync.full(all);
    assertTrue(full.full());
    sync.commit(full);

    RuleSync.Plan inc = sync.incremental(Map.of("ns/web", web("10.88.0.5", "10.88.0.7")));
    assertEquals("""
        delete element ip qp service-endpoints { 10.96.0.20 . tcp . 80 . 1 }
        delete element ip qp hairpin { 10.88.0.6 . 10.88.0.6 }
        add element ip qp service-endpoints { 10.96.0.20 . tcp . 80 . 1 : 10.88.0.7 . 8080 }
        add element ip qp hairpin { 10.88.0.7 . 10.88.0.7 }
        """, inc.script());
    sync.commit(inc);

    // A third endpoint: the verdict moves to the shared chain for 3 (created), the one for 2 has no user left.
    RuleSync.Plan grow = sync.incremental(Map.of("ns/web", web("10.88.0.5", "10.88.0.7", "10.88.0.8")));
    assertEquals("""
        delete element ip qp service-ips { 10.96.0.20 . tcp . 80 }
        flush chain ip qp pick-2
        delete chain ip qp pick-2
        add chain ip qp pick-3
        add rule ip qp pick-3 ip saddr != 10.88.0.0/16 jump mark-for-masquerade
        add rule ip qp pick-3 meta l4proto tcp dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 3 map @service-endpoints
        add rule ip qp pick-3 meta l4proto udp dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 3 map @service-endpoints
        add rule ip qp pick-3 meta l4proto sctp dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 3 map @service-endpoints
        add element ip qp service-endpoints { 10.96.0.20 . tcp . 80 . 2 : 10.88.0.8 . 8080 }
        add element ip qp service-ips { 10.96.0.20 . tcp . 80 : goto pick-3 }
        add element ip qp hairpin { 10.88.0.8 . 10.88.0.8 }
        """, grow.script());
    sync.commit(grow);

    // Nothing changed: nothing to do. The Service gone: its elements go, nothing else.
    assertTrue(sync.incremental(Map.of()).empty());
    RuleSync.Plan gone = sync.incremental(Map.of("ns/web", Fragment.EMPTY));
    assertEquals("""
        delete element ip qp cluster-ips { 10.96.0.20 }
        delete element ip qp service-endpoints { 10.96.0.20 . tcp . 80 . 0 }
        delete element ip qp service-endpoints { 10.96.0.20 . tcp . 80 . 1 }
        delete element ip qp service-endpoints { 10.96.0.20 . tcp . 80 . 2 }
        delete element ip qp service-ips { 10.96.0.20 . tcp . 80 }
        delete element ip qp hairpin { 10.88.0.5 . 10.88.0.5, 10.88.0.7 . 10.88.0.7, 10.88.0.8 . 10.88.0.8 }
        flush chain ip qp pick-3
        delete chain ip qp pick-3
        """, gone.script());
    sync.commit(gone);
    assertEquals(50, sync.services());
  }

  @Test
  void fullSyncDeclaresFlushesAndRefillsButKeepsAffinitySets() {
    RuleSync sync = new RuleSync(OPTIONS);
    Fragment sticky = RuleGenerator.fragment(List.of(new ServicePort("ns", "sticky", "", "tcp", List.of("10.96.0.21"),
        80, 0, List.of(), List.of(), 60, List.of(Endpoint.ready("10.88.0.5", 80)))), OPTIONS);
    RuleSync.Plan first = sync.full(Map.of("ns/sticky", sticky, "ns/web", web("10.88.0.5")));
    String s = first.script();
    assertTrue(s.startsWith("add table ip qp\nadd map ip qp service-ips { type ipv4_addr . inet_proto . inet_service "
        + ": verdict; }\n"), s);
    assertTrue(s.contains("add chain ip qp nat-prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"), s);
    assertTrue(s.contains("flush map ip qp service-ips\n"), s);
    assertTrue(s.contains("flush chain ip qp pick-1\n"), s);
    assertTrue(s.contains("add set ip qp affinity-ns/sticky/tcp/80__10.88.0.5/80 { type ipv4_addr; flags dynamic,timeout; "
        + "timeout 60s; }\n"), s);
    assertFalse(s.contains("flush set ip qp affinity-"), "affinity sets keep their clients across full syncs:\n" + s);
    assertTrue(s.contains("add element ip qp service-ips { 10.96.0.21 . tcp . 80 : goto svc-ns/sticky/tcp/80, "
        + "10.96.0.20 . tcp . 80 : goto pick-1 }\n"), s);
    assertTrue(s.contains("add element ip qp hairpin { 10.88.0.5 . 10.88.0.5 }\n"), "one pair however many services:\n" + s);
    sync.commit(first);

    // The affinity Service gone: a full sync empties and then deletes its chains and sets.
    String second = sync.full(Map.of("ns/web", web("10.88.0.5"))).script();
    assertTrue(second.contains("flush chain ip qp svc-ns/sticky/tcp/80\n"), second);
    assertTrue(second.indexOf("delete chain ip qp ep-ns/sticky/tcp/80__10.88.0.5/80")
        < second.indexOf("delete set ip qp affinity-ns/sticky/tcp/80__10.88.0.5/80"), second);
  }

  @Test
  void affinityEndpointChangeFlushesAndDeletesItsChains() {
    RuleSync sync = new RuleSync(OPTIONS);
    java.util.function.Function<List<String>, Fragment> sticky = ips -> RuleGenerator.fragment(List.of(new ServicePort(
        "ns", "st", "", "tcp", List.of("10.96.0.21"), 80, 0, List.of(), List.of(), 60,
        ips.stream().map(ip -> Endpoint.ready(ip, 80)).toList())), OPTIONS);
    sync.commit(sync.full(Map.of("ns/st", sticky.apply(List.of("10.88.0.5", "10.88.0.6")))));
    String s = sync.incremental(Map.of("ns/st", sticky.apply(List.of("10.88.0.5")))).script();
    assertEquals("""
        delete element ip qp hairpin { 10.88.0.6 . 10.88.0.6 }
        flush chain ip qp ep-ns/st/tcp/80__10.88.0.6/80
        flush chain ip qp svc-ns/st/tcp/80
        delete chain ip qp ep-ns/st/tcp/80__10.88.0.6/80
        delete set ip qp affinity-ns/st/tcp/80__10.88.0.6/80
        add rule ip qp svc-ns/st/tcp/80 ip saddr != 10.88.0.0/16 jump mark-for-masquerade
        add rule ip qp svc-ns/st/tcp/80 ip saddr @affinity-ns/st/tcp/80__10.88.0.5/80 goto ep-ns/st/tcp/80__10.88.0.5/80
        add rule ip qp svc-ns/st/tcp/80 numgen random mod 1 vmap { 0 : goto ep-ns/st/tcp/80__10.88.0.5/80 }
        """, s);
  }

  @Test
  void anAddressClaimedTwiceStaysWithItsFirstServiceUntilReleased() {
    RuleSync sync = new RuleSync(OPTIONS);
    java.util.function.BiFunction<String, String, Fragment> ext = (name, ep) -> RuleGenerator.fragment(List.of(
        new ServicePort("ns", name, "", "tcp", List.of("10.96.0." + name.length()), 80, 0, List.of("192.0.2.1"),
            List.of(), 0, List.of(Endpoint.ready(ep, 80)))), OPTIONS);
    sync.commit(sync.full(Map.of("ns/a", ext.apply("a", "10.88.0.5"))));
    RuleSync.Plan add = sync.incremental(Map.of("ns/bb", ext.apply("bb", "10.88.0.6")));
    assertFalse(add.script().contains("192.0.2.1 . tcp . 80 : "), add.script());
    sync.commit(add);
    RuleSync.Plan release = sync.incremental(Map.of("ns/a", Fragment.EMPTY, "ns/bb", ext.apply("bb", "10.88.0.6")));
    assertTrue(release.script().contains("add element ip qp service-ips { 192.0.2.1 . tcp . 80 : goto ext-pick-1 }"),
        release.script());
  }

  @Test
  void afterAFailureOnlyAFullSyncIsPossible() {
    RuleSync sync = new RuleSync(OPTIONS);
    assertThrows(IllegalStateException.class, () -> sync.incremental(Map.of()));
    sync.commit(sync.full(Map.of()));
    assertTrue(sync.known());
    sync.invalidate();
    assertThrows(IllegalStateException.class, () -> sync.incremental(Map.of()));
  }
}

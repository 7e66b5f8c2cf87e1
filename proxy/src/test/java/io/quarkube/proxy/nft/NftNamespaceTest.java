package io.quarkube.proxy.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkube.proxy.rules.Endpoint;
import io.quarkube.proxy.rules.Fragment;
import io.quarkube.proxy.rules.LocalRedirect;
import io.quarkube.proxy.rules.RuleGenerator;
import io.quarkube.proxy.rules.RuleOptions;
import io.quarkube.proxy.rules.ServicePort;
import io.quarkube.proxy.sync.ProxyTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy's table against the real kernel, in a network namespace this test creates (never the host's ruleset),
 * with real connections: two TCP servers on loopback addresses stand for pods, the namespace itself is the client
 * (its traffic goes through the nat output hook, as a host process's does).
 */
class NftNamespaceTest {
  private static final String TABLE = "quarkube-proxy-test";
  private static final RuleOptions OPTIONS = new RuleOptions(TABLE, Optional.of("10.88.0.0/16"), Optional.of("qkb-x"),
      Optional.of("node-a"));
  private static NetNamespace ns;
  private static Nft nft;

  @BeforeAll
  static void namespace() {
    assumeTrue(NetNamespace.available(), "needs root, nft and busybox");
    ns = NetNamespace.create("qkbp");
    nft = ns.nft();
    ns.exec("ip", "addr", "add", "10.88.0.5/32", "dev", "lo");
    ns.exec("ip", "addr", "add", "10.88.0.6/32", "dev", "lo");
    ns.exec("ip", "route", "add", "10.96.0.0/12", "dev", "lo");
    ns.server(8080, "five");
    ns.server(8081, "six");
  }

  @AfterAll
  static void removeNamespace() {
    if (ns != null) {
      ns.close();
    }
  }

  private static Fragment service(String name, String ip, int affinity, Endpoint... eps) {
    return RuleGenerator.fragment(List.of(new ServicePort("default", name, "", "tcp", List.of(ip), 80, 0, List.of(),
        List.of(), affinity, List.of(eps))), OPTIONS);
  }

  private static final Endpoint FIVE = new Endpoint("10.88.0.5", 8080, true, true, false, "node-a");
  private static final Endpoint SIX = new Endpoint("10.88.0.6", 8081, true, true, false, "node-b");

  private static Set<String> answers(String ip, int connections) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < connections; i++) {
      seen.add(ns.connect(ip, 80));
    }
    return seen;
  }

  @Test
  void fullThenIncrementalSyncsCarryRealConnections() {
    ProxyTable table = new ProxyTable(nft, OPTIONS);
    // Leftovers of an earlier run are cleaned at start.
    nft.apply("add table ip " + TABLE + "\nadd chain ip " + TABLE + " stale-from-before\n");
    table.clean();
    assertNull(nft.listTable(TABLE));

    Map<String, Fragment> all = new HashMap<>();
    all.put("", RuleGenerator.redirects(List.of(new LocalRedirect("10.96.0.10", "udp", 53, 10053))));
    all.put("default/web", service("web", "10.96.0.20", 0, FIVE, SIX));
    all.put("default/empty", service("empty", "10.96.0.22", 0));
    all.put("default/sticky", service("sticky", "10.96.0.21", 600, FIVE, SIX));
    for (int i = 0; i < 100; i++) {
      all.put("default/s" + i, service("s" + i, "10.97.0." + i, 0, SIX));
    }
    table.full(all);
    assertEquals(Set.of("five", "six"), answers("10.96.0.20", 24), "random over both endpoints");

    // A service without endpoints: refused at once, not timed out.
    String refused = ns.connect("10.96.0.22", 80);
    assertTrue(refused.contains("refused"), refused);

    // ClientIP affinity: every connection of this client goes to the endpoint it got first.
    assertEquals(1, answers("10.96.0.21", 8).size());

    // One endpoint gone: one incremental transaction, only this service's elements.
    var plan = table.incremental(Map.of("default/web", service("web", "10.96.0.20", 0, FIVE)));
    assertFalse(plan.full());
    assertTrue(plan.script().lines().allMatch(l -> l.contains("10.96.0.20") || l.contains("hairpin")
        || l.contains("pick-")), plan.script());
    assertEquals(Set.of("five"), answers("10.96.0.20", 12));
    // And back, through internalTrafficPolicy Local: only this node's endpoint (FIVE on node-a) is used.
    table.incremental(Map.of("default/web", RuleGenerator.fragment(List.of(new ServicePort("default", "web", "", "tcp",
        List.of("10.96.0.20"), 80, 0, List.of(), List.of(), 0, List.of(FIVE, SIX), true, false)), OPTIONS)));
    assertEquals(Set.of("five"), answers("10.96.0.20", 12));
    table.incremental(Map.of("default/web", service("web", "10.96.0.20", 0, FIVE, SIX)));
    assertEquals(Set.of("five", "six"), answers("10.96.0.20", 24));

    // Someone deletes our element and empties a chain: the next full sync repairs both.
    nft.apply("delete element ip " + TABLE + " service-ips { 10.96.0.20 . tcp . 80 }\nflush chain ip " + TABLE
        + " nat-output\n");
    assertFalse(Set.of("five", "six").contains(ns.connect("10.96.0.20", 80)));
    table.full(all);
    assertEquals(Set.of("five", "six"), answers("10.96.0.20", 24));
    // The whole table deleted: an incremental sync fails, the full one after it brings everything back.
    nft.apply(RuleGenerator.deleteTable(TABLE));
    assertThrows(Nft.NftException.class, () -> table.incremental(Map.of("default/web", service("web", "10.96.0.20", 0,
        FIVE))));
    assertFalse(table.known(), "after a failure only a full sync is possible");
    table.full(all);
    assertEquals(Set.of("five", "six"), answers("10.96.0.20", 24));

    // The Service deleted: every element it had is gone, the table is as without it.
    all.remove("default/web");
    String withoutWeb = new ProxyTableListing(nft, TABLE, OPTIONS, all).listing();
    table.incremental(Map.of("default/web", Fragment.EMPTY));
    assertEquals(withoutWeb, normalized(nft.listTable(TABLE)));
    assertTrue(ns.connect("10.96.0.20", 80).contains("refused") || !ns.connect("10.96.0.20", 80).equals("five"));

    // A broken script changes nothing (nft applies all or nothing); removing the table leaves nothing.
    String before = nft.listTable(TABLE);
    assertThrows(Nft.NftException.class, () -> nft.apply("flush chain ip " + TABLE + " services\nadd rule ip " + TABLE
        + " services bogus\n"));
    assertEquals(before, nft.listTable(TABLE));
    table.remove();
    assertNull(nft.listTable(TABLE));
  }

  /** nft lists map elements in hash order: compare listings with every line's elements sorted. */
  static String normalized(String listing) {
    return listing.lines().flatMap(l -> java.util.Arrays.stream(l.replace("elements = {", "").replace("}", "")
        .split(",")).map(String::strip)).filter(l -> !l.isEmpty()).sorted().reduce("", (a, b) -> a + b + "\n");
  }

  /** The listing a fresh full sync of {@code desired} gives, in a scratch table of the same name elsewhere. */
  record ProxyTableListing(Nft nft, String table, RuleOptions options, Map<String, Fragment> desired) {
    String listing() {
      try (NetNamespace scratch = NetNamespace.create("qkbs")) {
        new ProxyTable(scratch.nft(), options).full(desired);
        return normalized(scratch.nft().listTable(table));
      }
    }
  }
}

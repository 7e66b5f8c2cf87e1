package io.quarkube.proxy.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Services and their endpoints → the contents of the proxy's own nftables table (pure functions; the shape follows
 * upstream's nftables proxier, pkg/proxy/nftables, with one change for scale, below).
 *
 * <ul>
 *   <li>One lookup per packet whatever the number of services: the verdict map {@code service-ips} keyed by
 *       {@code ip daddr . meta l4proto . th dport} (ClusterIPs, externalIPs, LoadBalancer IPs) and
 *       {@code service-nodeports} keyed by {@code meta l4proto . th dport} (on the node's primary address, the
 *       {@code nodeport-ips} map).
 *   <li>The verdict is a <em>shared</em> chain {@code pick-N} (N = the number of endpoints) holding
 *       {@code dnat ip to ip daddr . meta l4proto . th dport . numgen random mod N map @service-endpoints}: the
 *       endpoint comes from one map element per (service address, slot). Upstream keeps a chain per service and per
 *       endpoint; but {@code nft} reads every chain and set of the ruleset before each transaction, so with 100,000
 *       endpoint chains a one-endpoint change would cost seconds. With shared chains the table holds a few dozen
 *       chains whatever the number of services, and an endpoint change is a handful of element updates.
 *   <li>{@code sessionAffinity: ClientIP} services keep upstream's shape (their own chain, a chain and a timed set per
 *       endpoint), since the set remembers which endpoint a client got.
 *   <li>Services without usable endpoints are in {@code no-endpoint-*} maps whose verdict is a reject (or a drop for
 *       a {@code Local} traffic policy without local endpoints), checked in filter chains before routing, so a
 *       client is refused at once rather than timing out.
 *   <li>After DNAT, what still goes to a ClusterIP (a port its Service does not have) is refused and what goes to
 *       another address of the service range dropped: upstream's {@code cluster-ips-check}.
 *   <li>Masquerading by a mark: traffic from outside the pod range, node-port/external traffic (unless
 *       externalTrafficPolicy is Local), and hairpin traffic (a pod reaching itself through its service, found in
 *       postrouting by the {@code hairpin} set of {@code ip . ip} pairs).
 * </ul>
 */
public final class RuleGenerator {
  static final String MASQ_MARK = "0x4000";
  public static final String SERVICE_IPS = "service-ips";
  public static final String SERVICE_NODEPORTS = "service-nodeports";
  public static final String NO_ENDPOINT_SERVICES = "no-endpoint-services";
  public static final String NO_ENDPOINT_NODEPORTS = "no-endpoint-nodeports";
  public static final String SERVICE_ENDPOINTS = "service-endpoints";
  public static final String NODEPORT_ENDPOINTS = "nodeport-endpoints";
  public static final String HAIRPIN = "hairpin";
  public static final String CLUSTER_IPS = "cluster-ips";
  public static final String NODEPORT_IPS = "nodeport-ips";
  public static final String NODEPORT_IPS_CHECK = "nodeport-ips-check";
  static final String REJECT = "goto reject-chain";
  static final String DROP = "drop";
  private static final List<String> PROTOCOLS = List.of("tcp", "udp", "sctp");
  private static final Pattern SHARED = Pattern.compile("(pick|ext-pick|local-pick|np-pick|local-np-pick)-(\\d+)");

  private RuleGenerator() {}

  /** The named maps and sets of the table, in the order they are declared: name → declaration body. */
  public static Map<String, String> maps() {
    Map<String, String> maps = new LinkedHashMap<>();
    maps.put(SERVICE_IPS, "type ipv4_addr . inet_proto . inet_service : verdict;");
    maps.put(SERVICE_NODEPORTS, "type inet_proto . inet_service : verdict;");
    maps.put(NO_ENDPOINT_SERVICES, "type ipv4_addr . inet_proto . inet_service : verdict;");
    maps.put(NO_ENDPOINT_NODEPORTS, "type inet_proto . inet_service : verdict;");
    // typeof, not type: the slot is numgen's plain integer. "tcp dport" stands for any transport's port here (nft
    // 1.0.6 cannot read back a typeof holding "th dport"); the rules look up th dport, so udp and sctp match too.
    maps.put(SERVICE_ENDPOINTS,
        "typeof ip daddr . meta l4proto . tcp dport . numgen random mod 1 : ip daddr . tcp dport;");
    maps.put(NODEPORT_ENDPOINTS, "typeof meta l4proto . tcp dport . numgen random mod 1 : ip daddr . tcp dport;");
    // Every ClusterIP: a verdict map (not a set) so that its elements come and go with their Service's fragment.
    maps.put(CLUSTER_IPS, "type ipv4_addr : verdict;");
    // The node's addresses NodePorts answer on (upstream's --nodeport-addresses primary), in the NAT and the filter
    // path: maps (not sets) so that they follow the Node like any fragment's elements.
    maps.put(NODEPORT_IPS, "type ipv4_addr : verdict;");
    maps.put(NODEPORT_IPS_CHECK, "type ipv4_addr : verdict;");
    return maps;
  }

  /** Named sets (not maps) of the table: name → declaration body. */
  public static Map<String, String> sets() {
    return Map.of(HAIRPIN, "type ipv4_addr . ipv4_addr;");
  }

  /** The fixed chains: name → (hook declaration or null, rules). Base chains first. */
  public static Map<String, Chain> fixedChains(RuleOptions options) {
    Map<String, Chain> chains = new LinkedHashMap<>();
    // Filter chains run before NAT (priority -110 < dstnat): a service with no endpoints is refused here. Forwarded
    // traffic is this cluster's only when it comes from this cluster's pod bridge.
    String fromPods = options.podInterface().map(i -> "iifname " + quote(i) + " ").orElse("");
    // Forwarded traffic was DNATed in prerouting already: what still goes to a ClusterIP is for a port the Service
    // does not have (or an address no Service holds); host traffic is checked after its DNAT in nat-output.
    chains.put("filter-forward", new Chain("type filter hook forward priority -110; policy accept;",
        List.of(fromPods + "ct state new jump service-endpoints-check",
            fromPods + "ct state new jump cluster-ips-check")));
    chains.put("filter-output", new Chain("type filter hook output priority -110; policy accept;",
        List.of("ct state new jump service-endpoints-check")));
    chains.put("filter-output-post-dnat", new Chain("type filter hook output priority -1; policy accept;",
        List.of("ct state new jump cluster-ips-check")));
    chains.put("filter-input", new Chain("type filter hook input priority -110; policy accept;",
        List.of("ct state new jump nodeport-endpoints-check")));
    List<String> prerouting = new ArrayList<>();
    if (options.podInterface().isPresent()) {
      String iif = quote(options.podInterface().get());
      prerouting.add("iifname " + iif + " jump services");
      prerouting.add("iifname != " + iif + " jump node-ports");
    } else {
      prerouting.add("jump services");
    }
    chains.put("nat-prerouting", new Chain("type nat hook prerouting priority dstnat; policy accept;", prerouting));
    chains.put("nat-output", new Chain("type nat hook output priority -100; policy accept;", List.of("jump services")));
    chains.put("nat-postrouting", new Chain("type nat hook postrouting priority srcnat; policy accept;",
        List.of("jump masquerading")));
    chains.put("service-endpoints-check", new Chain(null,
        List.of("ip daddr . meta l4proto . th dport vmap @" + NO_ENDPOINT_SERVICES)));
    chains.put("nodeport-endpoints-check", new Chain(null, List.of("ip daddr vmap @" + NODEPORT_IPS_CHECK)));
    chains.put("nodeport-no-endpoints", new Chain(null,
        List.of("meta l4proto . th dport vmap @" + NO_ENDPOINT_NODEPORTS)));
    // Upstream's cluster-ips-check: a ClusterIP on a port no Service port uses is refused (not silently dropped),
    // any other address of the service range dropped here, so that it never leaves the machine.
    List<String> clusterIpsCheck = new ArrayList<>(List.of("ip daddr vmap @" + CLUSTER_IPS));
    options.serviceCidr().ifPresent(c -> clusterIpsCheck.add("ip daddr " + c + " drop"));
    chains.put("cluster-ips-check", new Chain(null, clusterIpsCheck));
    chains.put("reject-chain", new Chain(null, List.of("meta l4proto tcp reject with tcp reset", "reject")));
    chains.put("mark-for-masquerade", new Chain(null, List.of("meta mark set meta mark | " + MASQ_MARK)));
    chains.put("masquerading", new Chain(null, List.of(
        "ct status dnat ip saddr . ip daddr @" + HAIRPIN + " masquerade",
        "meta mark & " + MASQ_MARK + " == 0 return",
        "meta mark set meta mark ^ " + MASQ_MARK,
        "masquerade fully-random")));
    chains.put("services", new Chain(null, List.of("ip daddr . meta l4proto . th dport vmap @" + SERVICE_IPS,
        "jump node-ports")));
    chains.put("node-ports", new Chain(null, List.of("ip daddr vmap @" + NODEPORT_IPS)));
    chains.put("nodeport-services", new Chain(null, List.of("meta l4proto . th dport vmap @" + SERVICE_NODEPORTS)));
    return chains;
  }

  /** A chain: its hook declaration (null for a regular chain) and rules. */
  public record Chain(String hook, List<String> rules) {
    public Chain {
      rules = List.copyOf(rules);
    }
  }

  /**
   * The rules of a shared chain, from its name: {@code pick-N} (ClusterIP traffic, masqueraded when it comes from
   * outside the pod range), {@code ext-pick-N} (external: always masqueraded), {@code local-pick-N} (external with
   * externalTrafficPolicy Local: never), and the node-port forms {@code np-pick-N}, {@code local-np-pick-N}.
   */
  public static List<String> sharedChain(String name, RuleOptions options) {
    Matcher m = SHARED.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a shared chain: " + name);
    }
    String kind = m.group(1);
    int n = Integer.parseInt(m.group(2));
    List<String> rules = new ArrayList<>();
    switch (kind) {
      case "pick" -> options.podCidr().ifPresent(c -> rules.add("ip saddr != " + c + " jump mark-for-masquerade"));
      case "ext-pick", "np-pick" -> rules.add("jump mark-for-masquerade");
      default -> { }
    }
    boolean nodePort = kind.endsWith("np-pick");
    String key = nodePort ? "meta l4proto . th dport" : "ip daddr . meta l4proto . th dport";
    String map = nodePort ? NODEPORT_ENDPOINTS : SERVICE_ENDPOINTS;
    for (String proto : PROTOCOLS) {
      rules.add("meta l4proto " + proto + " dnat ip to " + key + " . numgen random mod " + n + " map @" + map);
    }
    return rules;
  }

  /**
   * The fragment of the cluster DNS redirects: the DNS Service IP answered by a server on this host. Pod traffic is
   * redirected (to the pod bridge's address, which the server's replies to the pod come from). Traffic of the host
   * itself (and of hostNetwork pods) goes to the address it came from: a redirect would send it to 127.0.0.1, while a
   * server bound to the wildcard address answers from the source address the route to the client picks (the
   * client's own), a reply conntrack does not match to the query, so its NAT is not undone and the client drops it.
   */
  public static Fragment redirects(List<LocalRedirect> redirects) {
    Fragment.Builder f = new Fragment.Builder();
    for (LocalRedirect r : redirects) {
      String chain = "redirect-" + r.protocol() + "-" + r.hostPort();
      f.element(SERVICE_IPS, r.ip() + " . " + r.protocol() + " . " + r.port(), "goto " + chain);
      f.element(CLUSTER_IPS, r.ip(), REJECT); // its Service's other ports are refused like any ClusterIP's
      f.chain(chain, List.of(
          "fib saddr type local meta l4proto " + r.protocol() + " dnat ip to ip saddr : " + r.hostPort(),
          "meta l4proto " + r.protocol() + " redirect to :" + r.hostPort()));
    }
    return f.build();
  }

  /**
   * The fragment of the node's own addresses that NodePorts answer on: upstream's nftables mode defaults to
   * {@code --nodeport-addresses primary}, the node's IPs, not every local address (not the pod bridge's).
   */
  public static Fragment nodePortAddresses(List<String> ips) {
    Fragment.Builder f = new Fragment.Builder();
    for (String ip : ips) {
      f.element(NODEPORT_IPS, ip, "goto nodeport-services");
      f.element(NODEPORT_IPS_CHECK, ip, "goto nodeport-no-endpoints");
    }
    return f.build();
  }

  /** The fragment of one Service: all its ports. */
  public static Fragment fragment(List<ServicePort> ports, RuleOptions options) {
    Fragment.Builder f = new Fragment.Builder();
    List<ServicePort> sorted = new ArrayList<>(ports);
    sorted.sort(Comparator.comparing(ServicePort::id));
    for (ServicePort sp : sorted) {
      servicePort(f, sp, options);
    }
    return f.build();
  }

  private static void servicePort(Fragment.Builder f, ServicePort sp, RuleOptions options) {
    String node = options.nodeName().orElse(null);
    List<Endpoint> all = sorted(sp.usableEndpoints());
    List<Endpoint> internal = sorted(sp.internalEndpoints(node));
    List<Endpoint> external = sorted(sp.externalEndpoints(node));
    String suffix = " . " + sp.protocol() + " . " + sp.port();
    for (String ip : sp.clusterIPs()) {
      f.element(CLUSTER_IPS, ip, REJECT); // only reached by traffic no port of the Service took
    }
    if (all.isEmpty()) {
      // No endpoint anywhere: refused at once, on every address (upstream's REJECT).
      for (String ip : addresses(sp)) {
        f.element(NO_ENDPOINT_SERVICES, ip + suffix, REJECT);
      }
      if (sp.nodePort() > 0) {
        f.element(NO_ENDPOINT_NODEPORTS, sp.protocol() + " . " + sp.nodePort(), REJECT);
      }
      return;
    }
    for (Endpoint ep : all) {
      f.hairpin(ep.ip());
    }
    if (sp.affinityTimeoutSeconds() > 0) {
      affinity(f, sp, internal, external, options);
      return;
    }
    // ClusterIPs: the internal view (all endpoints, or this node's with internalTrafficPolicy Local).
    for (String ip : sp.clusterIPs()) {
      lookup(f, SERVICE_IPS, NO_ENDPOINT_SERVICES, SERVICE_ENDPOINTS, ip + suffix, "pick", internal);
    }
    String ext = sp.externalLocal() ? "local-pick" : "ext-pick";
    for (String ip : externalAddresses(sp)) {
      lookup(f, SERVICE_IPS, NO_ENDPOINT_SERVICES, SERVICE_ENDPOINTS, ip + suffix, ext, external);
    }
    if (sp.nodePort() > 0) {
      lookup(f, SERVICE_NODEPORTS, NO_ENDPOINT_NODEPORTS, NODEPORT_ENDPOINTS, sp.protocol() + " . " + sp.nodePort(),
          sp.externalLocal() ? "local-np-pick" : "np-pick", external);
    }
  }

  /** One service address: a verdict to the shared pick chain and one endpoint element per slot; none: dropped. */
  private static void lookup(Fragment.Builder f, String verdictMap, String noEndpointMap, String endpointMap,
      String key, String kind, List<Endpoint> eps) {
    if (eps.isEmpty()) {
      // Endpoints exist, but none on this node for a Local policy: dropped, as upstream does.
      f.element(noEndpointMap, key, DROP);
      return;
    }
    String chain = kind + "-" + eps.size();
    f.shared(chain);
    f.element(verdictMap, key, "goto " + chain);
    for (int slot = 0; slot < eps.size(); slot++) {
      f.element(endpointMap, key + " . " + slot, eps.get(slot).ip() + " . " + eps.get(slot).port());
    }
  }

  /**
   * sessionAffinity ClientIP: upstream's shape. The service chain first sends a client to the endpoint whose timed
   * set holds its address, else picks one at random; the endpoint chain (re)adds the client to its set.
   */
  private static void affinity(Fragment.Builder f, ServicePort sp, List<Endpoint> internal, List<Endpoint> external,
      RuleOptions options) {
    String suffix = " . " + sp.protocol() + " . " + sp.port();
    List<Endpoint> both = new ArrayList<>(internal);
    external.stream().filter(e -> !both.contains(e)).forEach(both::add);
    for (Endpoint ep : sorted(both)) {
      f.set(affinitySet(sp, ep), "type ipv4_addr; flags dynamic,timeout; timeout " + sp.affinityTimeoutSeconds() + "s;");
      f.chain(endpointChain(sp, ep), List.of("ip saddr " + ep.ip() + " jump mark-for-masquerade",
          "update @" + affinitySet(sp, ep) + " { ip saddr }",
          "meta l4proto " + sp.protocol() + " dnat to " + ep.ip() + ":" + ep.port()));
    }
    List<String> leading = new ArrayList<>();
    options.podCidr().ifPresent(c -> leading.add("ip saddr != " + c + " jump mark-for-masquerade"));
    if (!internal.isEmpty()) {
      f.chain(serviceChain(sp), affinityPick(sp, internal, leading));
    }
    for (String ip : sp.clusterIPs()) {
      f.element(internal.isEmpty() ? NO_ENDPOINT_SERVICES : SERVICE_IPS, ip + suffix,
          internal.isEmpty() ? DROP : "goto " + serviceChain(sp));
    }
    if (!sp.hasExternal()) {
      return;
    }
    String verdict = external.isEmpty() ? DROP : "goto " + externalChain(sp);
    if (!external.isEmpty()) {
      f.chain(externalChain(sp), sp.externalLocal() ? affinityPick(sp, external, List.of())
          : affinityPick(sp, external, List.of("jump mark-for-masquerade")));
    }
    for (String ip : externalAddresses(sp)) {
      f.element(external.isEmpty() ? NO_ENDPOINT_SERVICES : SERVICE_IPS, ip + suffix, verdict);
    }
    if (sp.nodePort() > 0) {
      f.element(external.isEmpty() ? NO_ENDPOINT_NODEPORTS : SERVICE_NODEPORTS, sp.protocol() + " . " + sp.nodePort(),
          verdict);
    }
  }

  private static List<String> affinityPick(ServicePort sp, List<Endpoint> eps, List<String> leading) {
    List<String> body = new ArrayList<>(leading);
    for (Endpoint ep : eps) {
      body.add("ip saddr @" + affinitySet(sp, ep) + " goto " + endpointChain(sp, ep));
    }
    StringBuilder pick = new StringBuilder("numgen random mod " + eps.size() + " vmap { ");
    for (int i = 0; i < eps.size(); i++) {
      pick.append(i == 0 ? "" : ", ").append(i).append(" : goto ").append(endpointChain(sp, eps.get(i)));
    }
    body.add(pick.append(" }").toString());
    return body;
  }

  private static List<String> addresses(ServicePort sp) {
    List<String> all = new ArrayList<>(sp.clusterIPs());
    all.addAll(externalAddresses(sp));
    return all;
  }

  private static List<String> externalAddresses(ServicePort sp) {
    List<String> all = new ArrayList<>(sp.externalIPs());
    all.addAll(sp.loadBalancerIPs());
    return all;
  }

  /** Endpoints in a stable order, so slots only move when the endpoint list changes. */
  private static List<Endpoint> sorted(List<Endpoint> eps) {
    List<Endpoint> s = new ArrayList<>(eps);
    s.sort(Comparator.comparing(Endpoint::ip).thenComparingInt(Endpoint::port));
    return s;
  }

  /** The script that removes the table (and only it); harmless when it does not exist. */
  public static String deleteTable(String table) {
    return "add table ip " + table + "\ndelete table ip " + table + "\n";
  }

  static String serviceChain(ServicePort sp) {
    return "svc-" + sp.id();
  }

  static String externalChain(ServicePort sp) {
    return "ext-" + sp.id();
  }

  static String endpointChain(ServicePort sp, Endpoint ep) {
    return "ep-" + sp.id() + "__" + ep.ip() + "/" + ep.port();
  }

  static String affinitySet(ServicePort sp, Endpoint ep) {
    return "affinity-" + sp.id() + "__" + ep.ip() + "/" + ep.port();
  }

  static String quote(String s) {
    return "\"" + s.replace("\"", "") + "\"";
  }
}

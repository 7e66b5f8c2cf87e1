package io.quarkube.proxy.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Services and their endpoints → the nft script of the proxy's own table (a pure function; the shape follows
 * upstream's nftables proxier, pkg/proxy/nftables):
 *
 * <ul>
 *   <li>one lookup per packet whatever the number of services: the verdict map {@code service-ips} keyed by
 *       {@code ip daddr . meta l4proto . th dport} (ClusterIPs, externalIPs, LoadBalancer IPs) and
 *       {@code service-nodeports} keyed by {@code meta l4proto . th dport} (on the node's own addresses);
 *   <li>a chain per service port that picks an endpoint with {@code numgen random mod N} (after a
 *       {@code sessionAffinity: ClientIP} lookup when asked) and a chain per endpoint that DNATs to it;
 *   <li>services without usable endpoints are in {@code no-endpoint-*} maps whose verdict is a reject, checked in
 *       filter chains before routing, so a client is refused at once rather than timing out;
 *   <li>masquerading by a mark: traffic from outside the pod range, node-port/external traffic, and hairpin traffic
 *       (a pod reaching itself through its service).
 * </ul>
 *
 * The script replaces the whole table in one transaction ({@code add table; delete table; table {...}}), which
 * nft applies atomically: a packet sees either the old rules or the new ones.
 */
public final class RuleGenerator {
  static final String MASQ_MARK = "0x4000";

  private RuleGenerator() {}

  /** The generated script, and how many rules and map elements it holds (the "rules count" metric). */
  public record Ruleset(String script, int rules, int elements) {}

  public static Ruleset generate(List<ServicePort> services, List<LocalRedirect> redirects, RuleOptions options) {
    return new Writer(options).write(services, redirects);
  }

  /** The script that removes the table (and only it); harmless when it does not exist. */
  public static String deleteTable(String table) {
    return "add table ip " + table + "\ndelete table ip " + table + "\n";
  }

  private static final class Writer {
    private final RuleOptions options;
    private final StringBuilder out = new StringBuilder();
    private int rules;
    private int elements;

    Writer(RuleOptions options) {
      this.options = options;
    }

    Ruleset write(List<ServicePort> unsorted, List<LocalRedirect> redirects) {
      List<ServicePort> services = new ArrayList<>(unsorted);
      services.sort(Comparator.comparing(ServicePort::id));
      Map<String, String> serviceIps = new TreeMap<>();     // key → verdict
      Map<String, String> nodePorts = new TreeMap<>();
      Map<String, String> noEndpointIps = new TreeMap<>();
      Map<String, String> noEndpointNodePorts = new TreeMap<>();
      List<String> redirectChains = new ArrayList<>();
      for (LocalRedirect r : redirects) {
        String chain = "redirect-" + r.protocol() + "-" + r.hostPort();
        serviceIps.put(r.ip() + " . " + r.protocol() + " . " + r.port(), "goto " + chain);
        if (!redirectChains.contains(chain)) {
          redirectChains.add(chain);
        }
      }
      for (ServicePort sp : services) {
        boolean hasEndpoints = !sp.usableEndpoints().isEmpty();
        Map<String, String> ips = hasEndpoints ? serviceIps : noEndpointIps;
        Map<String, String> ports = hasEndpoints ? nodePorts : noEndpointNodePorts;
        String internal = hasEndpoints ? "goto " + serviceChain(sp) : "goto reject-chain";
        String external = hasEndpoints ? "goto " + externalChain(sp) : "goto reject-chain";
        for (String ip : sp.clusterIPs()) {
          ips.putIfAbsent(ip + " . " + sp.protocol() + " . " + sp.port(), internal);
        }
        for (String ip : sp.externalIPs()) {
          ips.putIfAbsent(ip + " . " + sp.protocol() + " . " + sp.port(), external);
        }
        for (String ip : sp.loadBalancerIPs()) {
          ips.putIfAbsent(ip + " . " + sp.protocol() + " . " + sp.port(), external);
        }
        if (sp.nodePort() > 0) {
          ports.putIfAbsent(sp.protocol() + " . " + sp.nodePort(), external);
        }
      }

      String t = options.table();
      line(0, "add table ip " + t);
      line(0, "delete table ip " + t);
      line(0, "table ip " + t + " {");
      line(1, "comment \"quarkube service proxy: ClusterIPs, NodePorts, external IPs; rewritten by the proxy only\"");
      map("service-ips", "ipv4_addr . inet_proto . inet_service", serviceIps);
      map("service-nodeports", "inet_proto . inet_service", nodePorts);
      map("no-endpoint-services", "ipv4_addr . inet_proto . inet_service", noEndpointIps);
      map("no-endpoint-nodeports", "inet_proto . inet_service", noEndpointNodePorts);

      // Filter chains run before NAT (priority -110 < dstnat): a service with no endpoints is refused here.
      chain("filter-forward", "type filter hook forward priority -110; policy accept;",
          "ct state new jump service-endpoints-check");
      chain("filter-output", "type filter hook output priority -110; policy accept;",
          "ct state new jump service-endpoints-check");
      chain("filter-input", "type filter hook input priority -110; policy accept;",
          "ct state new jump nodeport-endpoints-check");
      chain("service-endpoints-check", null, "ip daddr . meta l4proto . th dport vmap @no-endpoint-services");
      chain("nodeport-endpoints-check", null,
          "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports");
      chain("reject-chain", null, "meta l4proto tcp reject with tcp reset", "reject");

      // NAT: pods (through their bridge) and the host itself reach services; node ports answer from anywhere.
      List<String> prerouting = new ArrayList<>();
      if (options.podInterface().isPresent()) {
        String iif = quote(options.podInterface().get());
        prerouting.add("iifname " + iif + " jump services");
        prerouting.add("iifname != " + iif + " jump node-ports");
      } else {
        prerouting.add("jump services");
      }
      chain("nat-prerouting", "type nat hook prerouting priority dstnat; policy accept;", prerouting.toArray(String[]::new));
      chain("nat-output", "type nat hook output priority -100; policy accept;", "jump services");
      chain("nat-postrouting", "type nat hook postrouting priority srcnat; policy accept;", "jump masquerading");
      chain("mark-for-masquerade", null, "meta mark set meta mark | " + MASQ_MARK);
      chain("masquerading", null, "meta mark & " + MASQ_MARK + " == 0 return",
          "meta mark set meta mark ^ " + MASQ_MARK, "masquerade fully-random");
      chain("services", null, "ip daddr . meta l4proto . th dport vmap @service-ips", "jump node-ports");
      chain("node-ports", null,
          "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports");

      for (LocalRedirect r : redirects) {
        String chain = "redirect-" + r.protocol() + "-" + r.hostPort();
        if (redirectChains.remove(chain)) {
          chain(chain, null, "meta l4proto " + r.protocol() + " redirect to :" + r.hostPort());
        }
      }
      for (ServicePort sp : services) {
        if (!sp.usableEndpoints().isEmpty()) {
          servicePort(sp);
        }
      }
      line(0, "}");
      return new Ruleset(out.toString(), rules, elements);
    }

    private void servicePort(ServicePort sp) {
      List<Endpoint> eps = new ArrayList<>(sp.usableEndpoints());
      eps.sort(Comparator.comparing(Endpoint::ip).thenComparingInt(Endpoint::port));
      List<String> body = new ArrayList<>();
      options.podCidr().ifPresent(cidr -> body.add("ip saddr != " + cidr + " jump mark-for-masquerade"));
      if (sp.affinityTimeoutSeconds() > 0) {
        for (Endpoint ep : eps) {
          body.add("ip saddr @" + affinitySet(sp, ep) + " goto " + endpointChain(sp, ep));
        }
      }
      StringBuilder pick = new StringBuilder("numgen random mod " + eps.size() + " vmap { ");
      for (int i = 0; i < eps.size(); i++) {
        pick.append(i == 0 ? "" : ", ").append(i).append(" : goto ").append(endpointChain(sp, eps.get(i)));
      }
      body.add(pick.append(" }").toString());
      chain(serviceChain(sp), null, body.toArray(String[]::new));
      // External traffic (node ports, external and LoadBalancer IPs) is always masqueraded, as upstream's
      // externalTrafficPolicy: Cluster does, so replies come back through this node.
      chain(externalChain(sp), null, "jump mark-for-masquerade", "goto " + serviceChain(sp));
      for (Endpoint ep : eps) {
        List<String> epRules = new ArrayList<>();
        epRules.add("ip saddr " + ep.ip() + " jump mark-for-masquerade");
        if (sp.affinityTimeoutSeconds() > 0) {
          line(1, "set " + affinitySet(sp, ep) + " {");
          line(2, "type ipv4_addr; flags dynamic,timeout; timeout " + sp.affinityTimeoutSeconds() + "s;");
          line(1, "}");
          epRules.add("update @" + affinitySet(sp, ep) + " { ip saddr }");
        }
        epRules.add("meta l4proto " + sp.protocol() + " dnat to " + ep.ip() + ":" + ep.port());
        chain(endpointChain(sp, ep), null, epRules.toArray(String[]::new));
      }
    }

    private void map(String name, String type, Map<String, String> entries) {
      line(1, "map " + name + " {");
      line(2, "type " + type + " : verdict;");
      if (!entries.isEmpty()) {
        line(2, "elements = {");
        int i = 0;
        for (Map.Entry<String, String> e : entries.entrySet()) {
          line(3, e.getKey() + " : " + e.getValue() + (++i < entries.size() ? "," : ""));
        }
        line(2, "}");
        elements += entries.size();
      }
      line(1, "}");
    }

    private void chain(String name, String base, String... body) {
      line(1, "chain " + name + " {");
      if (base != null) {
        line(2, base);
      }
      for (String rule : body) {
        line(2, rule);
      }
      rules += body.length;
      line(1, "}");
    }

    private void line(int indent, String text) {
      out.append("\t".repeat(indent)).append(text).append('\n');
    }
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

package io.quarkube.proxy.rules;

import java.util.Optional;

/**
 * What the rules need to know about this node.
 *
 * @param table the proxy's own table (family {@code ip}); nothing outside it is ever touched
 * @param podCidr the cluster's pod range: traffic to a service from outside it is masqueraded (as upstream's
 *     {@code --cluster-cidr}); empty: only hairpin and node-port traffic is masqueraded
 * @param podInterface the pod bridge: only traffic entering through it is treated as pod traffic to ClusterIPs (so
 *     several clusters on one machine, each with its own bridge and table, never take each other's packets); empty:
 *     any
 * @param nodeName this node, for the {@code Local} traffic policies (endpoints whose nodeName is this one)
 * @param serviceCidr the ClusterIP range: traffic to an address of it that no Service holds is dropped (upstream's
 *     cluster-ips-check); empty: only the ClusterIPs' undefined ports are refused
 */
public record RuleOptions(String table, Optional<String> podCidr, Optional<String> podInterface,
    Optional<String> nodeName, Optional<String> serviceCidr) {
  public RuleOptions(String table, Optional<String> podCidr, Optional<String> podInterface,
      Optional<String> nodeName) {
    this(table, podCidr, podInterface, nodeName, Optional.empty());
  }

  public RuleOptions(String table, Optional<String> podCidr, Optional<String> podInterface) {
    this(table, podCidr, podInterface, Optional.empty());
  }

  public static RuleOptions of(String table) {
    return new RuleOptions(table, Optional.empty(), Optional.empty(), Optional.empty());
  }
}

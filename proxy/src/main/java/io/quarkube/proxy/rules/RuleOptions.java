package io.quarkube.proxy.rules;

import java.util.Optional;

/**
 * What the rules need to know about this node.
 *
 * @param table the proxy's own table (family {@code ip}); nothing outside it is ever touched
 * @param podCidr the cluster's pod range: traffic to a service from outside it is masqueraded (as upstream's
 *     {@code --cluster-cidr}); empty: only hairpin and node-port traffic is masqueraded
 * @param podInterface the pod bridge: only traffic entering through it is treated as pod traffic to ClusterIPs (so
 *     several clusters on one machine, each with its own bridge, don't take each other's packets); empty: any
 */
public record RuleOptions(String table, Optional<String> podCidr, Optional<String> podInterface) {
  public static RuleOptions of(String table) {
    return new RuleOptions(table, Optional.empty(), Optional.empty());
  }
}

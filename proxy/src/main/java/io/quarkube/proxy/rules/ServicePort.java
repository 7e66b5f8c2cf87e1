package io.quarkube.proxy.rules;

import java.util.List;

/**
 * One port of one Service, with everything the rules need: the addresses it answers on (ClusterIPs, externalIPs,
 * LoadBalancer ingress IPs, and the node port on the node's own addresses) and its endpoints.
 *
 * @param protocol lower case, as nft spells it: {@code tcp}, {@code udp}, {@code sctp}
 * @param portName the Service port's name ("" for an unnamed single port)
 * @param nodePort 0 when the Service has none
 * @param affinityTimeoutSeconds {@code sessionAffinity: ClientIP} timeout, 0 for no affinity
 */
public record ServicePort(String namespace, String name, String portName, String protocol, List<String> clusterIPs,
    int port, int nodePort, List<String> externalIPs, List<String> loadBalancerIPs, int affinityTimeoutSeconds,
    List<Endpoint> endpoints) {

  public ServicePort {
    clusterIPs = List.copyOf(clusterIPs);
    externalIPs = List.copyOf(externalIPs);
    loadBalancerIPs = List.copyOf(loadBalancerIPs);
    endpoints = List.copyOf(endpoints);
  }

  /** {@code ns/name/proto/port-name-or-number}: unique per service port, and readable in {@code nft list}. */
  public String id() {
    return namespace + "/" + name + "/" + protocol + "/" + (portName.isEmpty() ? Integer.toString(port) : portName);
  }

  /**
   * The endpoints traffic may go to: the ready ones; if none, the terminating ones still serving (upstream's
   * "terminating endpoints as fallback"); else none (the service is rejected).
   */
  public List<Endpoint> usableEndpoints() {
    List<Endpoint> ready = endpoints.stream().filter(Endpoint::ready).toList();
    if (!ready.isEmpty()) {
      return ready;
    }
    return endpoints.stream().filter(e -> e.serving() && e.terminating()).toList();
  }
}

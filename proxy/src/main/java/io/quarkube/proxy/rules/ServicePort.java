package io.quarkube.proxy.rules;

import java.util.List;
import java.util.Objects;

/**
 * One port of one Service, with everything the rules need: the addresses it answers on (ClusterIPs, externalIPs,
 * LoadBalancer ingress IPs, and the node port on the node's own addresses) and its endpoints.
 *
 * @param protocol lower case, as nft spells it: {@code tcp}, {@code udp}, {@code sctp}
 * @param portName the Service port's name ("" for an unnamed single port)
 * @param nodePort 0 when the Service has none
 * @param affinityTimeoutSeconds {@code sessionAffinity: ClientIP} timeout, 0 for no affinity
 * @param internalLocal {@code internalTrafficPolicy: Local}: ClusterIP traffic goes to this node's endpoints only
 * @param externalLocal {@code externalTrafficPolicy: Local}: node-port, external and LoadBalancer traffic goes to this
 *     node's endpoints only, without masquerading (the client's address is kept)
 */
public record ServicePort(String namespace, String name, String portName, String protocol, List<String> clusterIPs,
    int port, int nodePort, List<String> externalIPs, List<String> loadBalancerIPs, int affinityTimeoutSeconds,
    List<Endpoint> endpoints, boolean internalLocal, boolean externalLocal) {

  public ServicePort {
    clusterIPs = List.copyOf(clusterIPs);
    externalIPs = List.copyOf(externalIPs);
    loadBalancerIPs = List.copyOf(loadBalancerIPs);
    endpoints = List.copyOf(endpoints);
  }

  /** A port with both traffic policies {@code Cluster}. */
  public ServicePort(String namespace, String name, String portName, String protocol, List<String> clusterIPs,
      int port, int nodePort, List<String> externalIPs, List<String> loadBalancerIPs, int affinityTimeoutSeconds,
      List<Endpoint> endpoints) {
    this(namespace, name, portName, protocol, clusterIPs, port, nodePort, externalIPs, loadBalancerIPs,
        affinityTimeoutSeconds, endpoints, false, false);
  }

  /** {@code ns/name/proto/port-name-or-number}: unique per service port, and readable in {@code nft list}. */
  public String id() {
    return namespace + "/" + name + "/" + protocol + "/" + (portName.isEmpty() ? Integer.toString(port) : portName);
  }

  /** {@code ns/name}: the Service this port belongs to (the unit of an incremental update). */
  public String serviceKey() {
    return namespace + "/" + name;
  }

  public boolean hasExternal() {
    return nodePort > 0 || !externalIPs.isEmpty() || !loadBalancerIPs.isEmpty();
  }

  /**
   * The endpoints traffic may go to: the ready ones; if none, the terminating ones still serving (upstream's
   * "terminating endpoints as fallback"); else none (the service is rejected).
   */
  public List<Endpoint> usableEndpoints() {
    return usable(endpoints);
  }

  /** The usable endpoints on node {@code node} (the same fallback, among this node's endpoints only). */
  public List<Endpoint> usableLocalEndpoints(String node) {
    return usable(endpoints.stream().filter(e -> Objects.equals(node, e.nodeName())).toList());
  }

  /** Where ClusterIP traffic goes: all usable endpoints, or only this node's with internalTrafficPolicy Local. */
  public List<Endpoint> internalEndpoints(String node) {
    return internalLocal ? usableLocalEndpoints(node) : usableEndpoints();
  }

  /** Where external traffic goes: all usable endpoints, or only this node's with externalTrafficPolicy Local. */
  public List<Endpoint> externalEndpoints(String node) {
    return externalLocal ? usableLocalEndpoints(node) : usableEndpoints();
  }

  private static List<Endpoint> usable(List<Endpoint> candidates) {
    List<Endpoint> ready = candidates.stream().filter(Endpoint::ready).toList();
    if (!ready.isEmpty()) {
      return ready;
    }
    return candidates.stream().filter(e -> e.serving() && e.terminating()).toList();
  }
}

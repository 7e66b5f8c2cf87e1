package io.quarkube.proxy.rules;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Fabric8 Services and EndpointSlices → {@link ServicePort}s (upstream's ServiceChangeTracker/EndpointsChangeTracker,
 * reduced to a pure function over the informers' caches). Headless and ExternalName Services have no rules (DNS
 * serves them); IPv6 addresses are left out (the table is {@code ip}).
 */
public final class ServiceModel {
  /** The label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private ServiceModel() {}

  /**
   * @param skip addresses handled otherwise ({@code ip . proto . port} keys of {@link LocalRedirect}s): the cluster
   *     DNS Service is served by the host, not by endpoints
   */
  public static List<ServicePort> build(Collection<Service> services, Collection<EndpointSlice> slices,
      Set<String> skip) {
    Map<String, List<EndpointSlice>> byService = new HashMap<>();
    for (EndpointSlice slice : slices) {
      String svc = slice.getMetadata().getLabels() == null ? null
          : slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
      if (svc != null && "IPv4".equals(slice.getAddressType())) {
        byService.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>()).add(slice);
      }
    }
    List<ServicePort> result = new ArrayList<>();
    for (Service s : services) {
      var spec = s.getSpec();
      if (spec == null || "ExternalName".equals(spec.getType()) || spec.getPorts() == null) {
        continue;
      }
      List<String> clusterIPs = ipv4(spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()
          ? spec.getClusterIPs() : spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP()));
      if (clusterIPs.isEmpty()) {
        continue; // headless (None) or not allocated yet
      }
      List<String> lbIPs = new ArrayList<>();
      if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
          && s.getStatus().getLoadBalancer().getIngress() != null) {
        for (LoadBalancerIngress in : s.getStatus().getLoadBalancer().getIngress()) {
          if (in.getIp() != null) {
            lbIPs.add(in.getIp());
          }
        }
      }
      int affinity = 0;
      if ("ClientIP".equals(spec.getSessionAffinity())) {
        affinity = 10800; // upstream's default
        if (spec.getSessionAffinityConfig() != null && spec.getSessionAffinityConfig().getClientIP() != null
            && spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() != null) {
          affinity = spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
        }
      }
      boolean internalLocal = "Local".equals(spec.getInternalTrafficPolicy());
      // externalTrafficPolicy only means something for Services reachable from outside (upstream ignores it else).
      boolean externalLocal = "Local".equals(spec.getExternalTrafficPolicy());
      String ns = s.getMetadata().getNamespace();
      String name = s.getMetadata().getName();
      List<EndpointSlice> mine = byService.getOrDefault(ns + "/" + name, List.of());
      for (var port : spec.getPorts()) {
        String proto = port.getProtocol() == null ? "tcp" : port.getProtocol().toLowerCase(Locale.ROOT);
        String portName = port.getName() == null ? "" : port.getName();
        List<String> ips = clusterIPs.stream()
            .filter(ip -> !skip.contains(ip + " . " + proto + " . " + port.getPort())).toList();
        if (ips.isEmpty()) {
          continue;
        }
        result.add(new ServicePort(ns, name, portName, proto, ips, port.getPort(),
            port.getNodePort() == null ? 0 : port.getNodePort(), ipv4(spec.getExternalIPs()), ipv4(lbIPs), affinity,
            endpoints(mine, portName, proto.toUpperCase(Locale.ROOT)), internalLocal, externalLocal));
      }
    }
    return result;
  }

  /** The endpoints of the slices' port named {@code portName} (same protocol), each address once. */
  static List<Endpoint> endpoints(List<EndpointSlice> slices, String portName, String protocol) {
    Map<String, Endpoint> unique = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      if (slice.getPorts() == null || slice.getEndpoints() == null) {
        continue;
      }
      Integer port = null;
      for (var p : slice.getPorts()) {
        String pName = p.getName() == null ? "" : p.getName();
        String pProto = p.getProtocol() == null ? "TCP" : p.getProtocol();
        if (pName.equals(portName) && pProto.equals(protocol) && p.getPort() != null) {
          port = p.getPort();
        }
      }
      if (port == null) {
        continue;
      }
      for (var ep : slice.getEndpoints()) {
        EndpointConditions c = ep.getConditions();
        // Upstream: a nil ready/serving counts as true, a nil terminating as false.
        boolean ready = c == null || !Boolean.FALSE.equals(c.getReady());
        boolean serving = c == null || (c.getServing() == null ? ready : c.getServing());
        boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
        if (ep.getAddresses() == null || ep.getAddresses().isEmpty()) {
          continue;
        }
        String ip = ep.getAddresses().get(0);
        int finalPort = port;
        unique.merge(ip + ":" + port, new Endpoint(ip, finalPort, ready, serving, terminating, ep.getNodeName()),
            (a, b) -> a.ready() ? a : b);
      }
    }
    return new ArrayList<>(unique.values());
  }

  static List<String> ipv4(List<String> ips) {
    if (ips == null) {
      return List.of();
    }
    return ips.stream().filter(Objects::nonNull).filter(ip -> ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")).toList();
  }
}

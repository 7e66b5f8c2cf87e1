package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a Service's type decides (upstream's dropTypeDependentFields in {@code pkg/registry/core/service/strategy.go}):
 * when an update moves a Service to a type that no longer uses a field, the field is wiped, but only if the request
 * left it as it was (a value the user changed is theirs to explain to validation). Wiped ClusterIPs and NodePorts are
 * then released by {@link ServiceAllocations#afterUpdate}.
 */
final class ServiceTypeFields {
  private ServiceTypeFields() {}

  static boolean needsClusterIp(ServiceSpec spec) {
    return !"ExternalName".equals(spec.getType());
  }

  static boolean needsNodePorts(ServiceSpec spec) {
    return "NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType());
  }

  /** NodePort and LoadBalancer Services, and ClusterIP ones with external IPs: what externalTrafficPolicy is for. */
  static boolean externallyAccessible(ServiceSpec spec) {
    return needsNodePorts(spec) || "ClusterIP".equals(spec.getType())
        && spec.getExternalIPs() != null && !spec.getExternalIPs().isEmpty();
  }

  private static boolean needsHealthCheckNodePort(ServiceSpec spec) {
    return "LoadBalancer".equals(spec.getType()) && "Local".equals(spec.getExternalTrafficPolicy());
  }

  static void drop(Service svc, Service old) {
    ServiceSpec spec = svc.getSpec();
    ServiceSpec was = old.getSpec();
    if (was == null) {
      return;
    }
    if (needsClusterIp(was) && !needsClusterIp(spec)) {
      if (Objects.equals(spec.getClusterIP(), was.getClusterIP())
          && Objects.equals(orEmpty(spec.getClusterIPs()), orEmpty(was.getClusterIPs()))) {
        spec.setClusterIP(null);
        spec.setClusterIPs(null);
      }
      if (Objects.equals(orEmpty(spec.getIpFamilies()), orEmpty(was.getIpFamilies()))) {
        spec.setIpFamilies(null);
      }
      if (Objects.equals(spec.getIpFamilyPolicy(), was.getIpFamilyPolicy())) {
        spec.setIpFamilyPolicy(null);
      }
    }
    if (needsNodePorts(was) && !needsNodePorts(spec) && nodePorts(spec).equals(nodePorts(was))) {
      orEmpty(spec.getPorts()).forEach(p -> p.setNodePort(null));
    }
    if (needsHealthCheckNodePort(was) && !needsHealthCheckNodePort(spec)
        && Objects.equals(spec.getHealthCheckNodePort(), was.getHealthCheckNodePort())) {
      spec.setHealthCheckNodePort(null);
    }
    boolean wasLoadBalancer = "LoadBalancer".equals(was.getType());
    boolean isLoadBalancer = "LoadBalancer".equals(spec.getType());
    if (wasLoadBalancer && !isLoadBalancer) {
      if (spec.getAllocateLoadBalancerNodePorts() != null
          && spec.getAllocateLoadBalancerNodePorts().equals(was.getAllocateLoadBalancerNodePorts())) {
        spec.setAllocateLoadBalancerNodePorts(null);
      }
      if (Objects.equals(spec.getLoadBalancerClass(), was.getLoadBalancerClass())) {
        spec.setLoadBalancerClass(null);
      }
      // De-provisioning is asynchronous, but the user need not see a stale ingress.
      svc.setStatus(emptyStatus());
    }
    if (externallyAccessible(was) && !externallyAccessible(spec)
        && Objects.equals(spec.getExternalTrafficPolicy(), was.getExternalTrafficPolicy())) {
      spec.setExternalTrafficPolicy(null);
    }
    if (needsClusterIp(was) && !needsClusterIp(spec)
        && Objects.equals(spec.getInternalTrafficPolicy(), was.getInternalTrafficPolicy())) {
      spec.setInternalTrafficPolicy(null);
    }
  }

  /** The status every Service shows, even before a load balancer exists: {@code {loadBalancer: {}}}. */
  static ServiceStatus emptyStatus() {
    ServiceStatus status = new ServiceStatus();
    status.setLoadBalancer(new LoadBalancerStatus());
    return status;
  }

  /** The set of NodePorts (0 for none), as upstream compares them: which ports, not in which order. */
  private static Set<Integer> nodePorts(ServiceSpec spec) {
    Set<Integer> ports = new HashSet<>();
    for (ServicePort p : orEmpty(spec.getPorts())) {
      ports.add(p.getNodePort() == null ? 0 : p.getNodePort());
    }
    return ports;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}

package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Services: DNS-1035 names, upstream's spec defaults and rules ({@link ServiceValidation}), and the fields a type
 * change leaves behind ({@link ServiceTypeFields}). ClusterIPs and NodePorts come from {@link ServiceAllocations}.
 */
public final class ServiceStrategy implements Strategy<Service> {
  /** v1.DefaultClientIPServiceAffinitySeconds: three hours. */
  private static final int DEFAULT_AFFINITY_SECONDS = 10800;

  @Override
  public void prepareForCreate(Service svc) {
    defaults(svc);
    svc.setStatus(ServiceTypeFields.emptyStatus());
  }

  @Override
  public void prepareForUpdate(Service svc, Service old) {
    defaults(svc);
    ServiceTypeFields.drop(svc, old);
    // A request without a ClusterIP keeps the allocated one, as long as both types use one.
    if (old.getSpec() != null && svc.getSpec().getClusterIP() == null
        && ServiceTypeFields.needsClusterIp(old.getSpec()) && ServiceTypeFields.needsClusterIp(svc.getSpec())) {
      svc.getSpec().setClusterIP(old.getSpec().getClusterIP());
      svc.getSpec().setClusterIPs(old.getSpec().getClusterIPs());
    }
    if (svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null) {
      ServiceStatus status = svc.getStatus() == null ? new ServiceStatus() : svc.getStatus();
      status.setLoadBalancer(new LoadBalancerStatus());
      svc.setStatus(status);
    }
  }

  private static void defaults(Service svc) {
    ServiceSpec spec = svc.getSpec();
    if (spec == null) {
      spec = new ServiceSpec();
      svc.setSpec(spec);
    }
    if (spec.getType() == null) {
      spec.setType("ClusterIP");
    }
    if (spec.getSessionAffinity() == null) {
      spec.setSessionAffinity("None");
    }
    if ("None".equals(spec.getSessionAffinity())) {
      // As upstream's SetDefaults_Service: a config without affinity is dropped, not refused, so switching a
      // ClientIP Service back to None with a patch that only names sessionAffinity works.
      spec.setSessionAffinityConfig(null);
    }
    SessionAffinityConfig affinity = spec.getSessionAffinityConfig();
    if ("ClientIP".equals(spec.getSessionAffinity()) && (affinity == null || affinity.getClientIP() == null
        || affinity.getClientIP().getTimeoutSeconds() == null)) {
      spec.setSessionAffinityConfig(new SessionAffinityConfig(new ClientIPConfig(DEFAULT_AFFINITY_SECONDS)));
    }
    if (!"ExternalName".equals(spec.getType()) && spec.getInternalTrafficPolicy() == null) {
      spec.setInternalTrafficPolicy("Cluster");
    }
    if (ServiceTypeFields.externallyAccessible(spec) && spec.getExternalTrafficPolicy() == null) {
      spec.setExternalTrafficPolicy("Cluster");
    }
    if (spec.getPorts() != null) {
      for (ServicePort p : spec.getPorts()) {
        if (p.getProtocol() == null) {
          p.setProtocol("TCP");
        }
        if (p.getTargetPort() == null && p.getPort() != null) {
          p.setTargetPort(new IntOrString(p.getPort()));
        }
      }
    }
  }

  @Override
  public List<FieldError> validate(Service svc) {
    return ServiceValidation.validate(svc);
  }

  @Override
  public List<FieldError> validateUpdate(Service svc, Service old) {
    List<FieldError> errors = new ArrayList<>(validate(svc));
    String oldIp = old.getSpec() == null ? null : old.getSpec().getClusterIP();
    String newIp = svc.getSpec().getClusterIP();
    if (oldIp != null && !oldIp.isEmpty() && !Objects.equals(oldIp, newIp)
        && !"ExternalName".equals(svc.getSpec().getType())) {
      errors.add(FieldError.invalid("spec.clusterIPs[0]", newIp, "may not change once set"));
    }
    return errors;
  }

  @Override
  public NameRule nameRule() {
    return NameRule.DNS1035_LABEL;
  }

  @Override
  public Set<String> selectableFields() {
    return Set.of("spec.clusterIP", "spec.type");
  }

  @Override
  public Map<String, String> fieldValues(Service svc) {
    Map<String, String> v = new HashMap<>();
    v.put("spec.clusterIP", svc.getSpec() == null ? "" : Objects.toString(svc.getSpec().getClusterIP(), ""));
    v.put("spec.type", svc.getSpec() == null ? "" : Objects.toString(svc.getSpec().getType(), ""));
    return v;
  }
}

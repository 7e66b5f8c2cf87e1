package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Services: DNS-1035 names, upstream's spec defaults and port rules. ClusterIPs come from the IP allocator. */
public final class ServiceStrategy implements Strategy<Service> {
  private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

  @Override
  public void prepareForCreate(Service svc) {
    defaults(svc);
  }

  @Override
  public void prepareForUpdate(Service svc, Service old) {
    defaults(svc);
    if (svc.getSpec() != null && old.getSpec() != null && svc.getSpec().getClusterIP() == null) {
      svc.getSpec().setClusterIP(old.getSpec().getClusterIP());
      svc.getSpec().setClusterIPs(old.getSpec().getClusterIPs());
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
    if (!"ExternalName".equals(spec.getType()) && spec.getInternalTrafficPolicy() == null) {
      spec.setInternalTrafficPolicy("Cluster");
    }
    if (("NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType()))
        && spec.getExternalTrafficPolicy() == null) {
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
    List<FieldError> errors = new ArrayList<>();
    ServiceSpec spec = svc.getSpec();
    if (!TYPES.contains(spec.getType())) {
      errors.add(FieldError.notSupported("spec.type", spec.getType(), TYPES));
      return errors;
    }
    List<ServicePort> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
    if (ports.isEmpty() && !"ExternalName".equals(spec.getType())
        && !"None".equals(spec.getClusterIP())) {
      errors.add(FieldError.required("spec.ports", ""));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      ServicePort p = ports.get(i);
      String path = "spec.ports[" + i + "]";
      if (ports.size() > 1 && (p.getName() == null || p.getName().isEmpty())) {
        errors.add(FieldError.required(path + ".name", ""));
      } else if (p.getName() != null && !p.getName().isEmpty() && !names.add(p.getName())) {
        errors.add(FieldError.duplicate(path + ".name", p.getName()));
      }
      if (p.getPort() == null || p.getPort() < 1 || p.getPort() > 65535) {
        errors.add(FieldError.invalid(path + ".port", p.getPort() == null ? 0 : p.getPort(),
            "must be between 1 and 65535, inclusive"));
      }
      IntOrString target = p.getTargetPort();
      if (target != null && target.getIntVal() != null && (target.getIntVal() < 1 || target.getIntVal() > 65535)) {
        errors.add(FieldError.invalid(path + ".targetPort", target.getIntVal(),
            "must be between 1 and 65535, inclusive"));
      }
      if (p.getNodePort() != null && p.getNodePort() != 0 && "ClusterIP".equals(spec.getType())) {
        errors.add(FieldError.forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
      }
      if (!List.of("TCP", "UDP", "SCTP").contains(p.getProtocol())) {
        errors.add(FieldError.notSupported(path + ".protocol", p.getProtocol(), List.of("SCTP", "TCP", "UDP")));
      }
    }
    if ("ExternalName".equals(spec.getType()) && (spec.getExternalName() == null || spec.getExternalName().isEmpty())) {
      errors.add(FieldError.required("spec.externalName", ""));
    }
    return errors;
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

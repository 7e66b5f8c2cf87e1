package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.validation.GoSyntax;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Upstream's ValidateService (pkg/apis/core/validation) for a single-stack IPv4 cluster, with its messages. */
final class ServiceValidation {
  static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
  private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
  private static final List<String> AFFINITIES = List.of("ClientIP", "None");
  private static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");
  private static final List<String> FAMILY_POLICIES = List.of("PreferDualStack", "RequireDualStack", "SingleStack");
  private static final List<String> FAMILIES = List.of("IPv4", "IPv6");
  /** core.MaxClientIPServiceAffinitySeconds. */
  private static final int MAX_AFFINITY_SECONDS = 86400;
  private static final Pattern PORT_NAME_CHARS = Pattern.compile("[-a-z0-9]+");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern ONE_LETTER = Pattern.compile(".*[a-z].*");
  private static final String NOT_FOR_EXTERNAL_NAME = "may not be set for ExternalName services";

  private ServiceValidation() {}

  static List<FieldError> validate(Service svc) {
    List<FieldError> errors = new ArrayList<>();
    ServiceSpec spec = svc.getSpec();
    if (!TYPES.contains(spec.getType())) {
      errors.add(FieldError.notSupported("spec.type", spec.getType(), TYPES));
      return errors;
    }
    boolean externalName = "ExternalName".equals(spec.getType());
    List<ServicePort> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
    if (ports.isEmpty() && !externalName && !"None".equals(spec.getClusterIP())) {
      errors.add(FieldError.required("spec.ports", ""));
    }
    if (externalName) {
      externalName(spec, errors);
    } else {
      ipFamilies(spec, errors);
    }
    ports(spec, ports, errors);
    sessionAffinity(spec, errors);
    externalTrafficPolicy(spec, errors);
    selector(spec.getSelector(), errors);
    return errors;
  }

  private static void externalName(ServiceSpec spec, List<FieldError> errors) {
    if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()
        || spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
      errors.add(FieldError.forbidden("spec.clusterIPs", NOT_FOR_EXTERNAL_NAME));
    }
    if (spec.getIpFamilyPolicy() != null) {
      errors.add(FieldError.forbidden("spec.ipFamilyPolicy", NOT_FOR_EXTERNAL_NAME));
    }
    if (spec.getIpFamilies() != null && !spec.getIpFamilies().isEmpty()) {
      errors.add(FieldError.forbidden("spec.ipFamilies", NOT_FOR_EXTERNAL_NAME));
    }
    // A CNAME may end in a dot to mark it fully qualified.
    String name = spec.getExternalName() == null ? "" : spec.getExternalName();
    String cname = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (cname.isEmpty()) {
      errors.add(FieldError.required("spec.externalName", ""));
    } else {
      if (cname.length() > 253) {
        errors.add(FieldError.invalid("spec.externalName", cname, "must be no more than 253 characters"));
      }
      if (!DNS1123_SUBDOMAIN.matcher(cname).matches()) {
        errors.add(FieldError.invalid("spec.externalName", cname, Validation.DNS1123_SUBDOMAIN_MESSAGE));
      }
    }
  }

  /** This cluster allocates from one IPv4 range only. */
  private static void ipFamilies(ServiceSpec spec, List<FieldError> errors) {
    String policy = spec.getIpFamilyPolicy();
    if (policy != null) {
      if (!FAMILY_POLICIES.contains(policy)) {
        errors.add(FieldError.notSupported("spec.ipFamilyPolicy", policy, FAMILY_POLICIES));
      } else if ("RequireDualStack".equals(policy)) {
        errors.add(FieldError.invalid("spec.ipFamilyPolicy", policy,
            "this cluster is not configured for dual-stack services"));
      }
    }
    List<String> families = spec.getIpFamilies() == null ? List.of() : spec.getIpFamilies();
    for (int i = 0; i < families.size(); i++) {
      String family = families.get(i);
      if (!FAMILIES.contains(family)) {
        errors.add(FieldError.notSupported("spec.ipFamilies[" + i + "]", family, FAMILIES));
      } else if (!"IPv4".equals(family)) {
        errors.add(FieldError.invalid("spec.ipFamilies[" + i + "]", family, "not configured on this cluster"));
      }
    }
  }

  private static void ports(ServiceSpec spec, List<ServicePort> ports, List<FieldError> errors) {
    Set<String> names = new HashSet<>();
    Set<String> portKeys = new HashSet<>();
    Set<String> nodePortKeys = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      ServicePort p = ports.get(i);
      String path = "spec.ports[" + i + "]";
      String name = p.getName() == null ? "" : p.getName();
      if (ports.size() > 1 && name.isEmpty()) {
        errors.add(FieldError.required(path + ".name", ""));
      } else if (!name.isEmpty()) {
        if (!Validation.isDns1123Label(name)) {
          errors.add(FieldError.invalid(path + ".name", name, Validation.DNS1123_LABEL_MESSAGE));
        } else if (!names.add(name)) {
          errors.add(FieldError.duplicate(path + ".name", name));
        }
      }
      if (p.getPort() == null || p.getPort() < 1 || p.getPort() > 65535) {
        errors.add(FieldError.invalid(path + ".port", p.getPort() == null ? 0 : p.getPort(),
            "must be between 1 and 65535, inclusive"));
      }
      if (!PROTOCOLS.contains(p.getProtocol())) {
        errors.add(FieldError.notSupported(path + ".protocol", p.getProtocol(), PROTOCOLS));
      }
      targetPort(p.getTargetPort(), path + ".targetPort", errors);
      if (p.getNodePort() != null && p.getNodePort() != 0 && "ClusterIP".equals(spec.getType())) {
        errors.add(FieldError.forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'"));
      }
      // Two ports may share a number only with different protocols.
      if (!portKeys.add(p.getProtocol() + "/" + p.getPort())) {
        errors.add(FieldError.duplicate(path, new GoSyntax.Value("core.ServicePort{Name:\"\", Protocol:\""
            + p.getProtocol() + "\", AppProtocol:(*string)(nil), Port:" + (p.getPort() == null ? 0 : p.getPort())
            + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
      }
      if (p.getNodePort() != null && p.getNodePort() != 0
          && !nodePortKeys.add(p.getProtocol() + "/" + p.getNodePort())) {
        errors.add(FieldError.duplicate(path + ".nodePort", p.getNodePort()));
      }
    }
  }

  /** A number from 1 to 65535 or an IANA_SVC_NAME (upstream's IsValidPortName). */
  private static void targetPort(IntOrString target, String path, List<FieldError> errors) {
    if (target == null) {
      return;
    }
    if (target.getStrVal() == null) {
      int port = target.getIntVal() == null ? 0 : target.getIntVal();
      if (port < 1 || port > 65535) {
        errors.add(FieldError.invalid(path, port, "must be between 1 and 65535, inclusive"));
      }
      return;
    }
    String name = target.getStrVal();
    if (name.length() > 15) {
      errors.add(FieldError.invalid(path, name, "must be no more than 15 characters"));
    }
    if (!PORT_NAME_CHARS.matcher(name).matches()) {
      errors.add(FieldError.invalid(path, name, "must contain only alpha-numeric characters (a-z, 0-9), and "
          + "hyphens (-)"));
    }
    if (!ONE_LETTER.matcher(name).matches()) {
      errors.add(FieldError.invalid(path, name, "must contain at least one letter (a-z)"));
    }
    if (name.contains("--")) {
      errors.add(FieldError.invalid(path, name, "must not contain consecutive hyphens"));
    }
    if (!name.isEmpty() && (name.startsWith("-") || name.endsWith("-"))) {
      errors.add(FieldError.invalid(path, name, "must not begin or end with a hyphen"));
    }
  }

  private static void sessionAffinity(ServiceSpec spec, List<FieldError> errors) {
    String affinity = spec.getSessionAffinity();
    if (affinity == null || affinity.isEmpty()) {
      errors.add(FieldError.required("spec.sessionAffinity", ""));
    } else if (!AFFINITIES.contains(affinity)) {
      errors.add(FieldError.notSupported("spec.sessionAffinity", affinity, AFFINITIES));
    }
    SessionAffinityConfig config = spec.getSessionAffinityConfig();
    if ("ClientIP".equals(affinity)) {
      String why = "when session affinity type is ClientIP";
      if (config == null) {
        errors.add(FieldError.required("spec.sessionAffinityConfig", why));
      } else if (config.getClientIP() == null) {
        errors.add(FieldError.required("spec.sessionAffinityConfig.clientIP", why));
      } else if (config.getClientIP().getTimeoutSeconds() == null) {
        errors.add(FieldError.required("spec.sessionAffinityConfig.clientIP.timeoutSeconds", why));
      } else {
        int timeout = config.getClientIP().getTimeoutSeconds();
        if (timeout <= 0 || timeout > MAX_AFFINITY_SECONDS) {
          errors.add(FieldError.invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
              "must be greater than 0 and less than " + MAX_AFFINITY_SECONDS));
        }
      }
    } else if ("None".equals(affinity) && config != null) {
      errors.add(FieldError.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
    }
  }

  private static void externalTrafficPolicy(ServiceSpec spec, List<FieldError> errors) {
    String policy = spec.getExternalTrafficPolicy();
    if (!ServiceTypeFields.externallyAccessible(spec)) {
      if (policy != null && !policy.isEmpty()) {
        errors.add(FieldError.invalid("spec.externalTrafficPolicy", policy,
            "may only be set for externally-accessible services"));
      }
    } else if (policy == null || policy.isEmpty()) {
      errors.add(FieldError.required("spec.externalTrafficPolicy", ""));
    } else if (!TRAFFIC_POLICIES.contains(policy)) {
      errors.add(FieldError.notSupported("spec.externalTrafficPolicy", policy, TRAFFIC_POLICIES));
    }
  }

  /** Selector keys and values follow the rules of labels. */
  private static void selector(Map<String, String> selector, List<FieldError> errors) {
    if (selector == null) {
      return;
    }
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!Validation.isQualifiedName(e.getKey())) {
        errors.add(FieldError.invalid("spec.selector", e.getKey(), Validation.QUALIFIED_NAME_MESSAGE));
      }
      String value = e.getValue() == null ? "" : e.getValue();
      String path = "spec.selector[" + e.getKey() + "]";
      if (value.length() > 63) {
        errors.add(FieldError.invalid(path, value, "must be no more than 63 characters"));
      }
      if (!value.matches("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")) {
        errors.add(FieldError.invalid(path, value, Validation.LABEL_VALUE_MESSAGE));
      }
    }
  }
}

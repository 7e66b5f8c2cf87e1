package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.validation.Validation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The pod spec rules of upstream's {@code ValidatePodSpec} that clients run into most. */
public final class PodSpecValidator {
  private static final Set<String> RESTART_POLICIES = Set.of("Always", "OnFailure", "Never");
  private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");
  /** Upstream's SysctlContainSlashFmt: segments joined by dots or slashes (net/ipv4/ip_forward too). */
  private static final String SYSCTL_NAME = "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";
  private static final Pattern SYSCTL_NAME_PATTERN = Pattern.compile(SYSCTL_NAME);
  private static final int SYSCTL_MAX_LENGTH = 253;

  private PodSpecValidator() {}

  public static void validate(PodSpec spec, String path, List<FieldError> errors) {
    if (spec == null) {
      errors.add(FieldError.required(path, ""));
      return;
    }
    if (spec.getContainers() == null || spec.getContainers().isEmpty()) {
      errors.add(FieldError.required(path + ".containers", ""));
    }
    Set<String> names = new HashSet<>();
    validateContainers(spec.getInitContainers(), path + ".initContainers", names, errors);
    validateContainers(spec.getContainers(), path + ".containers", names, errors);
    if (spec.getRestartPolicy() != null && !RESTART_POLICIES.contains(spec.getRestartPolicy())) {
      errors.add(FieldError.notSupported(path + ".restartPolicy", spec.getRestartPolicy(),
          List.of("Always", "OnFailure", "Never")));
    }
    if (spec.getVolumes() != null) {
      Set<String> volumeNames = new HashSet<>();
      for (int i = 0; i < spec.getVolumes().size(); i++) {
        Volume v = spec.getVolumes().get(i);
        String vp = path + ".volumes[" + i + "].name";
        if (v.getName() == null || v.getName().isEmpty()) {
          errors.add(FieldError.required(vp, ""));
        } else if (!Validation.isDns1123Label(v.getName())) {
          errors.add(FieldError.invalid(vp, v.getName(), Validation.DNS1123_LABEL_MESSAGE));
        } else if (!volumeNames.add(v.getName())) {
          errors.add(FieldError.duplicate(vp, v.getName()));
        }
      }
    }
    if (spec.getSecurityContext() != null) {
      validateSysctls(spec.getSecurityContext().getSysctls(), path + ".securityContext.sysctls", errors);
    }
    if (spec.getTerminationGracePeriodSeconds() != null && spec.getTerminationGracePeriodSeconds() < 0) {
      errors.add(FieldError.invalid(path + ".terminationGracePeriodSeconds", spec.getTerminationGracePeriodSeconds(),
          "must be greater than or equal to 0"));
    }
  }

  private static void validateContainers(List<Container> containers, String path, Set<String> names,
      List<FieldError> errors) {
    if (containers == null) {
      return;
    }
    for (int i = 0; i < containers.size(); i++) {
      Container c = containers.get(i);
      String cp = path + "[" + i + "]";
      if (c.getName() == null || c.getName().isEmpty()) {
        errors.add(FieldError.required(cp + ".name", ""));
      } else if (!Validation.isDns1123Label(c.getName())) {
        errors.add(FieldError.invalid(cp + ".name", c.getName(), Validation.DNS1123_LABEL_MESSAGE));
      } else if (!names.add(c.getName())) {
        errors.add(FieldError.duplicate(cp + ".name", c.getName()));
      }
      if (c.getImage() == null || c.getImage().isBlank()) {
        errors.add(FieldError.required(cp + ".image", ""));
      }
      if (c.getPorts() != null) {
        for (int j = 0; j < c.getPorts().size(); j++) {
          validatePort(c.getPorts().get(j), cp + ".ports[" + j + "]", errors);
        }
      }
      validateSubPaths(c.getVolumeMounts(), cp + ".volumeMounts", errors);
    }
  }

  /**
   * Upstream's subPath rules of validateVolumeMounts: subPath and subPathExpr relative and without a {@code ..} part,
   * and not both. Upstream names their errors {@code volumeMounts.subPath} (no index), the mutual exclusion
   * {@code volumeMounts[i].subPathExpr}. What an expression expands to is the kubelet's to check.
   */
  static void validateSubPaths(List<VolumeMount> mounts, String path, List<FieldError> errors) {
    if (mounts == null) {
      return;
    }
    for (int i = 0; i < mounts.size(); i++) {
      VolumeMount m = mounts.get(i);
      boolean subPath = m.getSubPath() != null && !m.getSubPath().isEmpty();
      if (subPath) {
        validateLocalDescendingPath(m.getSubPath(), path + ".subPath", errors);
      }
      if (m.getSubPathExpr() != null && !m.getSubPathExpr().isEmpty()) {
        if (subPath) {
          errors.add(FieldError.invalid(path + "[" + i + "].subPathExpr", m.getSubPathExpr(),
              "subPathExpr and subPath are mutually exclusive"));
        }
        validateLocalDescendingPath(m.getSubPathExpr(), path + ".subPathExpr", errors);
      }
    }
  }

  private static void validateLocalDescendingPath(String target, String path, List<FieldError> errors) {
    if (target.startsWith("/")) {
      errors.add(FieldError.invalid(path, target, "must be a relative path"));
    }
    for (String part : target.split("/")) {
      if (part.equals("..")) {
        errors.add(FieldError.invalid(path, target, "must not contain '..'"));
        break;
      }
    }
  }

  /** Upstream's validateSysctls: every name given, a sysctl name, and named once. */
  static void validateSysctls(List<Sysctl> sysctls, String path, List<FieldError> errors) {
    if (sysctls == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < sysctls.size(); i++) {
      String name = sysctls.get(i).getName();
      String np = path + "[" + i + "].name";
      if (name == null || name.isEmpty()) {
        errors.add(FieldError.required(np, ""));
      } else if (name.length() > SYSCTL_MAX_LENGTH || !SYSCTL_NAME_PATTERN.matcher(name).matches()) {
        errors.add(FieldError.invalid(np, name, "must have at most " + SYSCTL_MAX_LENGTH
            + " characters and match regex " + SYSCTL_NAME));
      } else if (!names.add(name)) {
        errors.add(FieldError.duplicate(np, name));
      }
    }
  }

  private static void validatePort(ContainerPort p, String path, List<FieldError> errors) {
    Integer port = p.getContainerPort();
    if (port == null || port == 0) {
      errors.add(FieldError.required(path + ".containerPort", ""));
    } else if (port < 1 || port > 65535) {
      errors.add(FieldError.invalid(path + ".containerPort", port, "must be between 1 and 65535, inclusive"));
    }
    if (p.getHostPort() != null && p.getHostPort() != 0 && (p.getHostPort() < 1 || p.getHostPort() > 65535)) {
      errors.add(FieldError.invalid(path + ".hostPort", p.getHostPort(), "must be between 1 and 65535, inclusive"));
    }
    if (p.getProtocol() != null && !PROTOCOLS.contains(p.getProtocol())) {
      errors.add(FieldError.notSupported(path + ".protocol", p.getProtocol(), List.of("SCTP", "TCP", "UDP")));
    }
    if (p.getName() != null && !p.getName().isEmpty() && (p.getName().length() > 15
        || !p.getName().matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?") || !p.getName().matches(".*[a-z].*"))) {
      errors.add(FieldError.invalid(path + ".name", p.getName(),
          "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), at most 15 characters, and at "
              + "least one letter"));
    }
  }
}

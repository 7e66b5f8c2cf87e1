package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The Pod Security Standards (baseline and restricted, upstream's pod-security-admission policy checks) as pure
 * functions of a pod's metadata and spec. Each violation is worded as upstream words it, e.g.
 * {@code privileged (container "c" must not set securityContext.privileged=true)}.
 */
public final class PodSecurityChecks {
  public enum Level {
    PRIVILEGED, BASELINE, RESTRICTED;

    public String label() {
      return name().toLowerCase();
    }

    public static Level parse(String s) {
      return switch (s == null ? "" : s) {
        case "privileged" -> PRIVILEGED;
        case "baseline" -> BASELINE;
        case "restricted" -> RESTRICTED;
        default -> null;
      };
    }
  }

  private static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
      "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
  private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
      "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
      "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
  private static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
      "container_engine_t");
  private static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
      "ephemeral", "persistentVolumeClaim", "projected", "secret", "image");

  private PodSecurityChecks() {}

  /** The violations of {@code level} (empty: allowed). */
  public static List<String> check(Level level, ObjectMeta meta, PodSpec spec) {
    List<String> out = new ArrayList<>();
    if (level == Level.PRIVILEGED || spec == null) {
      return out;
    }
    boolean restricted = level == Level.RESTRICTED;
    List<Container> containers = all(spec);
    PodSecurityContext psc = spec.getSecurityContext() == null ? new PodSecurityContext() : spec.getSecurityContext();
    if (restricted) {
      add(out, "allowPrivilegeEscalation != false", containers, c -> sc(c).getAllowPrivilegeEscalation() == null
          || sc(c).getAllowPrivilegeEscalation(), "must set securityContext.allowPrivilegeEscalation=false");
    }
    appArmor(meta, spec, containers, out);
    if (restricted) {
      List<String> parts = new ArrayList<>();
      List<String> noDrop = names(containers, c -> caps(c).getDrop() == null || !caps(c).getDrop().contains("ALL"));
      if (!noDrop.isEmpty()) {
        parts.add(subject(noDrop) + " must set securityContext.capabilities.drop=[\"ALL\"]");
      }
      capabilityAdds(containers, Set.of("NET_BIND_SERVICE"), parts);
      if (!parts.isEmpty()) {
        out.add("unrestricted capabilities (" + String.join("; ", parts) + ")");
      }
    } else {
      List<String> parts = new ArrayList<>();
      capabilityAdds(containers, BASELINE_CAPABILITIES, parts);
      if (!parts.isEmpty()) {
        out.add("non-default capabilities (" + String.join("; ", parts) + ")");
      }
    }
    List<String> hostNs = new ArrayList<>();
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      hostNs.add("hostNetwork=true");
    }
    if (Boolean.TRUE.equals(spec.getHostPID())) {
      hostNs.add("hostPID=true");
    }
    if (Boolean.TRUE.equals(spec.getHostIPC())) {
      hostNs.add("hostIPC=true");
    }
    if (!hostNs.isEmpty()) {
      out.add("host namespaces (" + String.join(", ", hostNs) + ")");
    }
    List<String> hostPaths = new ArrayList<>();
    for (Volume v : nn(spec.getVolumes())) {
      if (v.getHostPath() != null) {
        hostPaths.add(v.getName());
      }
    }
    if (!hostPaths.isEmpty()) {
      out.add("hostPath volumes (" + (hostPaths.size() == 1 ? "volume " : "volumes ") + quoted(hostPaths) + ")");
    }
    List<String> ports = new ArrayList<>();
    for (Container c : containers) {
      Set<String> hp = new LinkedHashSet<>();
      for (ContainerPort p : nn(c.getPorts())) {
        if (p.getHostPort() != null && p.getHostPort() != 0) {
          hp.add(String.valueOf(p.getHostPort()));
        }
      }
      if (!hp.isEmpty()) {
        ports.add("container \"" + c.getName() + "\" uses " + (hp.size() == 1 ? "hostPort " : "hostPorts ")
            + String.join(", ", hp));
      }
    }
    if (!ports.isEmpty()) {
      out.add((ports.size() == 1 && !ports.get(0).contains("hostPorts") ? "hostPort (" : "hostPort (")
          + String.join("; ", ports) + ")");
    }
    add(out, "privileged", containers, c -> Boolean.TRUE.equals(sc(c).getPrivileged()),
        "must not set securityContext.privileged=true");
    add(out, "procMount", containers, c -> sc(c).getProcMount() != null && !"Default".equals(sc(c).getProcMount()),
        "must not set securityContext.procMount to \"Unmasked\"");
    if (restricted) {
      List<String> bad = new ArrayList<>();
      for (Volume v : nn(spec.getVolumes())) {
        String type = volumeType(v);
        if (!RESTRICTED_VOLUMES.contains(type)) {
          bad.add("volume \"" + v.getName() + "\" uses restricted volume type \"" + type + "\"");
        }
      }
      if (!bad.isEmpty()) {
        out.add("restricted volume types (" + String.join(", ", bad) + ")");
      }
      boolean podNonRoot = Boolean.TRUE.equals(psc.getRunAsNonRoot());
      List<String> explicitRoot = names(containers, c -> Boolean.FALSE.equals(sc(c).getRunAsNonRoot()));
      List<String> unset = names(containers, c -> sc(c).getRunAsNonRoot() == null);
      if (Boolean.FALSE.equals(psc.getRunAsNonRoot()) || !explicitRoot.isEmpty() || (!podNonRoot && !unset.isEmpty())) {
        List<String> parts = new ArrayList<>();
        if (Boolean.FALSE.equals(psc.getRunAsNonRoot())) {
          parts.add("pod must not set securityContext.runAsNonRoot=false");
        }
        if (!explicitRoot.isEmpty()) {
          parts.add(subject(explicitRoot) + " must not set securityContext.runAsNonRoot=false");
        }
        if (!podNonRoot && !unset.isEmpty()) {
          parts.add("pod or " + subject(unset) + " must set securityContext.runAsNonRoot=true");
        }
        out.add("runAsNonRoot != true (" + String.join("; ", parts) + ")");
      }
      List<String> rootUsers = new ArrayList<>();
      if (psc.getRunAsUser() != null && psc.getRunAsUser() == 0) {
        rootUsers.add("pod must not set runAsUser=0");
      }
      List<String> rootContainers = names(containers, c -> sc(c).getRunAsUser() != null && sc(c).getRunAsUser() == 0);
      if (!rootContainers.isEmpty()) {
        rootUsers.add(subject(rootContainers) + " must not set runAsUser=0");
      }
      if (!rootUsers.isEmpty()) {
        out.add("runAsUser=0 (" + String.join("; ", rootUsers) + ")");
      }
    }
    seLinux(psc, containers, out);
    seccomp(restricted, psc, containers, out);
    List<String> sysctls = new ArrayList<>();
    for (Sysctl s : nn(psc.getSysctls())) {
      if (!SAFE_SYSCTLS.contains(s.getName())) {
        sysctls.add(s.getName());
      }
    }
    if (!sysctls.isEmpty()) {
      out.add("forbidden sysctls (" + String.join(", ", sysctls) + ")");
    }
    return out;
  }

  private static void appArmor(ObjectMeta meta, PodSpec spec, List<Container> containers, List<String> out) {
    List<String> bad = new ArrayList<>();
    if (meta != null && meta.getAnnotations() != null) {
      for (var e : meta.getAnnotations().entrySet()) {
        if (e.getKey().startsWith("container.apparmor.security.beta.kubernetes.io/")
            && !e.getValue().equals("runtime/default") && !e.getValue().startsWith("localhost/")) {
          bad.add(e.getKey() + "=\"" + e.getValue() + "\"");
        }
      }
    }
    if (spec.getSecurityContext() != null && spec.getSecurityContext().getAppArmorProfile() != null
        && "Unconfined".equals(spec.getSecurityContext().getAppArmorProfile().getType())) {
      bad.add("pod must not set appArmorProfile.type to \"Unconfined\"");
    }
    List<String> names = names(containers, c -> sc(c).getAppArmorProfile() != null
        && "Unconfined".equals(sc(c).getAppArmorProfile().getType()));
    if (!names.isEmpty()) {
      bad.add(subject(names) + " must not set appArmorProfile.type to \"Unconfined\"");
    }
    if (!bad.isEmpty()) {
      out.add("forbidden AppArmor profile" + (bad.size() == 1 ? "" : "s") + " (" + String.join(", ", bad) + ")");
    }
  }

  private static void seLinux(PodSecurityContext psc, List<Container> containers, List<String> out) {
    List<String> bad = new ArrayList<>();
    Function<io.fabric8.kubernetes.api.model.SELinuxOptions, String> why = o -> {
      if (o == null) {
        return null;
      }
      List<String> w = new ArrayList<>();
      if (o.getType() != null && !SELINUX_TYPES.contains(o.getType())) {
        w.add("type \"" + o.getType() + "\"");
      }
      if (o.getUser() != null && !o.getUser().isEmpty()) {
        w.add("user \"" + o.getUser() + "\"");
      }
      if (o.getRole() != null && !o.getRole().isEmpty()) {
        w.add("role \"" + o.getRole() + "\"");
      }
      return w.isEmpty() ? null : String.join(", ", w);
    };
    String pod = why.apply(psc.getSeLinuxOptions());
    if (pod != null) {
      bad.add("pod set forbidden securityContext.seLinuxOptions: " + pod);
    }
    for (Container c : containers) {
      String w = why.apply(sc(c).getSeLinuxOptions());
      if (w != null) {
        bad.add("container \"" + c.getName() + "\" set forbidden securityContext.seLinuxOptions: " + w);
      }
    }
    if (!bad.isEmpty()) {
      out.add("seLinuxOptions (" + String.join("; ", bad) + ")");
    }
  }

  private static void seccomp(boolean restricted, PodSecurityContext psc, List<Container> containers,
      List<String> out) {
    String podType = type(psc.getSeccompProfile());
    if (!restricted) {
      List<String> parts = new ArrayList<>();
      if ("Unconfined".equals(podType)) {
        parts.add("pod must not set securityContext.seccompProfile.type to \"Unconfined\"");
      }
      List<String> names = names(containers, c -> "Unconfined".equals(type(sc(c).getSeccompProfile())));
      if (!names.isEmpty()) {
        parts.add(subject(names) + " must not set securityContext.seccompProfile.type to \"Unconfined\"");
      }
      if (!parts.isEmpty()) {
        out.add("seccompProfile (" + String.join("; ", parts) + ")");
      }
      return;
    }
    boolean podOk = "RuntimeDefault".equals(podType) || "Localhost".equals(podType);
    List<String> parts = new ArrayList<>();
    if (podType != null && !podOk) {
      parts.add("pod must not set securityContext.seccompProfile.type to \"" + podType + "\"");
    }
    List<String> badSet = names(containers, c -> {
      String t = type(sc(c).getSeccompProfile());
      return t != null && !t.equals("RuntimeDefault") && !t.equals("Localhost");
    });
    if (!badSet.isEmpty()) {
      parts.add(subject(badSet) + " must not set securityContext.seccompProfile.type to \"Unconfined\"");
    }
    List<String> unset = names(containers, c -> type(sc(c).getSeccompProfile()) == null);
    if (!podOk && !unset.isEmpty()) {
      parts.add("pod or " + subject(unset)
          + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
    }
    if (!parts.isEmpty()) {
      out.add("seccompProfile (" + String.join("; ", parts) + ")");
    }
  }

  private static void capabilityAdds(List<Container> containers, Set<String> allowed, List<String> parts) {
    Map<String, List<String>> byContainer = new LinkedHashMap<>();
    for (Container c : containers) {
      for (String cap : nn(caps(c).getAdd())) {
        if (!allowed.contains(cap)) {
          byContainer.computeIfAbsent(c.getName(), k -> new ArrayList<>()).add(cap);
        }
      }
    }
    byContainer.forEach((c, caps) -> parts.add("container \"" + c + "\" must not include " + quoted(caps)
        + " in securityContext.capabilities.add"));
  }

  private static void add(List<String> out, String id, List<Container> containers,
      java.util.function.Predicate<Container> bad, String what) {
    List<String> names = names(containers, bad);
    if (!names.isEmpty()) {
      out.add(id + " (" + subject(names) + " " + what + ")");
    }
  }

  private static List<String> names(List<Container> containers, java.util.function.Predicate<Container> p) {
    List<String> out = new ArrayList<>();
    for (Container c : containers) {
      if (p.test(c)) {
        out.add(c.getName());
      }
    }
    return out;
  }

  private static String subject(List<String> containers) {
    return (containers.size() == 1 ? "container " : "containers ") + quoted(containers);
  }

  private static String quoted(List<String> names) {
    List<String> q = new ArrayList<>();
    for (String n : names) {
      q.add("\"" + n + "\"");
    }
    return String.join(", ", q);
  }

  private static String type(SeccompProfile p) {
    return p == null ? null : p.getType();
  }

  private static SecurityContext sc(Container c) {
    return c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
  }

  private static Capabilities caps(Container c) {
    return sc(c).getCapabilities() == null ? new Capabilities() : sc(c).getCapabilities();
  }

  private static List<Container> all(PodSpec spec) {
    List<Container> out = new ArrayList<>(nn(spec.getInitContainers()));
    out.addAll(nn(spec.getContainers()));
    for (var e : nn(spec.getEphemeralContainers())) {
      Container c = new Container();
      c.setName(e.getName());
      c.setSecurityContext(e.getSecurityContext());
      c.setPorts(e.getPorts());
      out.add(c);
    }
    return out;
  }

  private static String volumeType(Volume v) {
    Map<String, Object> fields = io.quarkube.apiserver.json.Json.MAPPER.convertValue(v,
        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
    for (String k : fields.keySet()) {
      if (!k.equals("name")) {
        return k;
      }
    }
    return "emptyDir";
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }
}

package io.quarkube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.k8s.cri.runtime.v1.Capability;
import io.k8s.cri.runtime.v1.ContainerConfig;
import io.k8s.cri.runtime.v1.ContainerMetadata;
import io.k8s.cri.runtime.v1.ImageSpec;
import io.k8s.cri.runtime.v1.Int64Value;
import io.k8s.cri.runtime.v1.KeyValue;
import io.k8s.cri.runtime.v1.LinuxContainerConfig;
import io.k8s.cri.runtime.v1.LinuxContainerResources;
import io.k8s.cri.runtime.v1.LinuxContainerSecurityContext;
import io.k8s.cri.runtime.v1.Mount;
import io.k8s.cri.runtime.v1.NamespaceMode;
import io.k8s.cri.runtime.v1.NamespaceOption;
import io.k8s.cri.runtime.v1.SecurityProfile;
import io.quarkube.kubelet.cgroups.QosClass;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds the CRI ContainerConfig of a container (upstream's kuberuntime_container.go generateContainerConfig). */
public final class ContainerConfigs {
  /** Masked and read-only /proc paths, as upstream's defaults (unless privileged). */
  static final List<String> MASKED_PATHS = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
      "/sys/firmware", "/sys/devices/virtual/powercap");
  static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
      "/proc/sysrq-trigger");
  private static final long CPU_PERIOD = 100_000;
  private static final long MIN_SHARES = 2;

  private ContainerConfigs() {}

  /** Everything a container's CRI config is made from, besides the pod and the container spec. */
  public record Inputs(
      int attempt,
      String kind,
      String imageRef,
      Map<String, String> env,
      List<Mount> mounts,
      String terminationLogHostPath,
      String pidTargetContainerId) {

    /** A container of the pod's own, in its own PID namespace (or the pod's, as the pod says). */
    public Inputs(int attempt, String kind, String imageRef, Map<String, String> env, List<Mount> mounts,
        String terminationLogHostPath) {
      this(attempt, kind, imageRef, env, mounts, terminationLogHostPath, null);
    }
  }

  public static ContainerConfig build(Pod pod, Container container, Inputs in) {
    var meta = pod.getMetadata();
    ContainerConfig.Builder config = ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(container.getName()).setAttempt(in.attempt()))
        .setImage(ImageSpec.newBuilder().setImage(in.imageRef()).setUserSpecifiedImage(container.getImage()))
        .setLogPath(PodDirs.containerLogPath(container.getName(), in.attempt()))
        .setStdin(Boolean.TRUE.equals(container.getStdin()))
        .setStdinOnce(Boolean.TRUE.equals(container.getStdinOnce()))
        .setTty(Boolean.TRUE.equals(container.getTty()));
    if (container.getCommand() != null) {
      container.getCommand().forEach(c -> config.addCommand(VarExpansion.expand(c, in.env())));
    }
    if (container.getArgs() != null) {
      container.getArgs().forEach(a -> config.addArgs(VarExpansion.expand(a, in.env())));
    }
    if (container.getWorkingDir() != null) {
      config.setWorkingDir(container.getWorkingDir());
    }
    in.env().forEach((k, v) -> config.addEnvs(KeyValue.newBuilder().setKey(k).setValue(v)));
    config.addAllMounts(in.mounts());
    if (in.terminationLogHostPath() != null) {
      String path = container.getTerminationMessagePath() == null || container.getTerminationMessagePath().isEmpty()
          ? "/dev/termination-log" : container.getTerminationMessagePath();
      config.addMounts(Mount.newBuilder().setContainerPath(path).setHostPath(in.terminationLogHostPath()));
    }
    config.putLabels(RuntimeLabels.CONTAINER_NAME, container.getName())
        .putLabels(RuntimeLabels.POD_NAME, meta.getName())
        .putLabels(RuntimeLabels.POD_NAMESPACE, meta.getNamespace())
        .putLabels(RuntimeLabels.POD_UID, meta.getUid())
        .putLabels(RuntimeLabels.MANAGED_BY, "true")
        .putLabels(RuntimeLabels.CONTAINER_KIND, in.kind());
    config.putAnnotations(RuntimeLabels.CONTAINER_HASH, hash(container))
        .putAnnotations(RuntimeLabels.RESTART_COUNT, Integer.toString(in.attempt()))
        .putAnnotations(RuntimeLabels.TERMINATION_MESSAGE_PATH,
            container.getTerminationMessagePath() == null ? "/dev/termination-log"
                : container.getTerminationMessagePath())
        .putAnnotations(RuntimeLabels.TERMINATION_MESSAGE_POLICY,
            container.getTerminationMessagePolicy() == null ? "File" : container.getTerminationMessagePolicy())
        .putAnnotations(RuntimeLabels.GRACE_PERIOD, Long.toString(gracePeriod(pod)));
    config.setLinux(LinuxContainerConfig.newBuilder()
        .setResources(resources(pod, container))
        .setSecurityContext(security(pod, container, in.pidTargetContainerId())));
    return config.build();
  }

  public static long gracePeriod(Pod pod) {
    Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
    return grace == null ? 30 : grace;
  }

  /** A stable hash of the container's spec: a changed spec (image) makes the kubelet replace the container. */
  public static String hash(Container container) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest(Serialization.asJson(container).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** CPU shares and quota, memory limit and OOM score as upstream maps them (cgroup v1). */
  static LinuxContainerResources resources(Pod pod, Container container) {
    Map<String, Quantity> requests = container.getResources() == null ? null : container.getResources().getRequests();
    Map<String, Quantity> limits = container.getResources() == null ? null : container.getResources().getLimits();
    Quantity cpuRequest = requests == null ? null : requests.get("cpu");
    Quantity cpuLimit = limits == null ? null : limits.get("cpu");
    Quantity memoryLimit = limits == null ? null : limits.get("memory");
    if (cpuRequest == null && cpuLimit != null) {
      cpuRequest = cpuLimit; // the API server defaults requests to limits
    }
    LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder();
    long milliRequest = cpuRequest == null ? 0 : millis(cpuRequest);
    r.setCpuShares(Math.max(MIN_SHARES, milliRequest * 1024 / 1000));
    if (cpuLimit != null) {
      long quota = millis(cpuLimit) * CPU_PERIOD / 1000;
      r.setCpuPeriod(CPU_PERIOD).setCpuQuota(Math.max(1000, quota));
    }
    if (memoryLimit != null) {
      r.setMemoryLimitInBytes(memoryLimit.getNumericalAmount().longValue());
    }
    QosClass qos = QosClass.of(pod);
    r.setOomScoreAdj(switch (qos) {
      case GUARANTEED -> -997;
      case BEST_EFFORT -> 1000;
      case BURSTABLE -> burstableOomScore(requests);
    });
    return r.build();
  }

  private static long burstableOomScore(Map<String, Quantity> requests) {
    Quantity memory = requests == null ? null : requests.get("memory");
    long total = Runtime.getRuntime().maxMemory() > 0 ? NodeFacts.memoryCapacityBytes() : 1;
    long request = memory == null ? 0 : memory.getNumericalAmount().longValue();
    long score = 1000 - (1000 * request) / Math.max(1, total);
    return Math.max(3, Math.min(999, score));
  }

  static long millis(Quantity q) {
    return q.getNumericalAmount().multiply(BigDecimal.valueOf(1000)).setScale(0, java.math.RoundingMode.CEILING)
        .longValue();
  }

  static LinuxContainerSecurityContext security(Pod pod, Container container, String pidTargetContainerId) {
    SecurityContext sc = container.getSecurityContext();
    PodSecurityContext psc = pod.getSpec().getSecurityContext();
    NamespaceOption namespaces = SandboxConfigs.namespaceOptions(pod);
    if (pidTargetContainerId != null) {
      // kubectl debug --target: the debugging container sees the target's processes (CRI's TARGET mode).
      namespaces = namespaces.toBuilder().setPid(NamespaceMode.TARGET).setTargetId(pidTargetContainerId).build();
    }
    LinuxContainerSecurityContext.Builder s = LinuxContainerSecurityContext.newBuilder()
        .setNamespaceOptions(namespaces);
    boolean privileged = sc != null && Boolean.TRUE.equals(sc.getPrivileged());
    s.setPrivileged(privileged);
    Long runAsUser = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser()
        : psc != null ? psc.getRunAsUser() : null;
    Long runAsGroup = sc != null && sc.getRunAsGroup() != null ? sc.getRunAsGroup()
        : psc != null ? psc.getRunAsGroup() : null;
    if (runAsUser != null) {
      s.setRunAsUser(Int64Value.newBuilder().setValue(runAsUser));
    }
    if (runAsGroup != null) {
      s.setRunAsGroup(Int64Value.newBuilder().setValue(runAsGroup));
    }
    if (psc != null) {
      if (psc.getSupplementalGroups() != null) {
        s.addAllSupplementalGroups(psc.getSupplementalGroups());
      }
      if (psc.getFsGroup() != null) {
        s.addSupplementalGroups(psc.getFsGroup());
      }
    }
    if (sc != null) {
      s.setReadonlyRootfs(Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()));
      Capabilities caps = sc.getCapabilities();
      if (caps != null) {
        Capability.Builder cap = Capability.newBuilder();
        if (caps.getAdd() != null) {
          caps.getAdd().forEach(c -> cap.addAddCapabilities(capName(c)));
        }
        if (caps.getDrop() != null) {
          caps.getDrop().forEach(c -> cap.addDropCapabilities(capName(c)));
        }
        s.setCapabilities(cap);
      }
      if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        s.setNoNewPrivs(true);
      }
    }
    SeccompProfile seccomp = sc != null && sc.getSeccompProfile() != null ? sc.getSeccompProfile()
        : psc != null ? psc.getSeccompProfile() : null;
    if (seccomp != null && "RuntimeDefault".equals(seccomp.getType())) {
      s.setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault));
    } else if (seccomp != null && "Localhost".equals(seccomp.getType())) {
      s.setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
          .setLocalhostRef(seccomp.getLocalhostProfile()));
    } else {
      s.setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined));
    }
    boolean unmasked = sc != null && "Unmasked".equals(sc.getProcMount());
    if (!privileged && !unmasked) {
      s.addAllMaskedPaths(MASKED_PATHS).addAllReadonlyPaths(READONLY_PATHS);
    }
    return s.build();
  }

  private static String capName(String cap) {
    String upper = cap.toUpperCase(java.util.Locale.ROOT);
    return upper.equals("ALL") || upper.startsWith("CAP_") ? upper : "CAP_" + upper;
  }
}

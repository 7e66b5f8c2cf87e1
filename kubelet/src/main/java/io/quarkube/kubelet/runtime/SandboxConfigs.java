package io.quarkube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.k8s.cri.runtime.v1.DNSConfig;
import io.k8s.cri.runtime.v1.Int64Value;
import io.k8s.cri.runtime.v1.LinuxPodSandboxConfig;
import io.k8s.cri.runtime.v1.LinuxSandboxSecurityContext;
import io.k8s.cri.runtime.v1.NamespaceMode;
import io.k8s.cri.runtime.v1.NamespaceOption;
import io.k8s.cri.runtime.v1.PodSandboxConfig;
import io.k8s.cri.runtime.v1.PodSandboxMetadata;
import io.k8s.cri.runtime.v1.PortMapping;
import io.k8s.cri.runtime.v1.Protocol;
import io.k8s.cri.runtime.v1.SecurityProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the CRI PodSandboxConfig of a pod (upstream's kuberuntime_sandbox.go generatePodSandboxConfig). */
public final class SandboxConfigs {
  /** The kernel's nodename field: 64 characters and the terminating NUL. */
  static final int MAX_KERNEL_HOSTNAME = 64;

  private final PodDirs dirs;
  private final Optional<List<String>> clusterDns;
  private final String clusterDomain;

  public SandboxConfigs(PodDirs dirs, Optional<List<String>> clusterDns, String clusterDomain) {
    this.dirs = dirs;
    this.clusterDns = clusterDns;
    this.clusterDomain = clusterDomain;
  }

  public PodSandboxConfig build(Pod pod, int attempt, String cgroupParent) {
    var meta = pod.getMetadata();
    var spec = pod.getSpec();
    PodSandboxConfig.Builder config = PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName(meta.getName()).setNamespace(meta.getNamespace())
            .setUid(meta.getUid()).setAttempt(attempt))
        .setLogDirectory(dirs.logDir(pod).toString());
    if (!Boolean.TRUE.equals(spec.getHostNetwork())) {
      config.setHostname(kernelHostname(pod));
    }
    dnsConfig(pod).ifPresent(config::setDnsConfig);
    for (Container c : allContainers(pod)) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort port : c.getPorts()) {
        if (port.getHostPort() == null || port.getHostPort() == 0) {
          continue;
        }
        config.addPortMappings(PortMapping.newBuilder().setProtocol(protocol(port.getProtocol()))
            .setContainerPort(port.getContainerPort()).setHostPort(port.getHostPort())
            .setHostIp(port.getHostIP() == null ? "" : port.getHostIP()));
      }
    }
    if (meta.getLabels() != null) {
      config.putAllLabels(meta.getLabels());
    }
    config.putLabels(RuntimeLabels.POD_NAME, meta.getName())
        .putLabels(RuntimeLabels.POD_NAMESPACE, meta.getNamespace())
        .putLabels(RuntimeLabels.POD_UID, meta.getUid())
        .putLabels(RuntimeLabels.MANAGED_BY, "true");
    if (meta.getAnnotations() != null) {
      config.putAllAnnotations(meta.getAnnotations());
    }
    LinuxSandboxSecurityContext.Builder security = LinuxSandboxSecurityContext.newBuilder()
        .setNamespaceOptions(namespaceOptions(pod))
        .setPrivileged(allContainers(pod).stream().anyMatch(c -> c.getSecurityContext() != null
            && Boolean.TRUE.equals(c.getSecurityContext().getPrivileged())))
        .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined));
    PodSecurityContext psc = spec.getSecurityContext();
    if (psc != null) {
      if (psc.getRunAsUser() != null) {
        security.setRunAsUser(Int64Value.newBuilder().setValue(psc.getRunAsUser()));
      }
      if (psc.getRunAsGroup() != null) {
        security.setRunAsGroup(Int64Value.newBuilder().setValue(psc.getRunAsGroup()));
      }
      if (psc.getSupplementalGroups() != null) {
        security.addAllSupplementalGroups(psc.getSupplementalGroups());
      }
      if (psc.getFsGroup() != null) {
        security.addSupplementalGroups(psc.getFsGroup());
      }
    }
    LinuxPodSandboxConfig.Builder linux = LinuxPodSandboxConfig.newBuilder().setCgroupParent(cgroupParent)
        .setSecurityContext(security);
    if (psc != null && psc.getSysctls() != null) {
      psc.getSysctls().forEach(s -> linux.putSysctls(s.getName(), s.getValue()));
    }
    config.setLinux(linux);
    return config.build();
  }

  public static NamespaceOption namespaceOptions(Pod pod) {
    var spec = pod.getSpec();
    return NamespaceOption.newBuilder()
        .setNetwork(Boolean.TRUE.equals(spec.getHostNetwork()) ? NamespaceMode.NODE : NamespaceMode.POD)
        .setPid(Boolean.TRUE.equals(spec.getHostPID()) ? NamespaceMode.NODE
            : Boolean.TRUE.equals(spec.getShareProcessNamespace()) ? NamespaceMode.POD : NamespaceMode.CONTAINER)
        .setIpc(Boolean.TRUE.equals(spec.getHostIPC()) ? NamespaceMode.NODE : NamespaceMode.POD)
        .build();
  }

  /** The pod's host name: spec.hostname, else its name, cut to 63 characters as upstream does. */
  public static String hostname(Pod pod) {
    String name = pod.getSpec().getHostname() != null && !pod.getSpec().getHostname().isEmpty()
        ? pod.getSpec().getHostname() : pod.getMetadata().getName();
    if (name.length() > 63) {
      name = name.substring(0, 63).replaceAll("[-.]+$", "");
    }
    return name;
  }

  /**
   * The UTS host name of the pod's sandbox (upstream's GetNodenameForKernel): the pod's host name, or with
   * setHostnameAsFQDN and a subdomain its FQDN {@code <hostname>.<subdomain>.<ns>.svc.<cluster domain>}, which must
   * fit the kernel's 64-character nodename.
   *
   * @throws IllegalArgumentException when the FQDN is too long (the sandbox cannot be made)
   */
  public String kernelHostname(Pod pod) {
    String host = hostname(pod);
    String subdomain = pod.getSpec().getSubdomain();
    if (!Boolean.TRUE.equals(pod.getSpec().getSetHostnameAsFQDN()) || subdomain == null || subdomain.isEmpty()) {
      return host;
    }
    String fqdn = host + "." + subdomain + "." + pod.getMetadata().getNamespace() + ".svc." + clusterDomain;
    if (fqdn.length() > MAX_KERNEL_HOSTNAME) {
      throw new IllegalArgumentException(String.format("failed to construct FQDN from pod hostname and cluster "
          + "domain, FQDN %s is too long (%d characters is the max, %d characters requested)", fqdn,
          MAX_KERNEL_HOSTNAME, fqdn.length()));
    }
    return fqdn;
  }

  /** DNS as dnsPolicy says; empty = the host's resolv.conf (containerd copies it). */
  Optional<DNSConfig> dnsConfig(Pod pod) {
    String policy = pod.getSpec().getDnsPolicy() == null ? "ClusterFirst" : pod.getSpec().getDnsPolicy();
    boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    DNSConfig.Builder dns = DNSConfig.newBuilder();
    boolean cluster = policy.equals("ClusterFirstWithHostNet") || (policy.equals("ClusterFirst") && !hostNetwork);
    if (cluster && clusterDns.isPresent() && !clusterDns.get().isEmpty()) {
      String ns = pod.getMetadata().getNamespace();
      dns.addAllServers(clusterDns.get())
          .addSearches(ns + ".svc." + clusterDomain).addSearches("svc." + clusterDomain).addSearches(clusterDomain)
          .addOptions("ndots:5");
    } else if (!policy.equals("None")) {
      if (pod.getSpec().getDnsConfig() == null) {
        return Optional.empty();
      }
    }
    PodDNSConfig custom = pod.getSpec().getDnsConfig();
    if (custom != null) {
      if (custom.getNameservers() != null) {
        dns.addAllServers(custom.getNameservers());
      }
      if (custom.getSearches() != null) {
        for (String search : custom.getSearches()) {
          if (!dns.getSearchesList().contains(search)) {
            dns.addSearches(search);
          }
        }
      }
      if (custom.getOptions() != null) {
        // Upstream merges options by name, the pod's own value winning (ndots:2 replaces the cluster's ndots:5).
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (String o : dns.getOptionsList()) {
          options.put(o.split(":", 2)[0], o);
        }
        for (PodDNSConfigOption o : custom.getOptions()) {
          options.put(o.getName(), o.getValue() == null ? o.getName() : o.getName() + ":" + o.getValue());
        }
        dns.clearOptions().addAllOptions(options.values());
      }
    }
    return Optional.of(dns.build());
  }

  static Protocol protocol(String protocol) {
    if (protocol == null) {
      return Protocol.TCP;
    }
    return switch (protocol) {
      case "UDP" -> Protocol.UDP;
      case "SCTP" -> Protocol.SCTP;
      default -> Protocol.TCP;
    };
  }

  static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    all.addAll(pod.getSpec().getContainers());
    return all;
  }

  static Map<String, String> labelsOf(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }
}

package io.quarkube.scheduler.framework;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod with what the plugins need precomputed once: its resource requests (upstream's PodRequests, including init
 * containers, sidecars and overhead), the "non-zero" requests used for scoring, its host ports and its affinity
 * terms. Immutable; a changed pod gets a new PodInfo.
 */
public final class PodInfo {
  /** Requests assumed for scoring when a container asks for none (upstream's DefaultMilliCPURequest/MemoryRequest). */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
  public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  private final Pod pod;
  private final String key;
  private final int priority;
  private final Resource requests;
  private final Resource nonZeroRequests;
  private final List<HostPort> hostPorts;
  private final List<AffinityTerm> requiredAffinityTerms;
  private final List<AffinityTerm> requiredAntiAffinityTerms;
  private final List<AffinityTerm> preferredAffinityTerms;
  private final List<AffinityTerm> preferredAntiAffinityTerms;
  private final List<String> pvcNames;

  public PodInfo(Pod pod) {
    this(pod, pod.getSpec().getPriority() == null ? 0 : pod.getSpec().getPriority());
  }

  /** A pod whose priority was resolved elsewhere (from its PriorityClass when the API server did not set it). */
  public PodInfo(Pod pod, int priority) {
    this.pod = pod;
    String uid = pod.getMetadata().getUid();
    this.key = uid != null && !uid.isEmpty() ? uid : pod.getMetadata().getNamespace() + "/" + pod.getMetadata()
        .getName();
    this.priority = priority;
    Resource[] r = computeRequests(pod);
    this.requests = r[0];
    this.nonZeroRequests = r[1];
    this.hostPorts = hostPorts(pod);
    Affinity a = pod.getSpec().getAffinity();
    List<AffinityTerm> ra = List.of();
    List<AffinityTerm> raa = List.of();
    List<AffinityTerm> pa = List.of();
    List<AffinityTerm> paa = List.of();
    if (a != null && a.getPodAffinity() != null) {
      ra = terms(pod, a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
      pa = weighted(pod, a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
    }
    if (a != null && a.getPodAntiAffinity() != null) {
      raa = terms(pod, a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
      paa = weighted(pod, a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
    }
    this.requiredAffinityTerms = ra;
    this.requiredAntiAffinityTerms = raa;
    this.preferredAffinityTerms = pa;
    this.preferredAntiAffinityTerms = paa;
    List<String> pvcs = new ArrayList<>(0);
    if (pod.getSpec().getVolumes() != null) {
      for (Volume v : pod.getSpec().getVolumes()) {
        if (v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName() != null) {
          pvcs.add(v.getPersistentVolumeClaim().getClaimName());
        } else if (v.getEphemeral() != null) {
          // Generic ephemeral volumes get a PVC named <pod>-<volume> from the ephemeral volume controller.
          pvcs.add(pod.getMetadata().getName() + "-" + v.getName());
        }
      }
    }
    this.pvcNames = pvcs;
  }

  private static List<AffinityTerm> terms(Pod pod, List<PodAffinityTerm> terms) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<AffinityTerm> out = new ArrayList<>(terms.size());
    for (PodAffinityTerm t : terms) {
      out.add(AffinityTerm.of(pod, t, 1));
    }
    return List.copyOf(out);
  }

  private static List<AffinityTerm> weighted(Pod pod, List<WeightedPodAffinityTerm> terms) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<AffinityTerm> out = new ArrayList<>(terms.size());
    for (WeightedPodAffinityTerm t : terms) {
      if (t.getPodAffinityTerm() != null) {
        out.add(AffinityTerm.of(pod, t.getPodAffinityTerm(), t.getWeight() == null ? 0 : t.getWeight()));
      }
    }
    return List.copyOf(out);
  }

  /**
   * [requests, non-zero requests]. Regular containers add up; sidecars (init containers with restartPolicy Always)
   * run beside them; each other init container runs alone (with the sidecars started before it), so the pod needs
   * the larger of the two; then the overhead. A container with a limit but no request requests its limit.
   */
  static Resource[] computeRequests(Pod pod) {
    Resource reqs = new Resource();
    Resource nonZero = new Resource();
    List<Container> containers = pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
    for (Container c : containers) {
      Map<String, Quantity> cr = containerRequests(c);
      reqs.add(cr);
      addNonZero(nonZero, cr);
    }
    Resource sidecars = new Resource();
    Resource sidecarsNonZero = new Resource();
    Resource initMax = new Resource();
    Resource initMaxNonZero = new Resource();
    List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    for (Container c : inits) {
      Map<String, Quantity> cr = containerRequests(c);
      Resource one = Resource.of(cr);
      Resource oneNonZero = new Resource();
      addNonZero(oneNonZero, cr);
      if ("Always".equals(c.getRestartPolicy())) {
        sidecars.add(one);
        sidecarsNonZero.add(oneNonZero);
        // A sidecar started before the others keeps running during the rest of the init phase.
        initMax.setMax(sidecars);
        initMaxNonZero.setMax(sidecarsNonZero);
      } else {
        one.add(sidecars);
        oneNonZero.add(sidecarsNonZero);
        initMax.setMax(one);
        initMaxNonZero.setMax(oneNonZero);
      }
    }
    reqs.add(sidecars);
    nonZero.add(sidecarsNonZero);
    reqs.setMax(initMax);
    nonZero.setMax(initMaxNonZero);
    if (pod.getSpec().getOverhead() != null) {
      reqs.add(pod.getSpec().getOverhead());
      nonZero.add(pod.getSpec().getOverhead());
    }
    reqs.allowedPodNumber = 0;
    nonZero.allowedPodNumber = 0;
    return new Resource[] {reqs, nonZero};
  }

  private static Map<String, Quantity> containerRequests(Container c) {
    if (c.getResources() == null) {
      return Map.of();
    }
    Map<String, Quantity> req = c.getResources().getRequests();
    Map<String, Quantity> lim = c.getResources().getLimits();
    if (lim == null || lim.isEmpty()) {
      return req == null ? Map.of() : req;
    }
    Map<String, Quantity> merged = new HashMap<>(lim);
    if (req != null) {
      merged.putAll(req);
    }
    return merged;
  }

  private static void addNonZero(Resource nonZero, Map<String, Quantity> cr) {
    Resource r = Resource.of(cr);
    nonZero.milliCpu += cr.containsKey("cpu") ? r.milliCpu : DEFAULT_MILLI_CPU_REQUEST;
    nonZero.memory += cr.containsKey("memory") ? r.memory : DEFAULT_MEMORY_REQUEST;
    nonZero.ephemeralStorage += r.ephemeralStorage;
    r.scalars().forEach(nonZero::addScalar);
  }

  private static List<HostPort> hostPorts(Pod pod) {
    List<HostPort> out = new ArrayList<>(0);
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getContainers() != null) {
      all.addAll(pod.getSpec().getContainers());
    }
    if (pod.getSpec().getInitContainers() != null) {
      for (Container c : pod.getSpec().getInitContainers()) {
        if ("Always".equals(c.getRestartPolicy())) {
          all.add(c);
        }
      }
    }
    for (Container c : all) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() != null && p.getHostPort() > 0) {
          out.add(HostPort.of(p.getHostIP(), p.getProtocol(), p.getHostPort()));
        }
      }
    }
    return out;
  }

  public Pod pod() {
    return pod;
  }

  /** The cache key: the pod's uid (namespace/name when it has none, as in hand-built tests). */
  public String key() {
    return key;
  }

  public String namespace() {
    return pod.getMetadata().getNamespace();
  }

  public String name() {
    return pod.getMetadata().getName();
  }

  public Map<String, String> labels() {
    Map<String, String> l = pod.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  public int priority() {
    return priority;
  }

  public Resource requests() {
    return requests;
  }

  public Resource nonZeroRequests() {
    return nonZeroRequests;
  }

  public List<HostPort> hostPorts() {
    return hostPorts;
  }

  public List<AffinityTerm> requiredAffinityTerms() {
    return requiredAffinityTerms;
  }

  public List<AffinityTerm> requiredAntiAffinityTerms() {
    return requiredAntiAffinityTerms;
  }

  public List<AffinityTerm> preferredAffinityTerms() {
    return preferredAffinityTerms;
  }

  public List<AffinityTerm> preferredAntiAffinityTerms() {
    return preferredAntiAffinityTerms;
  }

  public boolean hasAffinity() {
    return !requiredAffinityTerms.isEmpty() || !requiredAntiAffinityTerms.isEmpty()
        || !preferredAffinityTerms.isEmpty() || !preferredAntiAffinityTerms.isEmpty();
  }

  public boolean hasRequiredAntiAffinity() {
    return !requiredAntiAffinityTerms.isEmpty();
  }

  /** Names of the PersistentVolumeClaims the pod mounts (in its namespace). */
  public List<String> pvcNames() {
    return pvcNames;
  }

  public String nodeName() {
    return pod.getSpec().getNodeName();
  }

  public boolean isTerminating() {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  @Override
  public String toString() {
    return namespace() + "/" + name();
  }
}

package io.quarkube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The kubelet's admission of a new pod against the host ports of the pods it already admitted (upstream's predicate
 * admit handler running the scheduler's NodePorts filter): a pod placed here by {@code nodeName}, past the
 * scheduler, that asks for a host port another active pod holds is rejected (phase Failed, reason NodePorts) instead
 * of started. Pods are admitted once; a pod found already started (a kubelet restart) counts as admitted.
 */
public final class HostPortAdmission {
  public static final String REASON = "NodePorts";
  /** Upstream's PredicateFailureError text for the NodePorts filter. */
  public static final String MESSAGE =
      "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports";

  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final Supplier<Collection<Pod>> nodePods;

  /** {@code nodePods}: every pod bound to this node as last seen (API server and static pods). */
  public HostPortAdmission(Supplier<Collection<Pod>> nodePods) {
    this.nodePods = nodePods;
  }

  /** Admits everything (no view of the node's pods). */
  static HostPortAdmission admitAll() {
    return new HostPortAdmission(List::of);
  }

  boolean isAdmitted(String uid) {
    return admitted.contains(uid);
  }

  void markAdmitted(String uid) {
    admitted.add(uid);
  }

  void forget(String uid) {
    admitted.remove(uid);
  }

  /** Admits {@code pod} unless one of its host ports is held by an admitted pod that is still active. */
  synchronized boolean admit(Pod pod) {
    String uid = pod.getMetadata().getUid();
    if (admitted.contains(uid)) {
      return true;
    }
    List<ContainerPort> wanted = hostPorts(pod);
    if (!wanted.isEmpty()) {
      for (Pod other : nodePods.get()) {
        String otherUid = other.getMetadata().getUid();
        if (uid.equals(otherUid) || !admitted.contains(otherUid) || !isActive(other)) {
          continue;
        }
        for (ContainerPort used : hostPorts(other)) {
          if (wanted.stream().anyMatch(w -> conflict(w, used))) {
            return false;
          }
        }
      }
    }
    admitted.add(uid);
    return true;
  }

  private static boolean isActive(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return !"Failed".equals(phase) && !"Succeeded".equals(phase);
  }

  /** The ports of the pod's containers that ask for a host port. */
  static List<ContainerPort> hostPorts(Pod pod) {
    List<ContainerPort> out = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
        if (p.getHostPort() != null && p.getHostPort() > 0) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /** Same protocol and port, on the same host IP or where either listens on every address (as NodePorts). */
  static boolean conflict(ContainerPort a, ContainerPort b) {
    return a.getHostPort().equals(b.getHostPort()) && protocol(a).equals(protocol(b))
        && (anyIp(a) || anyIp(b) || a.getHostIP().equals(b.getHostIP()));
  }

  private static String protocol(ContainerPort p) {
    return p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
  }

  private static boolean anyIp(ContainerPort p) {
    return p.getHostIP() == null || p.getHostIP().isEmpty() || "0.0.0.0".equals(p.getHostIP());
  }
}

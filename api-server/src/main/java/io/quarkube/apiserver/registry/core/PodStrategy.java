package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Pods: spec defaults, QoS class, the immutability of a running pod's spec, and graceful deletion. */
public final class PodStrategy implements Strategy<Pod> {
  private static final Set<String> FIELDS = Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
      "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName");

  @Override
  public void prepareForCreate(Pod pod) {
    if (pod.getSpec() != null) {
      PodSpecDefaults.apply(pod.getSpec());
    }
    PodStatus status = new PodStatus();
    status.setPhase("Pending");
    status.setQosClass(qosClass(pod));
    pod.setStatus(status);
  }

  @Override
  public List<FieldError> validate(Pod pod) {
    List<FieldError> errors = new ArrayList<>();
    PodSpecValidator.validate(pod.getSpec(), "spec", errors);
    return errors;
  }

  @Override
  public List<FieldError> validateUpdate(Pod pod, Pod old) {
    List<FieldError> errors = new ArrayList<>(validate(pod));
    if (pod.getSpec() == null || old.getSpec() == null) {
      return errors;
    }
    if (sameSpec(pod, old)) {
      return errors;
    }
    EphemeralContainers.validateUpdate(pod.getSpec(), old.getSpec(), errors);
    // A pod's spec is fixed once created, apart from container images, activeDeadlineSeconds and added
    // tolerations (upstream's ValidatePodUpdate); compare with those fields taken from the new spec.
    var mutable = Json.read(Json.bytes(old.getSpec()), io.fabric8.kubernetes.api.model.PodSpec.class);
    List<Container> newContainers = pod.getSpec().getContainers();
    if (mutable.getContainers() != null && newContainers != null
        && mutable.getContainers().size() == newContainers.size()) {
      for (int i = 0; i < newContainers.size(); i++) {
        mutable.getContainers().get(i).setImage(newContainers.get(i).getImage());
      }
    }
    if (mutable.getInitContainers() != null && pod.getSpec().getInitContainers() != null
        && mutable.getInitContainers().size() == pod.getSpec().getInitContainers().size()) {
      for (int i = 0; i < mutable.getInitContainers().size(); i++) {
        mutable.getInitContainers().get(i).setImage(pod.getSpec().getInitContainers().get(i).getImage());
      }
    }
    mutable.setActiveDeadlineSeconds(pod.getSpec().getActiveDeadlineSeconds());
    mutable.setEphemeralContainers(pod.getSpec().getEphemeralContainers()); // checked above
    mutable.setTolerations(pod.getSpec().getTolerations());
    if (old.getSpec().getNodeName() == null || old.getSpec().getNodeName().isEmpty()) {
      mutable.setNodeName(pod.getSpec().getNodeName());
    }
    if (!Json.tree(mutable).equals(Json.tree(pod.getSpec()))) {
      errors.add(FieldError.forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,"
          + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
          + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
          + "negative)"));
    }
    return errors;
  }

  /**
   * The usual update leaves the spec alone (status writes) or only sets the node (a binding): the models' deep
   * {@code equals} tells that without the JSON copy and trees of the full comparison below.
   */
  private static boolean sameSpec(Pod pod, Pod old) {
    var before = old.getSpec();
    String node = before.getNodeName();
    boolean binding = (node == null || node.isEmpty()) && pod.getSpec().getNodeName() != null;
    if (binding) {
      before.setNodeName(pod.getSpec().getNodeName()); // put back below: old is the caller's
    }
    try {
      return before.equals(pod.getSpec());
    } finally {
      if (binding) {
        before.setNodeName(node);
      }
    }
  }

  /**
   * Only {@code pods/ephemeralcontainers} changes the ephemeral containers, and it changes nothing else; a write of
   * the pod itself keeps the stored ones.
   */
  @Override
  public Pod carryOver(String subresource, Pod pod, Pod old) {
    if (EphemeralContainers.SUBRESOURCE.equals(subresource)) {
      return EphemeralContainers.onlyEphemeralContainers(pod, old);
    }
    if (pod.getSpec() != null && old.getSpec() != null) {
      pod.getSpec().setEphemeralContainers(old.getSpec().getEphemeralContainers());
    }
    return pod;
  }

  @Override
  public Set<String> selectableFields() {
    return FIELDS;
  }

  @Override
  public Map<String, String> fieldValues(Pod pod) {
    Map<String, String> v = new HashMap<>();
    var spec = pod.getSpec();
    if (spec != null) {
      v.put("spec.nodeName", Objects.toString(spec.getNodeName(), ""));
      v.put("spec.restartPolicy", Objects.toString(spec.getRestartPolicy(), ""));
      v.put("spec.schedulerName", Objects.toString(spec.getSchedulerName(), ""));
      v.put("spec.serviceAccountName", Objects.toString(spec.getServiceAccountName(), ""));
      v.put("spec.hostNetwork", Boolean.TRUE.equals(spec.getHostNetwork()) ? "true" : "false");
    }
    var status = pod.getStatus();
    if (status != null) {
      v.put("status.phase", Objects.toString(status.getPhase(), ""));
      v.put("status.podIP", Objects.toString(status.getPodIP(), ""));
      v.put("status.nominatedNodeName", Objects.toString(status.getNominatedNodeName(), ""));
    }
    return v;
  }

  /**
   * A pod that never reached a node goes at once; one on a node is marked and left for its kubelet to stop within
   * the grace period (the kubelet then deletes it with grace 0).
   */
  @Override
  public Long gracePeriodSeconds(Pod pod, Long requested) {
    if (pod.getSpec() == null || pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty()) {
      return 0L;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return 0L;
    }
    if (requested != null) {
      return Math.max(0, requested);
    }
    Long spec = pod.getSpec().getTerminationGracePeriodSeconds();
    return spec == null ? 30L : Math.max(0, spec);
  }

  /** Guaranteed when every container's requests equal its limits for cpu and memory; BestEffort with none. */
  static String qosClass(Pod pod) {
    if (pod.getSpec() == null) {
      return "BestEffort";
    }
    boolean any = false;
    boolean guaranteed = true;
    for (Container c : PodSpecDefaults.all(pod.getSpec())) {
      ResourceRequirements r = c.getResources();
      Map<String, Quantity> requests = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
      Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
      for (String res : List.of("cpu", "memory")) {
        Quantity req = requests.containsKey(res) ? requests.get(res) : limits.get(res);
        Quantity lim = limits.get(res);
        if (req != null || lim != null) {
          any = true;
        }
        if (lim == null || req == null || req.getNumericalAmount().compareTo(lim.getNumericalAmount()) != 0) {
          guaranteed = false;
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }
}

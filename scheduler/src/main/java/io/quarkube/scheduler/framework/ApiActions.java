package io.quarkube.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/** The writes plugins may make through the API server (preemption, volume binding). */
public interface ApiActions {
  /** Deletes a preemption victim (after marking it with a DisruptionTarget condition), reporting why. */
  void evictVictim(Pod victim, Pod preemptor, String nodeName);

  /** Clears status.nominatedNodeName of a pod that lost its nomination. */
  void clearNominatedNodeName(Pod pod);

  /** Sets annotations on a PersistentVolumeClaim (volume binding's selected-node). */
  default void annotatePvc(String namespace, String name, Map<String, String> annotations) {}

  /** Pre-binds a PersistentVolume to a claim (sets spec.claimRef); the PV controller finishes the binding. */
  default void bindPv(io.fabric8.kubernetes.api.model.PersistentVolume pv,
      io.fabric8.kubernetes.api.model.PersistentVolumeClaim claim) {}

  /** Writes the pod's binding to {@code nodeName} (POST pods/binding). */
  default Status bind(Pod pod, String nodeName) {
    return Status.error("no API to bind with");
  }

  ApiActions NONE = new ApiActions() {
    @Override
    public void evictVictim(Pod victim, Pod preemptor, String nodeName) {}

    @Override
    public void clearNominatedNodeName(Pod pod) {}
  };
}

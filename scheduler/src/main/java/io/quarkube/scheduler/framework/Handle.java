package io.quarkube.scheduler.framework;

import java.util.List;

/** What a plugin gets from its framework: the snapshot, listers, nominations, API actions, other plugins. */
public interface Handle {
  SharedLister snapshot();

  ClusterListers listers();

  PodNominator nominator();

  ApiActions api();

  /** Runs the profile's Filter plugins as a cycle would, counting in pods nominated to the node. */
  Status runFilterPluginsWithNominatedPods(CycleState state, PodInfo pod, NodeInfo node);

  /** Runs every PreFilter extension's addPod (preemption's what-if). */
  Status runPreFilterExtensionAddPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo node);

  /** Runs every PreFilter extension's removePod (preemption's what-if). */
  Status runPreFilterExtensionRemovePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo node);

  /** The parallelism available for per-node work. */
  default int parallelism() {
    return 1;
  }

  /** Runs PreFilter plugins (used by preemption for pods nominated elsewhere). */
  default List<String> profileFilterPluginNames() {
    return List.of();
  }
}

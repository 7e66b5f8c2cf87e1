package io.quarkube.scheduler.framework;

/** Reserve claims per-node state for the pod once a node is chosen; Unreserve undoes it if a later step fails. */
public interface ReservePlugin extends Plugin {
  Status reserve(CycleState state, PodInfo pod, String nodeName);

  void unreserve(CycleState state, PodInfo pod, String nodeName);
}

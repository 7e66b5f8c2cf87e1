package io.quarkube.scheduler.framework;

/** Says whether the pod can run on one node. Called for many nodes, possibly from several threads at once. */
public interface FilterPlugin extends Plugin {
  Status filter(CycleState state, PodInfo pod, NodeInfo node);
}

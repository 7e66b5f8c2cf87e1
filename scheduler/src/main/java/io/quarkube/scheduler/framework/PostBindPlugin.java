package io.quarkube.scheduler.framework;

/** Informational: called after a successful bind. */
public interface PostBindPlugin extends Plugin {
  void postBind(CycleState state, PodInfo pod, String nodeName);
}

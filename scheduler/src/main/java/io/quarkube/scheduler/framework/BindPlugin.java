package io.quarkube.scheduler.framework;

/** Writes the binding. SKIP passes the pod to the next bind plugin. Runs in the binding cycle, off the main loop. */
public interface BindPlugin extends Plugin {
  Status bind(CycleState state, PodInfo pod, String nodeName);
}

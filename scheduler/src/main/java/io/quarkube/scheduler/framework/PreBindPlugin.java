package io.quarkube.scheduler.framework;

/** Work that must be done before the binding is written (e.g. binding volumes). Runs in the binding cycle. */
public interface PreBindPlugin extends Plugin {
  Status preBind(CycleState state, PodInfo pod, String nodeName);
}

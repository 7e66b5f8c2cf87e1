package io.quarkube.scheduler.core;

import io.fabric8.kubernetes.api.model.Pod;

/** The API writes the scheduling loop makes besides binding: pod conditions and events. */
public interface PodStatusWriter {
  /**
   * Records a failed attempt: a FailedScheduling (Warning) event, and the PodScheduled=False condition with
   * {@code reason}/{@code message} plus the nominated node ({@code null}: leave; empty: clear) when they changed.
   */
  void schedulingFailed(Pod pod, String reason, String message, String nominatedNodeName);

  /** Records a successful binding: a Scheduled (Normal) event. */
  void scheduled(Pod pod, String nodeName);

  PodStatusWriter NONE = new PodStatusWriter() {
    @Override
    public void schedulingFailed(Pod pod, String reason, String message, String nominatedNodeName) {}

    @Override
    public void scheduled(Pod pod, String nodeName) {}
  };
}

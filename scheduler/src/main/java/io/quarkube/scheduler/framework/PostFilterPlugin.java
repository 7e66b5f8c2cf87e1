package io.quarkube.scheduler.framework;

/** Runs when no node passed Filter (preemption). May nominate a node for the pod. */
public interface PostFilterPlugin extends Plugin {
  Result postFilter(CycleState state, PodInfo pod, NodeToStatus filteredStatuses);

  /** The status plus the nominated node name ({@code null}: leave it; empty: clear it). */
  record Result(Status status, String nominatedNodeName) {
    public static Result of(Status s) {
      return new Result(s, null);
    }
  }
}

package io.quarkube.scheduler.framework;

/** The result codes of a plugin call (upstream's framework.Code). */
public enum Code {
  /** The plugin ran and found the pod/node fine. */
  SUCCESS,
  /** An internal error: the pod is retried after backoff, nothing is concluded about the node. */
  ERROR,
  /** The pod does not fit the node now; preemption may make room. */
  UNSCHEDULABLE,
  /** The pod does not fit the node and preempting pods would not change that. */
  UNSCHEDULABLE_AND_UNRESOLVABLE,
  /** Permit: the pod waits for an allow/reject. */
  WAIT,
  /** The plugin has nothing to do for this pod (PreFilter/PreScore: skip its Filter/Score; Bind: not mine). */
  SKIP,
  /** The pod waits for something outside the scheduler (treated like UNSCHEDULABLE for queueing). */
  PENDING
}

package io.quarkube.scheduler.framework;

import java.util.List;

/**
 * Runs once per scheduling cycle before Filter: computes what Filter needs into the {@link CycleState}, may reject
 * the pod outright, narrow the candidate nodes, or return SKIP to have its Filter skipped for this pod.
 */
public interface PreFilterPlugin extends Plugin {
  /** The status; when successful a narrowing may be stored with {@link Result#narrowTo}. */
  Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes);

  /** Incremental updates of the PreFilter state when preemption simulates adding or removing a pod on a node. */
  default Extensions preFilterExtensions() {
    return null;
  }

  /** PreFilter's status plus an optional node narrowing. */
  record Result(Status status, PreFilterResult nodes) {
    public static final Result SUCCESS = new Result(Status.SUCCESS, PreFilterResult.ALL);
    public static final Result SKIP = new Result(Status.SKIP, PreFilterResult.ALL);

    public static Result of(Status s) {
      return s.isSuccess() ? SUCCESS : new Result(s, PreFilterResult.ALL);
    }

    public static Result narrowTo(java.util.Set<String> names) {
      return new Result(Status.SUCCESS, new PreFilterResult(names));
    }
  }

  /** What preemption calls to keep PreFilter state right while it tries removing victims. */
  interface Extensions {
    Status addPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo node);

    Status removePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo node);

    /**
     * Extensions for a plugin whose PreFilter state counts pods: adding a pod counts it once more (+1), removing it
     * once less (-1). Both always succeed.
     */
    static Extensions counting(Counter counter) {
      return new Extensions() {
        @Override
        public Status addPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo node) {
          counter.update(state, podToSchedule, podToAdd, node, 1);
          return Status.SUCCESS;
        }

        @Override
        public Status removePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo node) {
          counter.update(state, podToSchedule, podToRemove, node, -1);
          return Status.SUCCESS;
        }
      };
    }
  }

  /** Counts {@code pod} on {@code node} {@code delta} times more in the cycle's PreFilter state. */
  @FunctionalInterface
  interface Counter {
    void update(CycleState state, PodInfo podToSchedule, PodInfo pod, NodeInfo node, int delta);
  }
}

package io.quarkube.scheduler.framework.plugins.noderesources;

import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Resource;
import java.util.Arrays;
import java.util.List;

/**
 * The shared half of the resource scoring plugins: the node's allocatable and requested-with-this-pod amounts for
 * each scored resource. {@code useRequested} false counts the "non-zero" requests (100m/200Mi for containers that
 * ask for nothing) so best-effort pods still spread; BalancedAllocation uses the real requests.
 */
final class ResourceAllocationScorer {
  /** Scores [requested, allocatable] pairs into 0..100. */
  interface Scorer {
    long score(long[] requested, long[] allocatable, List<ResourceSpec> resources);
  }

  private final List<ResourceSpec> resources;
  private final boolean useRequested;
  private final Scorer scorer;
  /**
   * [requested, allocatable] per scoring thread: score runs for every feasible node of every pod, and the launcher's
   * C1-only JVM has no escape analysis to keep two small arrays per call off the heap.
   */
  private final ThreadLocal<long[][]> scratch;

  ResourceAllocationScorer(List<ResourceSpec> resources, boolean useRequested, Scorer scorer) {
    this.resources = resources;
    this.useRequested = useRequested;
    this.scorer = scorer;
    int n = resources.size();
    this.scratch = ThreadLocal.withInitial(() -> new long[][] {new long[n], new long[n]});
  }

  long score(PodInfo pod, NodeInfo node) {
    int n = resources.size();
    long[][] s = scratch.get();
    long[] requested = s[0];
    long[] allocatable = s[1];
    Arrays.fill(requested, 0);
    Arrays.fill(allocatable, 0);
    for (int i = 0; i < n; i++) {
      String r = resources.get(i).name();
      Resource alloc = node.allocatable();
      long a = alloc.get(r);
      boolean scalar = Resource.isScalarResourceName(r);
      if (scalar) {
        long podReq = pod.requests().scalar(r);
        // Extended resources the pod does not ask for do not count (upstream skips them).
        if (a == 0 || podReq == 0) {
          continue;
        }
        requested[i] = node.requested().scalar(r) + podReq;
        allocatable[i] = a;
        continue;
      }
      Resource nodeReq = useRequested ? node.requested() : node.nonZeroRequested();
      Resource podReq = useRequested ? pod.requests() : pod.nonZeroRequests();
      if (r.equals("ephemeral-storage")) {
        nodeReq = node.requested();
        podReq = pod.requests();
      }
      requested[i] = nodeReq.get(r) + podReq.get(r);
      allocatable[i] = a;
    }
    return scorer.score(requested, allocatable, resources);
  }
}

package io.quarkube.controllers.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.controllers.support.Pods;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pods to delete first when scaling down (upstream's {@code ActivePodsWithRanks}): the least valuable first —
 * unscheduled before scheduled, Pending before Unknown before Running, not ready before ready, pods sharing a node
 * with more of their siblings first, ready for a shorter time first, more restarts first, newer first.
 */
final class PodRanking {
  private PodRanking() {}

  static List<Pod> leastValuableFirst(List<Pod> pods) {
    Map<String, Integer> perNode = new HashMap<>();
    for (Pod p : pods) {
      String node = node(p);
      if (node != null) {
        perNode.merge(node, 1, Integer::sum);
      }
    }
    Comparator<Pod> order = Comparator
        .comparing((Pod p) -> node(p) != null)
        .thenComparingInt(PodRanking::phaseRank)
        .thenComparing(Pods::isReady)
        .thenComparing((Pod p) -> -(node(p) == null ? 0 : perNode.getOrDefault(node(p), 0)))
        .thenComparing((Pod p) -> readySince(p), Comparator.reverseOrder())
        .thenComparing((Pod p) -> -Pods.restarts(p))
        .thenComparing(Pods::created, Comparator.reverseOrder());
    return pods.stream().sorted(order).toList();
  }

  private static String node(Pod p) {
    String n = p.getSpec() == null ? null : p.getSpec().getNodeName();
    return n == null || n.isEmpty() ? null : n;
  }

  private static int phaseRank(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    if ("Running".equals(phase)) {
      return 2;
    }
    return "Unknown".equals(phase) ? 1 : 0;
  }

  /** Ready pods: the later they became ready, the earlier they go; not ready ones compare equal here. */
  private static Instant readySince(Pod p) {
    Instant t = Pods.isReady(p) ? Pods.readySince(p) : null;
    return t == null ? Instant.EPOCH : t;
  }
}

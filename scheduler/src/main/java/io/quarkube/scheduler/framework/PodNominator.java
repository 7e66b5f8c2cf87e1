package io.quarkube.scheduler.framework;

import java.util.List;

/** Pods that preemption nominated to nodes: Filter counts them in so the freed room is not taken by others. */
public interface PodNominator {
  List<PodInfo> nominatedPodsForNode(String nodeName);

  PodNominator NONE = node -> List.of();
}

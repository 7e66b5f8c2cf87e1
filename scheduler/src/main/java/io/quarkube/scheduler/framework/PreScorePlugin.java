package io.quarkube.scheduler.framework;

import java.util.List;

/** Runs once before Score with the nodes that passed Filter; SKIP skips this plugin's Score for the pod. */
public interface PreScorePlugin extends Plugin {
  Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes);
}

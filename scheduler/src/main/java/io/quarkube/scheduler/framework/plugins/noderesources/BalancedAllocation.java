package io.quarkube.scheduler.framework.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.ScorePlugin;
import io.quarkube.scheduler.framework.Status;
import java.util.List;

/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory (by default) would be used in equal
 * proportions with the pod: score = (1 - standard deviation of the fractions) * 100.
 */
public final class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  public static final String NAME = "NodeResourcesBalancedAllocation";

  private final List<ResourceSpec> resources;
  private final ResourceAllocationScorer scorer;

  public BalancedAllocation(JsonNode args) {
    this.resources = ResourceSpec.parse(args == null ? null : args.path("resources"), ResourceSpec.DEFAULT);
    this.scorer = new ResourceAllocationScorer(resources, true, BalancedAllocation::balanced);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    // A pod that requests none of the resources cannot unbalance anything.
    for (ResourceSpec r : resources) {
      if (pod.requests().get(r.name()) != 0) {
        return Status.SUCCESS;
      }
    }
    return Status.SKIP;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    return scorer.score(pod, node);
  }

  static long balanced(long[] requested, long[] allocatable, List<ResourceSpec> resources) {
    // Two passes over the inputs rather than an array of fractions per node (this runs for every feasible node).
    int n = 0;
    double sum = 0;
    double first = 0;
    double second = 0;
    for (int i = 0; i < requested.length; i++) {
      if (allocatable[i] == 0) {
        continue;
      }
      double f = fraction(requested[i], allocatable[i]);
      if (n == 0) {
        first = f;
      } else if (n == 1) {
        second = f;
      }
      n++;
      sum += f;
    }
    double std = 0;
    if (n == 2) {
      std = Math.abs((first - second) / 2);
    } else if (n > 2) {
      double mean = sum / n;
      double var = 0;
      for (int i = 0; i < requested.length; i++) {
        if (allocatable[i] != 0) {
          double d = fraction(requested[i], allocatable[i]) - mean;
          var += d * d;
        }
      }
      std = Math.sqrt(var / n);
    }
    return (long) ((1 - std) * MAX_NODE_SCORE);
  }

  private static double fraction(long requested, long allocatable) {
    return Math.min(1.0, (double) requested / allocatable);
  }
}

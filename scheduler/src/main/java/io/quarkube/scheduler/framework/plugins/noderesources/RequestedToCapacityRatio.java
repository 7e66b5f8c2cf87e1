package io.quarkube.scheduler.framework.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The RequestedToCapacityRatio strategy: a piecewise-linear function from utilization (0..100 %) to a score
 * (0..10, scaled to 0..100), defined by {@code shape} points.
 */
final class RequestedToCapacityRatio implements ResourceAllocationScorer.Scorer {
  private final long[] utilization;
  private final long[] score;

  private RequestedToCapacityRatio(long[] utilization, long[] score) {
    this.utilization = utilization;
    this.score = score;
  }

  static RequestedToCapacityRatio parse(JsonNode args) {
    List<long[]> points = new ArrayList<>();
    for (JsonNode p : args.path("shape")) {
      long u = p.path("utilization").asLong(-1);
      long s = p.path("score").asLong(-1);
      if (u < 0 || u > 100 || s < 0 || s > 10) {
        throw new IllegalArgumentException("requestedToCapacityRatio.shape: utilization must be in [0, 100] and "
            + "score in [0, 10]");
      }
      if (!points.isEmpty() && points.get(points.size() - 1)[0] >= u) {
        throw new IllegalArgumentException("requestedToCapacityRatio.shape: utilization values must be sorted in "
            + "increasing order");
      }
      points.add(new long[] {u, s * 10});
    }
    if (points.isEmpty()) {
      throw new IllegalArgumentException("requestedToCapacityRatio.shape: at least one point is required");
    }
    long[] u = new long[points.size()];
    long[] s = new long[points.size()];
    for (int i = 0; i < u.length; i++) {
      u[i] = points.get(i)[0];
      s[i] = points.get(i)[1];
    }
    return new RequestedToCapacityRatio(u, s);
  }

  private long shape(long p) {
    for (int i = 0; i < utilization.length; i++) {
      if (p <= utilization[i]) {
        if (i == 0) {
          return score[0];
        }
        return score[i - 1] + (score[i] - score[i - 1]) * (p - utilization[i - 1])
            / (utilization[i] - utilization[i - 1]);
      }
    }
    return score[score.length - 1];
  }

  @Override
  public long score(long[] requested, long[] allocatable, List<ResourceSpec> resources) {
    long total = 0;
    long weights = 0;
    for (int i = 0; i < requested.length; i++) {
      long w = resources.get(i).weight();
      if (allocatable[i] == 0) {
        continue;
      }
      long s = requested[i] > allocatable[i] ? shape(100) : shape(requested[i] * 100 / allocatable[i]);
      total += s * w;
      weights += w;
    }
    return weights == 0 ? 0 : Math.round((double) total / weights);
  }
}

package io.quarkube.scheduler.framework;

import java.util.List;

/**
 * Ranks feasible nodes. {@link #score} returns a raw score; {@link #normalizeScores} (optional) brings the scores
 * of all nodes into [0, {@link #MAX_NODE_SCORE}]; the framework then multiplies by the profile's weight and sums.
 */
public interface ScorePlugin extends Plugin {
  long MAX_NODE_SCORE = 100;
  long MIN_NODE_SCORE = 0;

  /** The raw score; throw {@link PluginException} for an internal error. */
  long score(CycleState state, PodInfo pod, NodeInfo node);

  /** Whether {@link #normalizeScores} must be called. */
  default boolean hasScoreExtensions() {
    return false;
  }

  /** Rewrites {@code scores} (aligned with {@code nodes}) in place. */
  default Status normalizeScores(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    return Status.SUCCESS;
  }

  /**
   * Upstream's DefaultNormalizeScore: scales to [0, maxPriority] by the highest score; {@code reverse} flips it
   * (fewer is better).
   */
  static void defaultNormalize(long maxPriority, boolean reverse, long[] scores) {
    long max = 0;
    for (long s : scores) {
      max = Math.max(max, s);
    }
    if (max == 0) {
      if (reverse) {
        java.util.Arrays.fill(scores, maxPriority);
      }
      return;
    }
    for (int i = 0; i < scores.length; i++) {
      long s = maxPriority * scores[i] / max;
      scores[i] = reverse ? maxPriority - s : s;
    }
  }

  /**
   * A Score plugin normalized by upstream's DefaultNormalizeScore (scaled by the highest raw score), the helper
   * NodeAffinity and TaintToleration share; {@link #reverseScores} when fewer is better.
   */
  interface DefaultNormalized extends ScorePlugin {
    default boolean reverseScores() {
      return false;
    }

    @Override
    default boolean hasScoreExtensions() {
      return true;
    }

    @Override
    default Status normalizeScores(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
      defaultNormalize(MAX_NODE_SCORE, reverseScores(), scores);
      return Status.SUCCESS;
    }
  }
}

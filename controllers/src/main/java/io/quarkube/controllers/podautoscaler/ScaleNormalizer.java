package io.quarkube.controllers.podautoscaler;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * From a metrics recommendation to the count the controller sets, after upstream's
 * {@code normalizeDesiredReplicasWithBehaviors}: the recommendation is stabilized over the behavior's windows (the
 * lowest of the scale-up window, the highest of the scale-down window, from the history of recommendations kept per
 * HPA), then limited by the scaling policies (what the scale events of each policy's period already used) and by
 * min/max. An HPA without behavior gets upstream's defaults (scale-up: +100 % or +4 pods per 15 s, no window;
 * scale-down: a 300 s window, -100 % per 15 s).
 */
public final class ScaleNormalizer {
  /** What limited the count: a condition reason and message of upstream's. */
  public record Outcome(int replicas, String stabilizeReason, String stabilizeMessage, String limitReason,
      String limitMessage) {
    public boolean limited() {
      return !"DesiredWithinRange".equals(limitReason);
    }
  }

  private record Recommendation(int replicas, Instant at) {}

  private record ScaleEvent(int change, Instant at, boolean outdated) {}

  private final Map<String, List<Recommendation>> recommendations = new ConcurrentHashMap<>();
  private final Map<String, List<ScaleEvent>> scaleUpEvents = new ConcurrentHashMap<>();
  private final Map<String, List<ScaleEvent>> scaleDownEvents = new ConcurrentHashMap<>();

  public void forget(String key) {
    recommendations.remove(key);
    scaleUpEvents.remove(key);
    scaleDownEvents.remove(key);
  }

  public static HPAScalingRules scaleUp(HorizontalPodAutoscalerBehavior b) {
    return withDefaults(b == null ? null : b.getScaleUp(), 0,
        List.of(new HPAScalingPolicy(15, "Pods", 4), new HPAScalingPolicy(15, "Percent", 100)));
  }

  public static HPAScalingRules scaleDown(HorizontalPodAutoscalerBehavior b) {
    return withDefaults(b == null ? null : b.getScaleDown(), 300, List.of(new HPAScalingPolicy(15, "Percent", 100)));
  }

  private static HPAScalingRules withDefaults(HPAScalingRules r, int window, List<HPAScalingPolicy> policies) {
    HPAScalingRules out = new HPAScalingRules();
    out.setStabilizationWindowSeconds(r == null || r.getStabilizationWindowSeconds() == null ? window
        : r.getStabilizationWindowSeconds());
    out.setSelectPolicy(r == null || r.getSelectPolicy() == null ? "Max" : r.getSelectPolicy());
    out.setPolicies(r == null || r.getPolicies() == null || r.getPolicies().isEmpty() ? policies : r.getPolicies());
    return out;
  }

  /** The count to set, given the current count and the metrics' recommendation. */
  public Outcome normalize(String key, HorizontalPodAutoscalerBehavior behavior, int current, int recommended,
      int min, int max, Instant now) {
    HPAScalingRules up = scaleUp(behavior);
    HPAScalingRules down = scaleDown(behavior);
    int stabilized = stabilize(key, up, down, current, recommended, now);
    String reason;
    String message;
    if (stabilized == recommended) {
      reason = "ReadyForNewScale";
      message = "recommended size matches current size";
    } else if (stabilized > recommended) {
      reason = "ScaleDownStabilized";
      message = "recent recommendations were higher than current one, applying the highest recent recommendation";
    } else {
      reason = "ScaleUpStabilized";
      message = "recent recommendations were lower than current one, applying the lowest recent recommendation";
    }
    String limitReason = "DesiredWithinRange";
    String limitMessage = "the desired count is within the acceptable range";
    int desired = stabilized;
    if (desired > current) {
      int scaleUpLimit = Math.max(current, scaleUpLimit(key, up, current, now));
      int maxAllowed = max;
      String r = "TooManyReplicas";
      String m = "the desired replica count is more than the maximum replica count";
      if (maxAllowed > scaleUpLimit) {
        maxAllowed = scaleUpLimit;
        r = "ScaleUpLimit";
        m = "the desired replica count is increasing faster than the maximum scale rate";
      }
      if (desired > maxAllowed) {
        desired = maxAllowed;
        limitReason = r;
        limitMessage = m;
      }
    } else if (desired < current) {
      int scaleDownLimit = Math.min(current, scaleDownLimit(key, down, current, now));
      int minAllowed = min;
      String r = "TooFewReplicas";
      String m = "the desired replica count is less than the minimum replica count";
      if (minAllowed < scaleDownLimit) {
        minAllowed = scaleDownLimit;
        r = "ScaleDownLimit";
        m = "the desired replica count is decreasing faster than the maximum scale rate";
      }
      if (desired < minAllowed) {
        desired = minAllowed;
        limitReason = r;
        limitMessage = m;
      }
    }
    return new Outcome(desired, reason, message, limitReason, limitMessage);
  }

  /** Records a rescale for the policies' periods. */
  public void recordScale(String key, HorizontalPodAutoscalerBehavior behavior, int from, int to, Instant now) {
    if (to > from) {
      record(scaleUpEvents, key, to - from, now, longestPeriod(scaleUp(behavior)));
    } else if (to < from) {
      record(scaleDownEvents, key, from - to, now, longestPeriod(scaleDown(behavior)));
    }
  }

  private static void record(Map<String, List<ScaleEvent>> events, String key, int change, Instant now,
      int longestPeriod) {
    List<ScaleEvent> list = events.computeIfAbsent(key, k -> new ArrayList<>());
    synchronized (list) {
      list.removeIf(e -> e.at().plusSeconds(longestPeriod).isBefore(now));
      list.add(new ScaleEvent(change, now, false));
    }
  }

  private int stabilize(String key, HPAScalingRules up, HPAScalingRules down, int current, int recommended,
      Instant now) {
    List<Recommendation> history = recommendations.computeIfAbsent(key, k -> new ArrayList<>());
    synchronized (history) {
      int upRecommendation = recommended;
      int downRecommendation = recommended;
      Instant upCutoff = now.minusSeconds(up.getStabilizationWindowSeconds());
      Instant downCutoff = now.minusSeconds(down.getStabilizationWindowSeconds());
      for (Recommendation r : history) {
        if (r.at().isAfter(upCutoff)) {
          upRecommendation = Math.min(upRecommendation, r.replicas());
        }
        if (r.at().isAfter(downCutoff)) {
          downRecommendation = Math.max(downRecommendation, r.replicas());
        }
      }
      int result = current;
      if (result < upRecommendation) {
        result = upRecommendation;
      }
      if (result > downRecommendation) {
        result = downRecommendation;
      }
      Instant keepFrom = now.minusSeconds(Math.max(up.getStabilizationWindowSeconds(),
          down.getStabilizationWindowSeconds()));
      history.removeIf(r -> !r.at().isAfter(keepFrom));
      history.add(new Recommendation(recommended, now));
      return result;
    }
  }

  private int scaleUpLimit(String key, HPAScalingRules rules, int current, Instant now) {
    if ("Disabled".equals(rules.getSelectPolicy())) {
      return current;
    }
    boolean max = !"Min".equals(rules.getSelectPolicy());
    int result = max ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (HPAScalingPolicy p : rules.getPolicies()) {
      int added = sumSince(scaleUpEvents, key, p.getPeriodSeconds(), now);
      int deleted = sumSince(scaleDownEvents, key, p.getPeriodSeconds(), now);
      int periodStart = current - added + deleted;
      int proposed = "Pods".equals(p.getType()) ? periodStart + p.getValue()
          : (int) Math.ceil(periodStart * (1 + p.getValue() / 100.0));
      result = max ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  private int scaleDownLimit(String key, HPAScalingRules rules, int current, Instant now) {
    if ("Disabled".equals(rules.getSelectPolicy())) {
      return current;
    }
    boolean max = !"Min".equals(rules.getSelectPolicy());
    int result = max ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (HPAScalingPolicy p : rules.getPolicies()) {
      int added = sumSince(scaleUpEvents, key, p.getPeriodSeconds(), now);
      int removed = sumSince(scaleDownEvents, key, p.getPeriodSeconds(), now);
      int periodStart = current + removed - added;
      int proposed = "Pods".equals(p.getType()) ? periodStart - p.getValue()
          : (int) (periodStart * (1 - p.getValue() / 100.0));
      result = max ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  private static int sumSince(Map<String, List<ScaleEvent>> events, String key, int periodSeconds, Instant now) {
    List<ScaleEvent> list = events.get(key);
    if (list == null) {
      return 0;
    }
    Instant cutoff = now.minus(Duration.ofSeconds(periodSeconds));
    synchronized (list) {
      return list.stream().filter(e -> e.at().isAfter(cutoff)).mapToInt(ScaleEvent::change).sum();
    }
  }

  private static int longestPeriod(HPAScalingRules rules) {
    return rules.getPolicies().stream().mapToInt(HPAScalingPolicy::getPeriodSeconds).max().orElse(0);
  }
}

package io.quarkube.controllers.podautoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's replica calculation and behavior rules on plain inputs. */
class ReplicaCalculatorTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final Instant LONG_AGO = NOW.minus(Duration.ofMinutes(10));

  private static Pod pod(String name, boolean ready, Instant started) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withPhase("Running")
        .withStartTime(started.toString()).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
        .withLastTransitionTime(started.plusSeconds(5).toString()).endCondition().endStatus().build();
  }

  private static List<Pod> pods(int n) {
    List<Pod> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pod("p" + i, true, LONG_AGO));
    }
    return out;
  }

  private static Map<String, ReplicaCalculator.PodMetric> usage(long... millis) {
    Map<String, ReplicaCalculator.PodMetric> out = new HashMap<>();
    for (int i = 0; i < millis.length; i++) {
      out.put("p" + i, new ReplicaCalculator.PodMetric(millis[i], NOW.minusSeconds(10), Duration.ofSeconds(15)));
    }
    return out;
  }

  private static Map<String, Long> requests(int n, long each) {
    Map<String, Long> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      out.put("p" + i, each);
    }
    return out;
  }

  @Test
  void utilizationAboveTargetScalesUp() throws Exception {
    // one pod using 100m of a 20m request: 500 % against 50 % -> ceil(10 * 1) = 10
    var r = ReplicaCalculator.utilization(1, 50, "cpu", pods(1), usage(100), requests(1, 20), NOW);
    assertEquals(10, r.replicas());
    assertEquals(500, r.utilization());
    assertEquals(100, r.rawAverage());
    // two pods at 80 % against 50 %: ceil(1.6 * 2) = 4
    assertEquals(4, ReplicaCalculator.utilization(2, 50, "cpu", pods(2), usage(80, 80), requests(2, 100), NOW)
        .replicas());
    // below target: 20 % of 50 % with 4 pods -> ceil(0.4 * 4) = 2
    assertEquals(2, ReplicaCalculator.utilization(4, 50, "cpu", pods(4), usage(20, 20, 20, 20), requests(4, 100),
        NOW).replicas());
  }

  @Test
  void withinToleranceKeepsTheCount() throws Exception {
    // 54 % against 50 %: ratio 1.08, within 10 %
    assertEquals(3, ReplicaCalculator.utilization(3, 50, "cpu", pods(3), usage(54, 54, 54), requests(3, 100), NOW)
        .replicas());
    // 56 % -> 1.12, outside
    assertEquals(4, ReplicaCalculator.utilization(3, 50, "cpu", pods(3), usage(56, 56, 56), requests(3, 100), NOW)
        .replicas());
  }

  @Test
  void missingMetricsAndUnreadyPods() throws Exception {
    // scaling down with a pod without metrics: it counts as using its whole request -> no scale down past it
    var r = ReplicaCalculator.utilization(3, 50, "cpu", pods(3), usage(10, 10), requests(3, 100), NOW);
    assertEquals(3, r.replicas());
    // scaling up with an unready pod: it counts as using nothing
    List<Pod> withUnready = new ArrayList<>(pods(2));
    withUnready.add(pod("p2", false, NOW.minusSeconds(20)));
    var up = ReplicaCalculator.utilization(3, 50, "cpu", withUnready, usage(100, 100, 100), requests(3, 100), NOW);
    // ratio 2.0 on the ready pods; with the unready at 0: 200/300*100 = 66 % -> 1.33 -> ceil(1.33 * 3) = 4
    assertEquals(4, up.replicas());
    var e = assertThrows(ReplicaCalculator.MetricsException.class,
        () -> ReplicaCalculator.utilization(1, 50, "cpu", pods(1), Map.of(), requests(1, 100), NOW));
    assertEquals("unable to get metrics for resource cpu: no metrics returned from resource metrics API",
        e.getMessage());
  }

  @Test
  void averageValue() throws Exception {
    // 300Mi average against 100Mi per pod, 2 pods -> 6
    long mi = 1024L * 1024 * 1000;
    assertEquals(6, ReplicaCalculator.averageValue(2, 100 * mi, "memory", pods(2), usage(300 * mi, 300 * mi), NOW)
        .replicas());
  }

  @Test
  void defaultBehaviorLimitsAndStabilizes() {
    ScaleNormalizer n = new ScaleNormalizer();
    // up from 1 to 10 within max 3: TooManyReplicas
    var out = n.normalize("a", null, 1, 10, 1, 3, NOW);
    assertEquals(3, out.replicas());
    assertEquals("TooManyReplicas", out.limitReason());
    assertEquals("ReadyForNewScale", out.stabilizeReason());
    // up from 2 to 20 within max 100: limited to max(2 + 4, 2 * 2) = 6 per 15 s
    var limited = n.normalize("b", null, 2, 20, 1, 100, NOW);
    assertEquals(6, limited.replicas());
    assertEquals("ScaleUpLimit", limited.limitReason());
    // down: the 300 s window keeps the highest recent recommendation
    n.normalize("c", null, 5, 5, 1, 10, NOW);
    var down = n.normalize("c", null, 5, 1, 1, 10, NOW.plusSeconds(60));
    assertEquals(5, down.replicas());
    assertEquals("ScaleDownStabilized", down.stabilizeReason());
    var later = n.normalize("c", null, 5, 1, 1, 10, NOW.plusSeconds(400));
    assertEquals(1, later.replicas());
    assertEquals("DesiredWithinRange", later.limitReason());
    // below min
    assertEquals("TooFewReplicas", new ScaleNormalizer().normalize("d", new HorizontalPodAutoscalerBehavior(null,
        rules(0, "Max", new HPAScalingPolicy(15, "Percent", 100))), 5, 1, 2, 10, NOW).limitReason());
  }

  @Test
  void policiesCountRecentScaleEvents() {
    ScaleNormalizer n = new ScaleNormalizer();
    var behavior = new HorizontalPodAutoscalerBehavior(null, rules(0, "Max", new HPAScalingPolicy(60, "Pods", 2)));
    var first = n.normalize("a", behavior, 2, 10, 1, 20, NOW);
    assertEquals(4, first.replicas());
    n.recordScale("a", behavior, 2, 4, NOW);
    // 30 s later, still in the 60 s period that already added 2: period start 2 -> at most 4
    var second = n.normalize("a", behavior, 4, 10, 1, 20, NOW.plusSeconds(30));
    assertEquals(4, second.replicas());
    assertEquals("ScaleUpLimit", second.limitReason());
    var third = n.normalize("a", behavior, 4, 10, 1, 20, NOW.plusSeconds(61));
    assertEquals(6, third.replicas());
    // Min select policy and a disabled direction
    var min = new HorizontalPodAutoscalerBehavior(null, rules(0, "Min", new HPAScalingPolicy(15, "Pods", 2),
        new HPAScalingPolicy(15, "Percent", 100)));
    assertEquals(6, new ScaleNormalizer().normalize("b", min, 4, 20, 1, 20, NOW).replicas());
    var disabled = new HorizontalPodAutoscalerBehavior(null, rules(0, "Disabled", new HPAScalingPolicy(15, "Pods",
        2)));
    assertEquals(4, new ScaleNormalizer().normalize("c", disabled, 4, 20, 1, 20, NOW).replicas());
    // scale-up stabilization window: the lowest recent recommendation wins
    var window = new HorizontalPodAutoscalerBehavior(null, rules(120, "Max", new HPAScalingPolicy(15, "Percent",
        100)));
    ScaleNormalizer w = new ScaleNormalizer();
    w.normalize("d", window, 2, 2, 1, 20, NOW);
    var stabilized = w.normalize("d", window, 2, 4, 1, 20, NOW.plusSeconds(30));
    assertEquals(2, stabilized.replicas());
    assertEquals("ScaleUpStabilized", stabilized.stabilizeReason());
  }

  private static HPAScalingRules rules(int window, String select, HPAScalingPolicy... policies) {
    HPAScalingRules r = new HPAScalingRules();
    r.setStabilizationWindowSeconds(window);
    r.setSelectPolicy(select);
    r.setPolicies(List.of(policies));
    return r;
  }

  @Test
  void selectorText() {
    SelectorText s = SelectorText.parse("app=web,tier in (a, b),!canary");
    assertEquals(true, s.matches(Map.of("app", "web", "tier", "a")));
    assertEquals(false, s.matches(Map.of("app", "web", "tier", "c")));
    assertEquals(false, s.matches(Map.of("app", "web", "tier", "a", "canary", "1")));
    assertEquals("9m", HorizontalController.formatMilli(9));
    assertEquals("20M", HorizontalController.formatMilli(20_000_000_000L));
  }
}

package io.quarkube.controllers.podautoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reconcile loop against hand-filled caches, a fake scale subresource and fake pod metrics. */
class HorizontalControllerTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final List<String> events = new ArrayList<>();
  private final ControllerContext ctx = new ControllerContext(caches, writer,
      c -> (obj, type, reason, message) -> events.add(reason + ": " + message), null, null);
  private int replicas = 1;
  private final List<Integer> scaledTo = new ArrayList<>();
  private List<PodMetrics> metrics = new ArrayList<>();
  private final HorizontalController controller = new HorizontalController(ctx, new HorizontalController.Sources() {
    @Override
    public Scale getScale(String namespace, CrossVersionObjectReference ref) {
      return new ScaleBuilder().withNewMetadata().withName(ref.getName()).withNamespace(namespace).endMetadata()
          .withNewSpec().withReplicas(replicas).endSpec().withNewStatus().withReplicas(replicas)
          .withSelector("app=web").endStatus().build();
    }

    @Override
    public Scale updateScale(String namespace, CrossVersionObjectReference ref, Scale scale) {
      replicas = scale.getSpec().getReplicas();
      scaledTo.add(replicas);
      return scale;
    }

    @Override
    public List<PodMetrics> podMetrics(String namespace) {
      return metrics;
    }
  }, Clock.fixed(NOW, ZoneOffset.UTC));

  private static Pod pod(String name) {
    return new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).withUid(name)
        .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("main")
        .withNewResources().addToRequests("cpu", new Quantity("20m")).endResources().endContainer().endSpec()
        .withNewStatus().withPhase("Running").withStartTime(NOW.minusSeconds(600).toString()).addNewCondition()
        .withType("Ready").withStatus("True").withLastTransitionTime(NOW.minusSeconds(590).toString())
        .endCondition().endStatus().build();
  }

  private static PodMetrics usage(String name, String cpu) {
    return new PodMetricsBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
        .withTimestamp(NOW.minusSeconds(5).toString()).addNewContainer().withName("main")
        .addToUsage("cpu", new Quantity(cpu)).endContainer().build();
  }

  private HorizontalPodAutoscaler hpa(String metricsType) {
    var b = new HorizontalPodAutoscalerBuilder().withNewMetadata().withNamespace("ns").withName("web").endMetadata()
        .withNewSpec().withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName("web")
        .endScaleTargetRef().withMinReplicas(1).withMaxReplicas(3);
    if (metricsType.equals("Pods")) {
      b = b.addNewMetric().withType("Pods").withNewPods().withNewMetric().withName("qps").endMetric().withNewTarget()
          .withType("AverageValue").withAverageValue(new Quantity("1")).endTarget().endPods().endMetric();
    } else {
      b = b.addNewMetric().withType("Resource").withNewResource().withName("cpu").withNewTarget()
          .withType("Utilization").withAverageUtilization(50).endTarget().endResource().endMetric();
    }
    return b.endSpec().build();
  }

  private HorizontalPodAutoscaler run() throws InterruptedException {
    while (controller.queue().length() > 0) {
      controller.processNextItem();
    }
    return caches.indexer(HorizontalPodAutoscaler.class).getByKey("ns/web");
  }

  private static HorizontalPodAutoscalerCondition condition(HorizontalPodAutoscaler h, String type) {
    return h.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void busyPodScalesUpToMax() throws Exception {
    caches.put(pod("p1"));
    metrics = List.of(usage("p1", "100m"));
    caches.put(hpa("Resource"));
    HorizontalPodAutoscaler h = run();
    assertEquals(List.of(3), scaledTo);
    assertEquals(1, h.getStatus().getCurrentReplicas());
    assertEquals(3, h.getStatus().getDesiredReplicas());
    assertEquals(500, h.getStatus().getCurrentMetrics().get(0).getResource().getCurrent().getAverageUtilization());
    assertEquals("100m", h.getStatus().getCurrentMetrics().get(0).getResource().getCurrent().getAverageValue()
        .toString());
    assertEquals("SucceededRescale", condition(h, "AbleToScale").getReason());
    assertEquals("ValidMetricFound", condition(h, "ScalingActive").getReason());
    assertEquals("the HPA was able to successfully calculate a replica count from cpu resource utilization "
        + "(percentage of request)", condition(h, "ScalingActive").getMessage());
    assertEquals("TooManyReplicas", condition(h, "ScalingLimited").getReason());
    assertEquals("True", condition(h, "ScalingLimited").getStatus());
    assertTrue(h.getStatus().getLastScaleTime() != null);
    assertEquals(List.of("SuccessfulRescale: New size: 3; reason: cpu resource utilization (percentage of request) "
        + "above target"), events);
  }

  @Test
  void missingMetricsAndCustomMetricsFail() throws Exception {
    caches.put(pod("p1"));
    caches.put(hpa("Resource"));
    HorizontalPodAutoscaler h = run();
    assertEquals(List.of(), scaledTo);
    assertEquals("False", condition(h, "ScalingActive").getStatus());
    assertEquals("FailedGetResourceMetric", condition(h, "ScalingActive").getReason());
    assertEquals(List.of("FailedGetResourceMetric: failed to get cpu utilization: unable to get metrics for resource "
        + "cpu: no metrics returned from resource metrics API", "FailedComputeMetricsReplicas: invalid metrics (1 "
        + "invalid out of 1), first error is: failed to get cpu utilization: unable to get metrics for resource cpu: "
        + "no metrics returned from resource metrics API"), events);

    events.clear();
    caches.put(hpa("Pods"));
    h = run();
    assertEquals("FailedGetPodsMetric", condition(h, "ScalingActive").getReason());
  }

  @Test
  void zeroReplicasDisableScaling() throws Exception {
    replicas = 0;
    caches.put(hpa("Resource"));
    HorizontalPodAutoscaler h = run();
    assertEquals("ScalingDisabled", condition(h, "ScalingActive").getReason());
    assertEquals(0, h.getStatus().getDesiredReplicas());
    assertEquals(List.of(), scaledTo);
    assertEquals(Map.of(), Map.of());
  }
}

package io.quarkube.apiserver.registry.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler;
import io.quarkube.apiserver.json.Json;
import org.junit.jupiter.api.Test;

/** autoscaling/v1 ↔ v2, as upstream's pkg/apis/autoscaling/v1/conversion.go. */
class HorizontalPodAutoscalerConversionTest {

  private static HorizontalPodAutoscaler v1(String singleQuoted) {
    return Json.convert(Json.treeOf(singleQuoted.replace('\'', '"').getBytes()), HorizontalPodAutoscaler.class);
  }

  @Test
  void cpuTargetBecomesAResourceMetricAndBack() {
    HorizontalPodAutoscaler in = v1("{'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler','metadata':"
        + "{'name':'h'},'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'d'},"
        + "'minReplicas':1,'maxReplicas':3,'targetCPUUtilizationPercentage':50},"
        + "'status':{'currentReplicas':2,'desiredReplicas':2,'currentCPUUtilizationPercentage':45}}");
    var v2 = HorizontalPodAutoscalerConversion.toV2(in);
    assertEquals("autoscaling/v2", v2.getApiVersion());
    assertEquals("[{\"resource\":{\"name\":\"cpu\",\"target\":{\"averageUtilization\":50,\"type\":\"Utilization\"}},"
        + "\"type\":\"Resource\"}]", Json.MAPPER.valueToTree(v2.getSpec().getMetrics()).toString());
    assertEquals(45, v2.getStatus().getCurrentMetrics().get(0).getResource().getCurrent().getAverageUtilization());
    assertEquals("Deployment", v2.getSpec().getScaleTargetRef().getKind());

    HorizontalPodAutoscaler back = HorizontalPodAutoscalerConversion.toV1(v2);
    assertEquals(50, back.getSpec().getTargetCPUUtilizationPercentage());
    assertEquals(45, back.getStatus().getCurrentCPUUtilizationPercentage());
    // current metrics are kept in full in an annotation, as upstream does
    assertEquals("[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"currentAverageUtilization\":45,"
        + "\"currentAverageValue\":\"0\"}}]",
        back.getMetadata().getAnnotations().get(HorizontalPodAutoscalerConversion.METRIC_STATUSES));
  }

  @Test
  void noTargetGetsTheImplicitEightyPercent() {
    var v2 = HorizontalPodAutoscalerConversion.toV2(v1("{'metadata':{'name':'h'},'spec':{'scaleTargetRef':"
        + "{'kind':'Deployment','name':'d'},'maxReplicas':3}}"));
    assertEquals(80, v2.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization());
  }

  @Test
  void otherMetricsBehaviorAndConditionsRoundTripThroughAnnotations() {
    var v2 = HorizontalPodAutoscalerStrategyTest.hpa("{'scaleTargetRef':{'kind':'Deployment','name':'d'},"
        + "'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'memory','target':{'type':'AverageValue',"
        + "'averageValue':'100Mi'}}},{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization',"
        + "'averageUtilization':60}}}],'behavior':{'scaleDown':{'stabilizationWindowSeconds':30}}}");
    v2.getMetadata().setAnnotations(new java.util.HashMap<>(java.util.Map.of("mine", "kept")));
    var cond = new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition(
        "2024-01-01T00:00:00Z", "recommended size matches current size", "ReadyForNewScale", "True", "AbleToScale");
    v2.setStatus(new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus());
    v2.getStatus().setConditions(java.util.List.of(cond));
    HorizontalPodAutoscaler v1 = HorizontalPodAutoscalerConversion.toV1(v2);
    assertEquals(60, v1.getSpec().getTargetCPUUtilizationPercentage());
    assertEquals("[{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"targetAverageValue\":\"100Mi\"}}]",
        v1.getMetadata().getAnnotations().get(HorizontalPodAutoscalerConversion.METRIC_SPECS));
    assertEquals("kept", v1.getMetadata().getAnnotations().get("mine"));

    var again = HorizontalPodAutoscalerConversion.toV2(v1);
    assertEquals(Json.tree(v2.getSpec()), Json.tree(again.getSpec()));
    assertEquals(Json.MAPPER.valueToTree(v2.getStatus().getConditions()),
        Json.MAPPER.valueToTree(again.getStatus().getConditions()));
    assertEquals(java.util.Map.of("mine", "kept"), again.getMetadata().getAnnotations());
    assertEquals(0, again.getStatus().getCurrentMetrics().size());
  }
}

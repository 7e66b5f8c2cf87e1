package io.quarkube.apiserver.registry.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaulting and validation of autoscaling/v2 HorizontalPodAutoscalers, as upstream's. */
class HorizontalPodAutoscalerStrategyTest {
  private final HorizontalPodAutoscalerStrategy strategy = new HorizontalPodAutoscalerStrategy();

  static HorizontalPodAutoscaler hpa(String singleQuotedSpec) {
    try {
      JsonNode spec = Json.MAPPER.readTree(singleQuotedSpec.replace('\'', '"'));
      var o = Json.MAPPER.createObjectNode();
      o.put("apiVersion", "autoscaling/v2");
      o.put("kind", "HorizontalPodAutoscaler");
      o.putObject("metadata").put("name", "h").put("namespace", "ns");
      o.set("spec", spec);
      return Json.convert(o, HorizontalPodAutoscaler.class);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> errors(String spec) {
    HorizontalPodAutoscaler h = hpa(spec);
    return strategy.validate(h).stream().map(FieldError::field).toList();
  }

  @Test
  void defaultsMinReplicasAndCpuMetricButNoBehavior() {
    HorizontalPodAutoscaler h = hpa("{'scaleTargetRef':{'kind':'Deployment','name':'d'},'maxReplicas':3}");
    strategy.prepareForCreate(h);
    assertEquals(1, h.getSpec().getMinReplicas());
    assertEquals("[{\"resource\":{\"name\":\"cpu\",\"target\":{\"averageUtilization\":80,\"type\":\"Utilization\"}},"
        + "\"type\":\"Resource\"}]", Json.MAPPER.valueToTree(h.getSpec().getMetrics()).toString());
    assertNull(h.getSpec().getBehavior());
    assertTrue(strategy.validate(h).isEmpty());
  }

  @Test
  void partialBehaviorIsFilledWithUpstreamDefaults() {
    HorizontalPodAutoscaler h = hpa("{'scaleTargetRef':{'kind':'Deployment','name':'d'},'maxReplicas':3,"
        + "'behavior':{'scaleDown':{'stabilizationWindowSeconds':60}}}");
    strategy.prepareForCreate(h);
    var up = h.getSpec().getBehavior().getScaleUp();
    assertEquals(0, up.getStabilizationWindowSeconds());
    assertEquals("Max", up.getSelectPolicy());
    assertEquals("[{\"periodSeconds\":15,\"type\":\"Pods\",\"value\":4},{\"periodSeconds\":15,\"type\":\"Percent\","
        + "\"value\":100}]", Json.MAPPER.valueToTree(up.getPolicies()).toString());
    var down = h.getSpec().getBehavior().getScaleDown();
    assertEquals(60, down.getStabilizationWindowSeconds());
    assertEquals("[{\"periodSeconds\":15,\"type\":\"Percent\",\"value\":100}]",
        Json.MAPPER.valueToTree(down.getPolicies()).toString());
  }

  @Test
  void validation() {
    assertEquals(List.of("spec.scaleTargetRef.kind", "spec.scaleTargetRef.name", "spec.maxReplicas"),
        errors("{'minReplicas':1,'maxReplicas':0}").subList(0, 3));
    assertEquals(List.of("spec.minReplicas"), errors("{'scaleTargetRef':{'kind':'Deployment','name':'d'},"
        + "'minReplicas':0,'maxReplicas':3}"));
    assertEquals(List.of("spec.maxReplicas"), errors("{'scaleTargetRef':{'kind':'Deployment','name':'d'},"
        + "'minReplicas':5,'maxReplicas':3}"));
    FieldError msg = strategy.validate(hpa("{'scaleTargetRef':{'kind':'Deployment','name':'d'},"
        + "'minReplicas':5,'maxReplicas':3}")).get(0);
    assertEquals("Invalid value: 3: must be greater than or equal to `minReplicas`", msg.causeMessage());
    // a metric whose type does not match its field, a target type that does not match its value
    assertEquals(List.of("spec.metrics[0]", "spec.metrics[0].pods"), errors("{'scaleTargetRef':{'kind':'D','name':'d'},"
        + "'maxReplicas':3,'metrics':[{'type':'Pods','resource':{'name':'cpu','target':{'type':'Utilization',"
        + "'averageUtilization':50}}}]}"));
    assertEquals(List.of("spec.metrics[0].resource.target.averageValue"), errors("{'scaleTargetRef':{'kind':'D',"
        + "'name':'d'},'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':"
        + "{'type':'AverageValue','averageUtilization':50}}}]}"));
    assertEquals(List.of("spec.metrics[0].resource.target.type"), errors("{'scaleTargetRef':{'kind':'D',"
        + "'name':'d'},'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':"
        + "{'type':'Percent','averageUtilization':50}}}]}"));
    assertEquals(List.of("spec.metrics[0].resource.target.averageUtilization"), errors("{'scaleTargetRef':"
        + "{'kind':'D','name':'d'},'maxReplicas':3,'metrics':[{'type':'Resource','resource':{'name':'cpu','target':"
        + "{'type':'Utilization','averageUtilization':0}}}]}"));
    assertTrue(errors("{'scaleTargetRef':{'kind':'D','name':'d'},'maxReplicas':3,'metrics':[{'type':'Resource',"
        + "'resource':{'name':'memory','target':{'type':'AverageValue','averageValue':'100Mi'}}}]}").isEmpty());
    // behavior: policies, periods, windows, select policy
    assertEquals(List.of("spec.behavior.scaleUp.stabilizationWindowSeconds", "spec.behavior.scaleUp.selectPolicy",
        "spec.behavior.scaleUp.policies[0].type", "spec.behavior.scaleUp.policies[0].value",
        "spec.behavior.scaleUp.policies[0].periodSeconds"),
        errors("{'scaleTargetRef':{'kind':'D','name':'d'},'maxReplicas':3,'behavior':{'scaleUp':"
            + "{'stabilizationWindowSeconds':3601,'selectPolicy':'Sometimes','policies':[{'type':'Nodes','value':0,"
            + "'periodSeconds':1801}]}}}"));
    assertEquals(List.of("spec.behavior.scaleDown.policies"), errors("{'scaleTargetRef':{'kind':'D','name':'d'},"
        + "'maxReplicas':3,'behavior':{'scaleDown':{'policies':[]}}}"));
  }
}

package io.quarkube.apiserver.registry.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.autoscaling.v1.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import io.quarkube.apiserver.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * autoscaling/v1 ↔ autoscaling/v2 HorizontalPodAutoscalers, after upstream's
 * {@code pkg/apis/autoscaling/v1/conversion.go}: v1 has only {@code targetCPUUtilizationPercentage} and
 * {@code currentCPUUtilizationPercentage}; what else v2 holds travels in annotations of the v1 object (the other metrics,
 * all current metrics, the conditions and the behavior, as JSON in the old alpha shapes), which the way back reads and
 * removes. A v1 object without any metric gets upstream's implicit cpu 80 % metric.
 */
public final class HorizontalPodAutoscalerConversion {
  public static final String METRIC_SPECS = "autoscaling.alpha.kubernetes.io/metrics";
  public static final String METRIC_STATUSES = "autoscaling.alpha.kubernetes.io/current-metrics";
  public static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
  public static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
  private static final List<String> ROUND_TRIP = List.of(METRIC_SPECS, METRIC_STATUSES, CONDITIONS, BEHAVIOR);

  private HorizontalPodAutoscalerConversion() {}

  // ---------------------------------------------------------------- v2 → v1

  public static io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler toV1(HorizontalPodAutoscaler in) {
    var out = new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler();
    out.setApiVersion("autoscaling/v1");
    out.setKind("HorizontalPodAutoscaler");
    ObjectMeta meta = in.getMetadata() == null ? new ObjectMeta() : Json.convert(Json.tree(in.getMetadata()),
        ObjectMeta.class);
    Map<String, String> annotations = withoutRoundTrip(meta.getAnnotations());
    HorizontalPodAutoscalerSpec spec = in.getSpec() == null ? new HorizontalPodAutoscalerSpec() : in.getSpec();
    var outSpec = new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerSpec();
    if (spec.getScaleTargetRef() != null) {
      outSpec.setScaleTargetRef(new CrossVersionObjectReference(spec.getScaleTargetRef().getApiVersion(),
          spec.getScaleTargetRef().getKind(), spec.getScaleTargetRef().getName()));
    }
    outSpec.setMinReplicas(spec.getMinReplicas());
    outSpec.setMaxReplicas(spec.getMaxReplicas());
    ArrayNode otherMetrics = Json.MAPPER.createArrayNode();
    boolean cpuSeen = false;
    for (MetricSpec m : nullToEmpty(spec.getMetrics())) {
      if (isCpuUtilization(m)) {
        if (!cpuSeen) {
          outSpec.setTargetCPUUtilizationPercentage(m.getResource().getTarget().getAverageUtilization());
          cpuSeen = true;
        }
        continue;
      }
      otherMetrics.add(alphaMetricSpec(m));
    }
    out.setSpec(outSpec);

    HorizontalPodAutoscalerStatus status = in.getStatus();
    if (status != null) {
      var outStatus = new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerStatus();
      outStatus.setObservedGeneration(status.getObservedGeneration());
      outStatus.setLastScaleTime(status.getLastScaleTime());
      outStatus.setCurrentReplicas(status.getCurrentReplicas());
      outStatus.setDesiredReplicas(status.getDesiredReplicas());
      for (MetricStatus m : nullToEmpty(status.getCurrentMetrics())) {
        if ("Resource".equals(m.getType()) && m.getResource() != null && "cpu".equals(m.getResource().getName())
            && m.getResource().getCurrent() != null && m.getResource().getCurrent().getAverageUtilization() != null) {
          outStatus.setCurrentCPUUtilizationPercentage(m.getResource().getCurrent().getAverageUtilization());
        }
      }
      out.setStatus(outStatus);
      if (!nullToEmpty(status.getCurrentMetrics()).isEmpty()) {
        ArrayNode current = Json.MAPPER.createArrayNode();
        status.getCurrentMetrics().forEach(m -> current.add(alphaMetricStatus(m)));
        annotations.put(METRIC_STATUSES, current.toString());
      }
      if (!nullToEmpty(status.getConditions()).isEmpty()) {
        annotations.put(CONDITIONS, Json.MAPPER.valueToTree(status.getConditions()).toString());
      }
    } else {
      out.setStatus(new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerStatus());
    }
    if (!otherMetrics.isEmpty()) {
      annotations.put(METRIC_SPECS, otherMetrics.toString());
    }
    if (spec.getBehavior() != null) {
      annotations.put(BEHAVIOR, Json.tree(spec.getBehavior()).toString());
    }
    meta.setAnnotations(annotations.isEmpty() && meta.getAnnotations() == null ? null : annotations);
    out.setMetadata(meta);
    return out;
  }

  static boolean isCpuUtilization(MetricSpec m) {
    return "Resource".equals(m.getType()) && m.getResource() != null && "cpu".equals(m.getResource().getName())
        && m.getResource().getTarget() != null && m.getResource().getTarget().getAverageUtilization() != null;
  }

  /** A v2 metric as autoscaling/v1's (alpha) MetricSpec: targets flattened into {@code target*} fields. */
  private static ObjectNode alphaMetricSpec(MetricSpec m) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("type", m.getType());
    if (m.getResource() != null) {
      ObjectNode r = out.putObject("resource");
      r.put("name", m.getResource().getName());
      flattenTarget(Json.tree(m.getResource().getTarget()), r, true);
    }
    if (m.getContainerResource() != null) {
      ObjectNode r = out.putObject("containerResource");
      r.put("name", m.getContainerResource().getName());
      flattenTarget(Json.tree(m.getContainerResource().getTarget()), r, true);
      r.put("container", m.getContainerResource().getContainer());
    }
    if (m.getPods() != null) {
      ObjectNode p = out.putObject("pods");
      JsonNode id = Json.tree(m.getPods().getMetric());
      p.set("metricName", id.path("name"));
      JsonNode t = Json.tree(m.getPods().getTarget());
      if (t.has("averageValue")) {
        p.set("targetAverageValue", t.get("averageValue"));
      }
      if (id.has("selector")) {
        p.set("selector", id.get("selector"));
      }
    }
    if (m.getObject() != null) {
      ObjectNode o = out.putObject("object");
      o.set("target", Json.tree(m.getObject().getDescribedObject()));
      JsonNode id = Json.tree(m.getObject().getMetric());
      o.set("metricName", id.path("name"));
      JsonNode t = Json.tree(m.getObject().getTarget());
      o.set("targetValue", t.has("value") ? t.get("value") : Json.MAPPER.getNodeFactory().textNode("0"));
      if (id.has("selector")) {
        o.set("selector", id.get("selector"));
      }
      if (t.has("averageValue")) {
        o.set("averageValue", t.get("averageValue"));
      }
    }
    if (m.getExternal() != null) {
      ObjectNode e = out.putObject("external");
      JsonNode id = Json.tree(m.getExternal().getMetric());
      e.set("metricName", id.path("name"));
      if (id.has("selector")) {
        e.set("metricSelector", id.get("selector"));
      }
      JsonNode t = Json.tree(m.getExternal().getTarget());
      if (t.has("value")) {
        e.set("targetValue", t.get("value"));
      }
      if (t.has("averageValue")) {
        e.set("targetAverageValue", t.get("averageValue"));
      }
    }
    return out;
  }

  private static void flattenTarget(JsonNode target, ObjectNode out, boolean average) {
    if (target.has("averageUtilization")) {
      out.set("targetAverageUtilization", target.get("averageUtilization"));
    }
    if (target.has("averageValue")) {
      out.set("targetAverageValue", target.get("averageValue"));
    }
  }

  private static ObjectNode alphaMetricStatus(MetricStatus m) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("type", m.getType());
    if (m.getResource() != null) {
      ObjectNode r = out.putObject("resource");
      r.put("name", m.getResource().getName());
      flattenCurrent(Json.tree(m.getResource().getCurrent()), r);
    }
    if (m.getContainerResource() != null) {
      ObjectNode r = out.putObject("containerResource");
      r.put("name", m.getContainerResource().getName());
      flattenCurrent(Json.tree(m.getContainerResource().getCurrent()), r);
      r.put("container", m.getContainerResource().getContainer());
    }
    if (m.getPods() != null) {
      ObjectNode p = out.putObject("pods");
      JsonNode id = Json.tree(m.getPods().getMetric());
      p.set("metricName", id.path("name"));
      p.set("currentAverageValue", Json.tree(m.getPods().getCurrent()).path("averageValue"));
      if (id.has("selector")) {
        p.set("selector", id.get("selector"));
      }
    }
    if (m.getObject() != null) {
      ObjectNode o = out.putObject("object");
      o.set("target", Json.tree(m.getObject().getDescribedObject()));
      JsonNode id = Json.tree(m.getObject().getMetric());
      o.set("metricName", id.path("name"));
      JsonNode c = Json.tree(m.getObject().getCurrent());
      o.set("currentValue", c.has("value") ? c.get("value") : Json.MAPPER.getNodeFactory().textNode("0"));
      if (id.has("selector")) {
        o.set("selector", id.get("selector"));
      }
      if (c.has("averageValue")) {
        o.set("averageValue", c.get("averageValue"));
      }
    }
    if (m.getExternal() != null) {
      ObjectNode e = out.putObject("external");
      JsonNode id = Json.tree(m.getExternal().getMetric());
      e.set("metricName", id.path("name"));
      if (id.has("selector")) {
        e.set("metricSelector", id.get("selector"));
      }
      JsonNode c = Json.tree(m.getExternal().getCurrent());
      e.set("currentValue", c.has("value") ? c.get("value") : Json.MAPPER.getNodeFactory().textNode("0"));
      if (c.has("averageValue")) {
        e.set("currentAverageValue", c.get("averageValue"));
      }
    }
    return out;
  }

  private static void flattenCurrent(JsonNode current, ObjectNode out) {
    if (current.has("averageUtilization")) {
      out.set("currentAverageUtilization", current.get("averageUtilization"));
    }
    out.set("currentAverageValue", current.has("averageValue") ? current.get("averageValue")
        : Json.MAPPER.getNodeFactory().textNode("0"));
  }

  // ---------------------------------------------------------------- v1 → v2

  public static HorizontalPodAutoscaler toV2(io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler in) {
    HorizontalPodAutoscaler out = new HorizontalPodAutoscaler();
    out.setApiVersion("autoscaling/v2");
    out.setKind("HorizontalPodAutoscaler");
    ObjectMeta meta = in.getMetadata() == null ? new ObjectMeta() : Json.convert(Json.tree(in.getMetadata()),
        ObjectMeta.class);
    Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    if (meta.getAnnotations() != null) {
      Map<String, String> kept = withoutRoundTrip(meta.getAnnotations());
      meta.setAnnotations(kept.isEmpty() ? null : kept);
    }
    out.setMetadata(meta);

    var spec = in.getSpec() == null ? new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerSpec()
        : in.getSpec();
    HorizontalPodAutoscalerSpec outSpec = new HorizontalPodAutoscalerSpec();
    if (spec.getScaleTargetRef() != null) {
      outSpec.setScaleTargetRef(new io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference(
          spec.getScaleTargetRef().getApiVersion(), spec.getScaleTargetRef().getKind(),
          spec.getScaleTargetRef().getName()));
    }
    outSpec.setMinReplicas(spec.getMinReplicas());
    outSpec.setMaxReplicas(spec.getMaxReplicas());
    List<MetricSpec> metrics = new ArrayList<>();
    JsonNode other = parse(annotations.get(METRIC_SPECS));
    if (other != null && other.isArray()) {
      for (JsonNode m : other) {
        metrics.add(Json.convert(v2MetricSpec(m), MetricSpec.class));
      }
    }
    if (spec.getTargetCPUUtilizationPercentage() != null) {
      metrics.add(HorizontalPodAutoscalerStrategy.cpuUtilization(spec.getTargetCPUUtilizationPercentage()));
    }
    if (metrics.isEmpty()) {
      metrics.add(HorizontalPodAutoscalerStrategy.cpuUtilization(HorizontalPodAutoscalerStrategy.DEFAULT_CPU_UTILIZATION));
    }
    outSpec.setMetrics(metrics);
    JsonNode behavior = parse(annotations.get(BEHAVIOR));
    if (behavior != null && behavior.isObject() && !behavior.isEmpty()) {
      outSpec.setBehavior(Json.convert(behavior, HorizontalPodAutoscalerBehavior.class));
    }
    out.setSpec(outSpec);

    var status = in.getStatus();
    HorizontalPodAutoscalerStatus outStatus = new HorizontalPodAutoscalerStatus();
    if (status != null) {
      outStatus.setObservedGeneration(status.getObservedGeneration());
      outStatus.setLastScaleTime(status.getLastScaleTime());
      outStatus.setCurrentReplicas(status.getCurrentReplicas());
      outStatus.setDesiredReplicas(status.getDesiredReplicas());
      if (status.getCurrentCPUUtilizationPercentage() != null) {
        MetricStatus cpu = new MetricStatus();
        cpu.setType("Resource");
        MetricValueStatus current = new MetricValueStatus();
        current.setAverageUtilization(status.getCurrentCPUUtilizationPercentage());
        cpu.setResource(new ResourceMetricStatus(current, "cpu"));
        outStatus.setCurrentMetrics(new ArrayList<>(List.of(cpu)));
      }
    }
    JsonNode current = parse(annotations.get(METRIC_STATUSES));
    if (current != null && current.isArray()) {
      List<MetricStatus> statuses = new ArrayList<>();
      for (JsonNode m : current) {
        statuses.add(Json.convert(v2MetricStatus(m), MetricStatus.class));
      }
      outStatus.setCurrentMetrics(statuses);
    }
    JsonNode conditions = parse(annotations.get(CONDITIONS));
    if (conditions != null && conditions.isArray()) {
      List<HorizontalPodAutoscalerCondition> list = new ArrayList<>();
      conditions.forEach(c -> list.add(Json.convert(c, HorizontalPodAutoscalerCondition.class)));
      outStatus.setConditions(list);
    }
    out.setStatus(outStatus);
    return out;
  }

  private static ObjectNode v2MetricSpec(JsonNode m) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("type", m.path("type"));
    JsonNode r = m.path("resource");
    if (r.isObject()) {
      ObjectNode o = out.putObject("resource");
      o.set("name", r.path("name"));
      o.set("target", target(r.path("targetAverageUtilization"), r.path("targetAverageValue"), null));
    }
    JsonNode cr = m.path("containerResource");
    if (cr.isObject()) {
      ObjectNode o = out.putObject("containerResource");
      o.set("name", cr.path("name"));
      o.set("container", cr.path("container"));
      o.set("target", target(cr.path("targetAverageUtilization"), cr.path("targetAverageValue"), null));
    }
    JsonNode p = m.path("pods");
    if (p.isObject()) {
      ObjectNode o = out.putObject("pods");
      o.set("metric", identifier(p.path("metricName"), p.path("selector")));
      o.set("target", target(null, p.path("targetAverageValue"), null));
    }
    JsonNode ob = m.path("object");
    if (ob.isObject()) {
      ObjectNode o = out.putObject("object");
      o.set("describedObject", ob.path("target"));
      o.set("metric", identifier(ob.path("metricName"), ob.path("selector")));
      o.set("target", ob.has("averageValue") ? target(null, ob.path("averageValue"), null)
          : target(null, null, ob.path("targetValue")));
    }
    JsonNode e = m.path("external");
    if (e.isObject()) {
      ObjectNode o = out.putObject("external");
      o.set("metric", identifier(e.path("metricName"), e.path("metricSelector")));
      o.set("target", e.has("targetAverageValue") ? target(null, e.path("targetAverageValue"), null)
          : target(null, null, e.path("targetValue")));
    }
    return out;
  }

  private static ObjectNode target(JsonNode utilization, JsonNode averageValue, JsonNode value) {
    ObjectNode t = Json.MAPPER.createObjectNode();
    if (utilization != null && !utilization.isMissingNode() && !utilization.isNull()) {
      t.put("type", "Utilization");
      t.set("averageUtilization", utilization);
    } else if (averageValue != null && !averageValue.isMissingNode() && !averageValue.isNull()) {
      t.put("type", "AverageValue");
      t.set("averageValue", averageValue);
    } else if (value != null && !value.isMissingNode() && !value.isNull()) {
      t.put("type", "Value");
      t.set("value", value);
    }
    return t;
  }

  private static ObjectNode identifier(JsonNode name, JsonNode selector) {
    ObjectNode id = Json.MAPPER.createObjectNode();
    id.set("name", name);
    if (selector.isObject()) {
      id.set("selector", selector);
    }
    return id;
  }

  private static ObjectNode v2MetricStatus(JsonNode m) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("type", m.path("type"));
    JsonNode r = m.path("resource");
    if (r.isObject()) {
      ObjectNode o = out.putObject("resource");
      o.set("name", r.path("name"));
      o.set("current", current(r.path("currentAverageUtilization"), r.path("currentAverageValue"), null));
    }
    JsonNode cr = m.path("containerResource");
    if (cr.isObject()) {
      ObjectNode o = out.putObject("containerResource");
      o.set("name", cr.path("name"));
      o.set("container", cr.path("container"));
      o.set("current", current(cr.path("currentAverageUtilization"), cr.path("currentAverageValue"), null));
    }
    JsonNode p = m.path("pods");
    if (p.isObject()) {
      ObjectNode o = out.putObject("pods");
      o.set("metric", identifier(p.path("metricName"), p.path("selector")));
      o.set("current", current(null, p.path("currentAverageValue"), null));
    }
    JsonNode ob = m.path("object");
    if (ob.isObject()) {
      ObjectNode o = out.putObject("object");
      o.set("describedObject", ob.path("target"));
      o.set("metric", identifier(ob.path("metricName"), ob.path("selector")));
      o.set("current", current(null, ob.path("averageValue"), ob.path("currentValue")));
    }
    JsonNode e = m.path("external");
    if (e.isObject()) {
      ObjectNode o = out.putObject("external");
      o.set("metric", identifier(e.path("metricName"), e.path("metricSelector")));
      o.set("current", current(null, e.path("currentAverageValue"), e.path("currentValue")));
    }
    return out;
  }

  private static ObjectNode current(JsonNode utilization, JsonNode averageValue, JsonNode value) {
    ObjectNode c = Json.MAPPER.createObjectNode();
    for (var f : new Object[][] {{"averageUtilization", utilization}, {"averageValue", averageValue},
        {"value", value}}) {
      JsonNode v = (JsonNode) f[1];
      if (v != null && !v.isMissingNode() && !v.isNull()) {
        c.set((String) f[0], v);
      }
    }
    return c;
  }

  private static JsonNode parse(String json) {
    if (json == null || json.isEmpty()) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      return null; // upstream ignores an annotation it cannot read
    }
  }

  private static Map<String, String> withoutRoundTrip(Map<String, String> annotations) {
    Map<String, String> out = new LinkedHashMap<>();
    if (annotations != null) {
      annotations.forEach((k, v) -> {
        if (!ROUND_TRIP.contains(k)) {
          out.put(k, v);
        }
      });
    }
    return out;
  }

  private static <E> List<E> nullToEmpty(List<E> list) {
    return list == null ? List.of() : list;
  }
}

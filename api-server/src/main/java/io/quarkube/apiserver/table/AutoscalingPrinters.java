package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Cells.age;
import static io.quarkube.apiserver.table.Cells.name;
import static io.quarkube.apiserver.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.autoscaling.HorizontalPodAutoscalerConversion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HorizontalPodAutoscalers, after upstream's {@code printHorizontalPodAutoscaler}: {@code NAME REFERENCE TARGETS
 * MINPODS MAXPODS REPLICAS AGE}, TARGETS as {@code cpu: 45%/50%} per metric (at most two, then {@code + N more...}).
 * Both versions print alike: a v1 object is converted to v2 first, as upstream prints the internal version.
 */
final class AutoscalingPrinters {
  private AutoscalingPrinters() {}

  static void register(Map<String, Printer> m) {
    m.put("autoscaling/horizontalpodautoscalers", Printer.of(List.of(
        Column.objectName(),
        Column.string("Reference", "scaleTargetRef points to the target resource to scale, and is used to the pods "
            + "for which metrics should be collected, as well as to actually change the replica count."),
        Column.string("Targets", "metrics contains the specifications for which to use to calculate the desired "
            + "replica count (the maximum replica count across all metrics will be used)."),
        Column.string("MinPods", "minReplicas is the lower limit for the number of replicas to which the autoscaler "
            + "can scale down."),
        Column.integer("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the autoscaler "
            + "can scale up. It cannot be less that minReplicas."),
        Column.integer("Replicas", "currentReplicas is current number of replicas of pods managed by this autoscaler,"
            + " as last seen by the autoscaler."),
        Column.age()),
        AutoscalingPrinters::hpa));
  }

  private static List<Object> hpa(JsonNode o, Instant now) {
    JsonNode v2 = o;
    if ("autoscaling/v1".equals(text(o, "apiVersion"))) {
      v2 = Json.tree(HorizontalPodAutoscalerConversion.toV2(
          Json.convert(o, io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class)));
    }
    JsonNode spec = v2.path("spec");
    String reference = text(spec, "scaleTargetRef", "kind") + "/" + text(spec, "scaleTargetRef", "name");
    JsonNode min = spec.path("minReplicas");
    String minPods = min.isNumber() ? Long.toString(min.asLong()) : "<unset>";
    return List.of(name(o), reference, targets(spec.path("metrics"), v2.path("status").path("currentMetrics")),
        minPods, spec.path("maxReplicas").asLong(0), v2.path("status").path("currentReplicas").asLong(0),
        age(o, now));
  }

  /** Upstream's {@code formatHPAMetrics}. */
  static String targets(JsonNode specs, JsonNode statuses) {
    if (!specs.isArray() || specs.isEmpty()) {
      return "<none>";
    }
    List<String> list = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      JsonNode spec = specs.get(i);
      JsonNode status = statuses.isArray() && statuses.size() > i ? statuses.get(i) : null;
      String type = spec.path("type").asText("");
      switch (type) {
        case "External", "Object" -> {
          String field = type.equals("External") ? "external" : "object";
          JsonNode target = spec.path(field).path("target");
          JsonNode current = status == null ? null : status.path(field);
          boolean currentKnown = current != null && current.isObject();
          if (present(target.path("averageValue"))) {
            String cur = currentKnown && present(current.path("current").path("averageValue"))
                ? current.path("current").path("averageValue").asText() : "<unknown>";
            list.add(cur + "/" + target.path("averageValue").asText() + " (avg)");
          } else {
            String cur = currentKnown ? quantity(current.path("current").path("value")) : "<unknown>";
            list.add(cur + "/" + quantity(target.path("value")));
          }
        }
        case "Pods" -> {
          JsonNode current = status == null ? null : status.path("pods");
          String cur = current != null && current.isObject() ? quantity(current.path("current").path("averageValue"))
              : "<unknown>";
          list.add(cur + "/" + quantity(spec.path("pods").path("target").path("averageValue")));
        }
        case "Resource", "ContainerResource" -> {
          String field = type.equals("Resource") ? "resource" : "containerResource";
          JsonNode source = spec.path(field);
          JsonNode target = source.path("target");
          JsonNode current = status == null ? null : status.path(field);
          boolean currentKnown = current != null && current.isObject();
          String resource = source.path("name").asText("");
          if (present(target.path("averageValue"))) {
            String cur = currentKnown ? quantity(current.path("current").path("averageValue")) : "<unknown>";
            list.add(resource + ": " + cur + "/" + target.path("averageValue").asText());
          } else {
            String cur = currentKnown && present(current.path("current").path("averageUtilization"))
                ? current.path("current").path("averageUtilization").asLong() + "%" : "<unknown>";
            String tgt = present(target.path("averageUtilization"))
                ? target.path("averageUtilization").asLong() + "%" : "<auto>";
            list.add(resource + ": " + cur + "/" + tgt);
          }
        }
        default -> list.add("<unknown type>");
      }
    }
    int max = 2;
    if (list.size() > max) {
      return String.join(", ", list.subList(0, max)) + " + " + (list.size() - max) + " more...";
    }
    return String.join(", ", list);
  }

  private static boolean present(JsonNode n) {
    return !n.isMissingNode() && !n.isNull();
  }

  /** A quantity as Go's {@code Quantity.String()} of a zero value prints it: "0" when unset. */
  private static String quantity(JsonNode n) {
    return present(n) ? n.asText() : "0";
  }
}

package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code scale} subresource: an {@code autoscaling/v1 Scale} view of the desired and current replica counts and
 * the selector, over the same stored object ({@code spec.replicas} and friends for built-in kinds, the CRD's paths for
 * custom resources).
 */
final class Scales {
  private Scales() {}

  static ObjectNode toScale(ResourceDefinition def, HasMetadata obj) {
    ObjectNode tree = Json.tree(obj);
    ScalePaths paths = ScalePaths.of(def);
    ObjectNode scale = Json.MAPPER.createObjectNode();
    scale.put("kind", "Scale");
    scale.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = scale.putObject("metadata");
    JsonNode m = tree.path("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (m.has(f)) {
        meta.set(f, m.get(f));
      }
    }
    scale.putObject("spec").put("replicas", ScalePaths.get(tree, paths.specReplicas()).asInt(0));
    ObjectNode status = scale.putObject("status");
    status.put("replicas", ScalePaths.get(tree, paths.statusReplicas()).asInt(0));
    String selector = paths.labelSelector() == null ? selectorString(tree.path("spec").path("selector"))
        : ScalePaths.get(tree, paths.labelSelector()).asText("");
    if (!selector.isEmpty()) {
      status.put("selector", selector);
    }
    return scale;
  }

  static HasMetadata update(ResourceDefinition def, GenericStore<HasMetadata> store, String ns, String name,
      JsonNode scale, boolean dryRun) {
    String rv = scale.path("metadata").path("resourceVersion").asText(null);
    return setReplicas(def, store, ns, name, rv, replicasOf(scale, name), dryRun);
  }

  static HasMetadata patch(ResourceDefinition def, GenericStore<HasMetadata> store, String ns, String name,
      JsonNode patch, String contentType, Patcher patcher, boolean dryRun) {
    return store.guaranteedUpdate(ns, name, null, null, dryRun, current -> {
      ObjectNode patched = patcher.apply(toScale(def, current), patch, contentType, null);
      int replicas = replicasOf(patched, name);
      return withReplicas(def, current, replicas);
    });
  }

  private static HasMetadata setReplicas(ResourceDefinition def, GenericStore<HasMetadata> store, String ns,
      String name, String rv, int replicas, boolean dryRun) {
    return store.guaranteedUpdate(ns, name, rv, null, dryRun, current -> withReplicas(def, current, replicas));
  }

  private static HasMetadata withReplicas(ResourceDefinition def, HasMetadata current, int replicas) {
    ObjectNode tree = Json.tree(current);
    ScalePaths.set(tree, ScalePaths.of(def).specReplicas(), replicas);
    return Json.convert(tree, def.type());
  }

  private static int replicasOf(JsonNode scale, String name) {
    JsonNode r = scale.path("spec").path("replicas");
    if (!r.isMissingNode() && !r.isNull() && (!r.isIntegralNumber() || r.asInt() < 0)) {
      List<FieldError> errors = new ArrayList<>();
      errors.add(FieldError.invalid("spec.replicas", r.isIntegralNumber() ? r.asInt() : r.toString(),
          "must be greater than or equal to 0"));
      throw ApiException.invalid("autoscaling", "Scale", name, errors);
    }
    return r.asInt(0);
  }

  /** A selector in the string form {@code a=b,c in (d)}, from a LabelSelector or an RC's plain map. */
  static String selectorString(JsonNode selector) {
    if (selector == null || selector.isMissingNode() || selector.isNull()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    JsonNode labels = selector.has("matchLabels") || selector.has("matchExpressions")
        ? selector.path("matchLabels") : selector;
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) labels::fields) {
      parts.add(e.getKey() + "=" + e.getValue().asText());
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asText();
      List<String> values = new ArrayList<>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      switch (expr.path("operator").asText()) {
        case "In" -> parts.add(key + " in (" + String.join(",", values) + ")");
        case "NotIn" -> parts.add(key + " notin (" + String.join(",", values) + ")");
        case "Exists" -> parts.add(key);
        case "DoesNotExist" -> parts.add("!" + key);
        default -> { }
      }
    }
    return String.join(",", parts);
  }
}

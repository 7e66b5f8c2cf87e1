package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.crd.ServedVersions;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.Arrays;
import java.util.List;

/**
 * Where an object keeps what its Scale shows, as field paths: built-in kinds use {@code spec.replicas},
 * {@code status.replicas} and the structured {@code spec.selector} (a null {@code labelSelector}); custom resources
 * use their CRD's {@code specReplicasPath}, {@code statusReplicasPath} and {@code labelSelectorPath} (a selector
 * already in string form).
 */
record ScalePaths(List<String> specReplicas, List<String> statusReplicas, List<String> labelSelector) {
  private static final ScalePaths BUILT_IN =
      new ScalePaths(List.of("spec", "replicas"), List.of("status", "replicas"), null);

  static ScalePaths of(ResourceDefinition def) {
    return ServedVersions.scale(def)
        .map(s -> new ScalePaths(parse(s.getSpecReplicasPath()), parse(s.getStatusReplicasPath()),
            s.getLabelSelectorPath() == null ? List.of() : parse(s.getLabelSelectorPath())))
        .orElse(BUILT_IN);
  }

  /** {@code .spec.replicas} → [spec, replicas] (the CRD API only allows such simple dotted paths). */
  static List<String> parse(String path) {
    if (path == null || path.isBlank()) {
      return List.of();
    }
    String p = path.startsWith(".") ? path.substring(1) : path;
    return Arrays.stream(p.split("\\.")).filter(s -> !s.isEmpty()).toList();
  }

  static JsonNode get(JsonNode tree, List<String> path) {
    if (path.isEmpty()) {
      return MissingNode.getInstance();
    }
    JsonNode n = tree;
    for (String segment : path) {
      n = n.path(segment);
    }
    return n;
  }

  /** Sets an integer at {@code path}, creating the objects on the way. */
  static void set(ObjectNode tree, List<String> path, int value) {
    ObjectNode n = tree;
    for (String segment : path.subList(0, path.size() - 1)) {
      JsonNode child = n.get(segment);
      n = child instanceof ObjectNode o ? o : n.putObject(segment);
    }
    n.put(path.get(path.size() - 1), value);
  }
}

package io.quarkube.scheduler.framework.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A resource a scoring strategy looks at, with its weight. */
public record ResourceSpec(String name, long weight) {
  public static final List<ResourceSpec> DEFAULT = List.of(new ResourceSpec("cpu", 1), new ResourceSpec("memory", 1));

  static List<ResourceSpec> parse(JsonNode arr, List<ResourceSpec> dflt) {
    if (arr == null || !arr.isArray() || arr.isEmpty()) {
      return dflt;
    }
    List<ResourceSpec> out = new ArrayList<>();
    for (JsonNode r : arr) {
      String name = r.path("name").asText("");
      long w = r.path("weight").asLong(1);
      if (name.isEmpty() || w < 1 || w > 100) {
        throw new IllegalArgumentException("scoring resource " + r + ": a name and a weight in [1, 100] are needed");
      }
      out.add(new ResourceSpec(name, w));
    }
    return List.copyOf(out);
  }
}

package io.quarkube.apiserver.registry.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.util.Iterator;
import java.util.Map;

/**
 * events.k8s.io/v1 Events ↔ core/v1 Events, after upstream's {@code pkg/apis/events/v1/conversion.go}: both are one
 * object (stored as core v1 under {@code /registry/events/}); events.k8s.io renames {@code involvedObject} to
 * {@code regarding}, {@code message} to {@code note}, {@code reportingComponent} to {@code reportingController} and
 * keeps the legacy {@code source}, {@code firstTimestamp}, {@code lastTimestamp} and {@code count} as
 * {@code deprecated*}. Metadata, {@code eventTime}, {@code series}, {@code action}, {@code reason}, {@code type},
 * {@code related} and {@code reportingInstance} carry over as they are.
 */
public final class EventConversion {
  /** core/v1 name → events.k8s.io/v1 name of the fields that differ. */
  private static final Map<String, String> TO_V1 = Map.of(
      "involvedObject", "regarding",
      "message", "note",
      "reportingComponent", "reportingController",
      "source", "deprecatedSource",
      "firstTimestamp", "deprecatedFirstTimestamp",
      "lastTimestamp", "deprecatedLastTimestamp",
      "count", "deprecatedCount");
  private static final Map<String, String> TO_CORE = Map.of(
      "regarding", "involvedObject",
      "note", "message",
      "reportingController", "reportingComponent",
      "deprecatedSource", "source",
      "deprecatedFirstTimestamp", "firstTimestamp",
      "deprecatedLastTimestamp", "lastTimestamp",
      "deprecatedCount", "count");

  private EventConversion() {}

  public static io.fabric8.kubernetes.api.model.events.v1.Event toV1(io.fabric8.kubernetes.api.model.Event core) {
    ObjectNode out = rename(Json.tree(core), TO_V1, "events.k8s.io/v1");
    // core/v1 ObjectReferences carry nothing events.k8s.io lacks; a core count of 0 is no count (omitempty upstream)
    if (out.path("deprecatedCount").asLong(0) == 0) {
      out.remove("deprecatedCount");
    }
    return Json.convert(out, io.fabric8.kubernetes.api.model.events.v1.Event.class);
  }

  public static io.fabric8.kubernetes.api.model.Event toCore(io.fabric8.kubernetes.api.model.events.v1.Event v1) {
    ObjectNode out = rename(Json.tree(v1), TO_CORE, "v1");
    // fields upstream's core/v1 Event always writes (no omitempty)
    if (!out.has("involvedObject")) {
      out.putObject("involvedObject");
    }
    if (!out.has("reportingComponent")) {
      out.put("reportingComponent", "");
    }
    if (!out.has("reportingInstance")) {
      out.put("reportingInstance", "");
    }
    return Json.convert(out, io.fabric8.kubernetes.api.model.Event.class);
  }

  private static ObjectNode rename(ObjectNode in, Map<String, String> names, String apiVersion) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("apiVersion", apiVersion);
    out.put("kind", "Event");
    for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("apiVersion") || f.getKey().equals("kind") || f.getValue().isNull()) {
        continue;
      }
      out.set(names.getOrDefault(f.getKey(), f.getKey()), f.getValue());
    }
    if (out.get("series") instanceof ObjectNode series) {
      // core's deprecated series.state is in neither version upstream serves now
      series.remove("state");
    }
    return out;
  }
}

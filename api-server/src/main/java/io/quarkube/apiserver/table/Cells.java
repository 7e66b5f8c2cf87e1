package io.quarkube.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reading objects as JSON trees and formatting the pieces the printers share, the way upstream's printers format
 * them. Trees rather than typed models: a table must render whatever is stored, and a missing field is just empty.
 */
final class Cells {
  private Cells() {}

  /** The node at a path, a missing node if any step is absent. */
  static JsonNode at(JsonNode n, String... path) {
    JsonNode cur = n;
    for (String p : path) {
      cur = cur.path(p);
    }
    return cur;
  }

  /** The text at a path, "" when absent (Go's zero value). */
  static String text(JsonNode n, String... path) {
    JsonNode v = at(n, path);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }

  /** The integer at a path, 0 when absent. */
  static long number(JsonNode n, String... path) {
    return at(n, path).asLong(0);
  }

  static boolean present(JsonNode n, String... path) {
    JsonNode v = at(n, path);
    return !v.isMissingNode() && !v.isNull();
  }

  static String name(JsonNode obj) {
    return text(obj, "metadata", "name");
  }

  /** A timestamp field, or null when absent or unreadable (Go's zero time). */
  static Instant time(JsonNode n) {
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(n.asText()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Upstream's {@code translateTimestampSince}: the age of a timestamp, {@code <unknown>} when unset. */
  static String since(JsonNode timestamp, Instant now) {
    Instant t = time(timestamp);
    return t == null ? "<unknown>" : HumanDuration.format(Duration.between(t, now));
  }

  /** The AGE cell. */
  static String age(JsonNode obj, Instant now) {
    return since(at(obj, "metadata", "creationTimestamp"), now);
  }

  /** Upstream's {@code labels.FormatLabels}: {@code k=v} pairs sorted by key, {@code <none>} when empty. */
  static String formatLabels(JsonNode map) {
    String s = labelString(map);
    return s.isEmpty() ? "<none>" : s;
  }

  static String labelString(JsonNode map) {
    Map<String, String> sorted = new TreeMap<>();
    map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /** Upstream's {@code metav1.FormatLabelSelector}: the selector string, {@code <none>} when it selects all. */
  static String formatLabelSelector(JsonNode selector) {
    String s = selectorString(selector);
    return s.isEmpty() ? "<none>" : s;
  }

  /**
   * A {@code LabelSelector} as upstream's {@code labels.Selector.String()}: one requirement per label and
   * expression, sorted by key, {@code k=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}.
   */
  static String selectorString(JsonNode selector) {
    if (selector == null || !selector.isObject()) {
      return "";
    }
    List<String[]> reqs = new ArrayList<>();
    selector.path("matchLabels").fields()
        .forEachRemaining(e -> reqs.add(new String[] {e.getKey(), e.getKey() + "=" + e.getValue().asText()}));
    for (JsonNode e : selector.path("matchExpressions")) {
      String key = e.path("key").asText();
      List<String> values = new ArrayList<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      values.sort(Comparator.naturalOrder());
      String joined = String.join(",", values);
      String req = switch (e.path("operator").asText()) {
        case "In" -> key + " in (" + joined + ")";
        case "NotIn" -> key + " notin (" + joined + ")";
        case "Exists" -> key;
        case "DoesNotExist" -> "!" + key;
        default -> key + " " + e.path("operator").asText() + " (" + joined + ")";
      };
      reqs.add(new String[] {key, req});
    }
    reqs.sort(Comparator.comparing(r -> r[0]));
    List<String> out = new ArrayList<>();
    reqs.forEach(r -> out.add(r[1]));
    return String.join(",", out);
  }

  /** Upstream's {@code layoutContainerCells}: the containers' names and images, comma-separated. */
  static List<String> containerCells(JsonNode containers) {
    List<String> names = new ArrayList<>();
    List<String> images = new ArrayList<>();
    for (JsonNode c : containers) {
      names.add(c.path("name").asText());
      images.add(c.path("image").asText());
    }
    return List.of(String.join(",", names), String.join(",", images));
  }

  /** Upstream's {@code printBoolPtr}. */
  static String boolPtr(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return "<unset>";
    }
    return v.asBoolean() ? "True" : "False";
  }

  /** An {@code IntOrString} as upstream prints it. */
  static String intOrString(JsonNode v) {
    return v.isNumber() ? Long.toString(v.asLong()) : v.asText();
  }

  /** The number of entries of a map or list field, 0 when absent. */
  static long size(JsonNode n) {
    return n.isContainerNode() ? n.size() : 0;
  }

  /** Upstream's list cells beyond three entries: {@code a,b,c + 2 more...}; {@code <unset>} when empty. */
  static String listWithMore(List<String> all, int max) {
    String ret = String.join(",", all.subList(0, Math.min(max, all.size())));
    if (all.size() > max) {
      return ret + " + " + (all.size() - max) + " more...";
    }
    return ret.isEmpty() ? "<unset>" : ret;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      out.add(it.next().asText());
    }
    return out;
  }
}

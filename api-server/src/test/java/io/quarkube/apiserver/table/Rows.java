package io.quarkube.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Renders one object through the public converter and reads back its header and cells. */
final class Rows {
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  /** Five minutes before {@link #NOW}. */
  static final String FIVE_MINUTES_AGO = "2024-05-01T11:55:00Z";

  private static final ResourceCatalog CATALOG = ResourceCatalog.builtIn();
  private static final TableConverter CONVERTER = new TableConverter();

  private Rows() {}

  static ResourceDefinition def(String group, String resource) {
    return CATALOG.all().stream().filter(d -> d.group().equals(group) && d.resource().equals(resource))
        .findFirst().orElseThrow();
  }

  /** Parses JSON written with single quotes, adding a name and a creation time five minutes ago if absent. */
  static ObjectNode object(String singleQuotedJson) {
    try {
      ObjectNode o = (ObjectNode) Json.MAPPER.readTree(singleQuotedJson.replace('\'', '"'));
      ObjectNode meta = o.has("metadata") ? (ObjectNode) o.get("metadata") : o.putObject("metadata");
      if (!meta.has("name")) {
        meta.put("name", "x");
      }
      if (!meta.has("creationTimestamp")) {
        meta.put("creationTimestamp", FIVE_MINUTES_AGO);
      }
      return o;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode table(String group, String resource, String singleQuotedJson) {
    return CONVERTER.toTable(def(group, resource), List.of(object(singleQuotedJson)), "7", null, null, NOW);
  }

  /** The cells of the single row, as compact JSON: {@code ["x","1/1","Running","0","5m",...]}. */
  static String cells(String group, String resource, String singleQuotedJson) {
    return table(group, resource, singleQuotedJson).at("/rows/0/cells").toString().replace('"', '\'');
  }

  /** The column names, wide ones marked with a trailing {@code *}. */
  static List<String> header(String group, String resource) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : table(group, resource, "{}").path("columnDefinitions")) {
      out.add(c.path("name").asText() + (c.path("priority").asInt() > 0 ? "*" : ""));
    }
    return out;
  }
}

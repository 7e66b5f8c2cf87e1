package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A CRD version's {@code openAPIV3Schema} as upstream publishes it: only what a structural schema holds (upstream
 * publishes its structural form, so {@code example} or {@code externalDocs} a CRD carries are not published), and
 * for Swagger 2.0 degraded as upstream's {@code ToStructuralOpenAPIV2} degrades it, because kubectl reads v2 schemas
 * as closed: no junctors ({@code allOf}, {@code oneOf}, {@code anyOf}, {@code not}: v2 cannot say them), a
 * {@code nullable} or unknown-field-keeping node loses its type and its properties/items, an array without items its
 * type, and a nullable property is no longer required.
 */
final class PublishedCrdSchema {
  /** The keywords of a structural schema (upstream's Generic, ValueValidation and Extensions). */
  private static final Set<String> STRUCTURAL = Set.of("description", "type", "title", "default", "nullable",
      "format", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
      "maxItems", "minItems", "uniqueItems", "multipleOf", "enum", "maxProperties", "minProperties", "required",
      "allOf", "oneOf", "anyOf", "not", "properties", "items", "additionalProperties",
      "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string",
      "x-kubernetes-list-map-keys", "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations");
  private static final Set<String> JUNCTORS = Set.of("allOf", "oneOf", "anyOf", "not");
  static final String PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields";

  private PublishedCrdSchema() {}

  /** The structural keywords of a schema node and of all nodes below it (junctors keep their own content). */
  static ObjectNode structural(JsonNode in) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    in.fields().forEachRemaining(e -> {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (!STRUCTURAL.contains(key)) {
        return;
      }
      switch (key) {
        case "properties" -> {
          ObjectNode props = out.putObject(key);
          value.fields().forEachRemaining(p -> props.set(p.getKey(), structural(p.getValue())));
        }
        case "items", "additionalProperties" -> out.set(key, value.isObject() ? structural(value) : value.deepCopy());
        default -> out.set(key, value.deepCopy());
      }
    });
    return out;
  }

  /** Whether the schema's root keeps unknown fields: its v2 definition is then a bare object. */
  static boolean preservesUnknownFields(JsonNode schema) {
    return schema.path(PRESERVE_UNKNOWN).asBoolean(false);
  }

  /** A structural schema (as {@link #structural} makes it) degraded for Swagger 2.0, in place. */
  static ObjectNode toV2(ObjectNode s) {
    JUNCTORS.forEach(s::remove);
    boolean nullable = s.path("nullable").asBoolean(false);
    s.remove("nullable");
    if (nullable) {
      s.remove("type");
      s.remove("items");
      s.remove("properties");
    }
    boolean preserve = preservesUnknownFields(s);
    if (preserve) {
      s.remove("items");
      s.remove("properties");
    }
    if (!s.has("items") && s.path("type").asText().equals("array")) {
      s.remove("type");
    }
    if (preserve && s.path("type").asText().equals("object")) {
      s.remove("type");
    }
    if (s.get("properties") instanceof ObjectNode props) {
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        if (p.getValue().path("nullable").asBoolean(false)) {
          notRequired(s, p.getKey());
        }
        toV2((ObjectNode) p.getValue());
      }
    }
    if (s.get("additionalProperties") instanceof ObjectNode additional) {
      if (additional.path("nullable").asBoolean(false)) {
        s.remove("required");
      }
      toV2(additional);
    }
    if (s.get("items") instanceof ObjectNode items) {
      toV2(items);
    }
    return s;
  }

  private static void notRequired(ObjectNode s, String field) {
    if (s.get("required") instanceof ArrayNode required) {
      ArrayNode kept = Json.MAPPER.createArrayNode();
      required.forEach(r -> {
        if (!r.asText().equals(field)) {
          kept.add(r);
        }
      });
      if (kept.isEmpty()) {
        s.remove("required");
      } else {
        s.set("required", kept);
      }
    }
  }
}

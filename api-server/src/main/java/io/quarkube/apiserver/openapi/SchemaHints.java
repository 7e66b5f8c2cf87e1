package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What reflection over Fabric8's classes cannot see: which fields are required, the strategic-merge-patch keys and
 * list types of list fields ({@code containers} merge by {@code name}), and descriptions. Kept as data in
 * {@code openapi/schema-hints.json}: per schema name, hints for the type and for its properties, plus hints for
 * property names shared by every type ({@code metadata}, {@code spec}, ...).
 */
final class SchemaHints {
  private static final String RESOURCE = "/openapi/schema-hints.json";

  private final JsonNode types;
  private final JsonNode commonFields;

  private SchemaHints(JsonNode root) {
    this.types = root.path("types");
    this.commonFields = root.path("fields");
  }

  static SchemaHints load() {
    try (InputStream in = SchemaHints.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return new SchemaHints(Json.MAPPER.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** The type's own hints ({@code description}, {@code required}); an empty object when there are none. */
  ObjectNode type(String schemaName) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    types.path(schemaName).fields().forEachRemaining(e -> {
      if (!e.getKey().equals("properties")) {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    return out;
  }

  /** The hints for one property: those shared by the name, overridden by the type's own. */
  ObjectNode property(String schemaName, String property) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    JsonNode common = commonFields.path(property);
    if (common.isObject()) {
      out.setAll((ObjectNode) common.deepCopy());
    }
    JsonNode own = types.path(schemaName).path("properties").path(property);
    if (own.isObject()) {
      out.setAll((ObjectNode) own.deepCopy());
    }
    return out;
  }
}

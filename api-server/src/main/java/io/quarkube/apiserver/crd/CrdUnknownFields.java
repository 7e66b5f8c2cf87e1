package io.quarkube.apiserver.crd;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrArray;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrBool;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrStringArray;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.validation.UnknownFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The unknown fields of a CustomResourceDefinition body. The generic walk over Fabric8's bean properties cannot read
 * a schema: {@code items}, {@code additionalProperties}, {@code additionalItems} and {@code dependencies} are unions
 * (a schema, or an array of schemas, a boolean, a string list) that Fabric8 models as beans with serializers of their
 * own, whose bean properties ({@code JSONSchemas}, {@code Schema}) are not their JSON. So the schemas are walked here
 * by their JSON shape, and the rest of the CRD by the generic walk.
 *
 * <p>Upstream's strict decoder reports unknown fields of the schema objects it decodes itself, but the unions decode
 * themselves (their own UnmarshalJSON, not strict), so below a union unknown fields are dropped without a report.
 */
final class CrdUnknownFields {
  private static final Set<Class<?>> UNIONS =
      Set.of(JSONSchemaPropsOrArray.class, JSONSchemaPropsOrBool.class, JSONSchemaPropsOrStringArray.class);
  private static final Map<String, JavaType> SCHEMA_FIELDS = schemaFields();

  private CrdUnknownFields() {}

  /** Removes unknown fields from a CRD body and returns the paths of those upstream reports. */
  static List<String> prune(ObjectNode crd) {
    // The schemas are taken out for the generic walk, which would drop the unions' contents, and put back after
    // (by identity: the holders' contents change when the walk drops a field of theirs).
    Map<JsonNode, ObjectNode> schemas = new IdentityHashMap<>();
    JsonNode versions = crd.path("spec").path("versions");
    for (JsonNode v : versions) {
      if (v.path("schema").path("openAPIV3Schema").isObject()) {
        ObjectNode holder = (ObjectNode) v.get("schema");
        schemas.put(holder, (ObjectNode) holder.remove("openAPIV3Schema"));
      }
    }
    List<String> unknown = new ArrayList<>(UnknownFields.prune(crd, CustomResourceDefinition.class));
    for (int i = 0; i < versions.size(); i++) {
      JsonNode holder = versions.get(i).path("schema");
      ObjectNode schema = schemas.get(holder);
      if (schema != null) {
        pruneSchema(schema, "spec.versions[" + i + "].schema.openAPIV3Schema", unknown, true);
        ((ObjectNode) holder).set("openAPIV3Schema", schema);
      }
    }
    return unknown;
  }

  /** Removes the unknown fields of one JSONSchemaProps object, adding their paths when {@code report}. */
  static void pruneSchema(ObjectNode schema, String path, List<String> unknown, boolean report) {
    List<String> drop = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String childPath = path + "." + e.getKey();
      JavaType type = SCHEMA_FIELDS.get(e.getKey());
      if (type == null) {
        drop.add(e.getKey());
        if (report) {
          unknown.add(childPath);
        }
      } else {
        field(e.getValue(), type, childPath, unknown, report);
      }
    }
    drop.forEach(schema::remove);
  }

  private static void field(JsonNode value, JavaType type, String path, List<String> unknown, boolean report) {
    Class<?> raw = type.getRawClass();
    if (raw == JSONSchemaProps.class) {
      if (value.isObject()) {
        pruneSchema((ObjectNode) value, path, unknown, report);
      }
    } else if (UNIONS.contains(raw)) {
      // a schema object, or an array of them (items); booleans and string lists have no fields
      if (value.isObject()) {
        pruneSchema((ObjectNode) value, path, unknown, false);
      } else if (value.isArray()) {
        for (JsonNode element : value) {
          if (element.isObject()) {
            pruneSchema((ObjectNode) element, path, unknown, false);
          }
        }
      }
    } else if (type.isMapLikeType() && value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        field(e.getValue(), type.getContentType(), path + "[" + e.getKey() + "]", unknown, report);
      }
    } else if (type.isCollectionLikeType() && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        field(value.get(i), type.getContentType(), path + "[" + i + "]", unknown, report);
      }
    } else if (value.isObject()) {
      // the other beans of a schema (externalDocs, x-kubernetes-validations' rules) are plain
      for (String f : UnknownFields.prune((ObjectNode) value, raw)) {
        if (report) {
          unknown.add(path + "." + f);
        }
      }
    }
  }

  /** JSONSchemaProps' JSON field names and their types, as Jackson reads them. */
  private static Map<String, JavaType> schemaFields() {
    Map<String, JavaType> out = new HashMap<>();
    JavaType type = Json.MAPPER.constructType(JSONSchemaProps.class);
    for (BeanPropertyDefinition p : Json.MAPPER.getDeserializationConfig().introspect(type).findProperties()) {
      if (p.couldDeserialize()) {
        out.put(p.getName(), p.getPrimaryType());
      }
    }
    return Map.copyOf(out);
  }
}

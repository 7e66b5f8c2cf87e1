package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.util.Map;

/**
 * Schemas of the types whose JSON form is not their Java shape: Fabric8 models a Quantity or a Time as an object
 * with a field, but on the wire they are strings, and explain shows them as such.
 */
final class FixedSchemas {
  private static final Map<String, String> SCHEMAS = Map.of(
      SchemaNames.TIME,
      "{\"description\":\"Time is an RFC 3339 date and time, in seconds, e.g. 2024-05-01T12:00:00Z.\","
          + "\"type\":\"string\",\"format\":\"date-time\"}",
      SchemaNames.MICRO_TIME,
      "{\"description\":\"MicroTime is an RFC 3339 date and time with microseconds.\","
          + "\"type\":\"string\",\"format\":\"date-time\"}",
      SchemaNames.META + "Duration",
      "{\"description\":\"A duration as Go writes it, e.g. 1h30m.\",\"type\":\"string\"}",
      SchemaNames.QUANTITY,
      "{\"description\":\"Quantity is a fixed-point number with a suffix, e.g. 100m, 1.5, 128Mi, 1G; written as a"
          + " string or a number.\",\"oneOf\":[{\"type\":\"string\"},{\"type\":\"number\"}]}",
      SchemaNames.INT_OR_STRING,
      "{\"description\":\"IntOrString holds an int32 or a string, e.g. a port number or a port name, or 25%.\","
          + "\"format\":\"int-or-string\",\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}",
      SchemaNames.RAW_EXTENSION,
      "{\"description\":\"An embedded object of any kind, as JSON.\",\"type\":\"object\"}",
      SchemaNames.META + "FieldsV1",
      "{\"description\":\"FieldsV1 is the set of fields a manager owns, in the server-side apply format.\","
          + "\"type\":\"object\"}",
      SchemaNames.META + "Patch",
      "{\"description\":\"A patch in one of the patch formats: JSON patch, merge patch, strategic merge patch or"
          + " apply configuration.\",\"type\":\"object\"}",
      SchemaNames.META + "WatchEvent",
      "{\"description\":\"One event of a watch stream.\",\"type\":\"object\",\"required\":[\"type\",\"object\"],"
          + "\"properties\":{\"type\":{\"description\":\"ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.\","
          + "\"type\":\"string\"},\"object\":{\"allOf\":[{\"$ref\":\"#/components/schemas/"
          + SchemaNames.RAW_EXTENSION + "\"}],\"description\":\"The object the event is about, or a Status for"
          + " ERROR.\"}}}");

  /**
   * The JSON Schema unions of CRD schemas, described as upstream describes them and, as upstream, without a type:
   * Fabric8's beans for them ({@code JSONSchemas}, {@code Schema}) are not their JSON, and explain shows their names.
   */
  private static final Map<String, String> CRD_SCHEMAS = Map.of(
      SchemaNames.APIEXTENSIONS_V1 + "JSONSchemaPropsOrArray",
      "{\"description\":\"JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array"
          + " of JSONSchemaProps. Mainly here for serialization purposes.\"}",
      SchemaNames.APIEXTENSIONS_V1 + "JSONSchemaPropsOrBool",
      "{\"description\":\"JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value. Defaults to true for"
          + " the boolean property.\"}",
      SchemaNames.APIEXTENSIONS_V1 + "JSONSchemaPropsOrStringArray",
      "{\"description\":\"JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array.\"}",
      SchemaNames.APIEXTENSIONS_V1 + "JSON",
      "{\"description\":\"JSON represents any valid JSON value. These types are supported: bool, int64, float64,"
          + " string, []interface{}, map[string]interface{} and nil.\"}");

  private FixedSchemas() {}

  /** A fresh copy of the fixed schema with this name, or null if the name has none. */
  static ObjectNode get(String name) {
    String json = SCHEMAS.getOrDefault(name, CRD_SCHEMAS.get(name));
    if (json == null) {
      return null;
    }
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("bad fixed schema " + name, e);
    }
  }
}

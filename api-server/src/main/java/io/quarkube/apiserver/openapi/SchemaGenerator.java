package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * OpenAPI v3 component schemas made by reflection over Fabric8's model classes: each {@code @JsonProperty} field is a
 * property, typed from the Java field ({@code List} is an array, {@code Map} an object with additionalProperties,
 * model classes are {@code $ref}s to their own schemas), with {@link SchemaHints} for what the classes do not say.
 * One generator collects the schemas of one document.
 */
final class SchemaGenerator {
  private static final String REF_PREFIX = "#/components/schemas/";

  /** Fabric8 keeps {@code metav1.Time} fields as plain strings; these are their names. */
  private static final Set<String> TIME_FIELDS = Set.of(
      "completionTime", "creationTimestamp", "deletionTimestamp", "deprecatedFirstTimestamp",
      "deprecatedLastTimestamp", "expirationTimestamp", "finishedAt", "firstTimestamp", "lastHeartbeatTime",
      "lastPhaseTransitionTime", "lastProbeTime", "lastScheduleTime", "lastSuccessfulTime", "lastTimestamp",
      "lastTransitionTime", "lastUpdateTime", "startTime", "startedAt", "time", "timeAdded");

  private final SchemaHints hints;
  private final Map<String, ObjectNode> schemas = new TreeMap<>();

  SchemaGenerator(SchemaHints hints) {
    this.hints = hints;
  }

  /** The collected schemas, by name. */
  Map<String, ObjectNode> schemas() {
    return schemas;
  }

  /** Adds the schema of a model class and of everything it references; returns its name. */
  String add(Class<?> type) {
    String name = SchemaNames.of(type);
    if (schemas.containsKey(name)) {
      return name;
    }
    ObjectNode fixed = FixedSchemas.get(name);
    if (fixed != null) {
      schemas.put(name, fixed);
      if (fixed.toString().contains(SchemaNames.RAW_EXTENSION)) {
        schemas.putIfAbsent(SchemaNames.RAW_EXTENSION, FixedSchemas.get(SchemaNames.RAW_EXTENSION));
      }
      return name;
    }
    ObjectNode schema = Json.MAPPER.createObjectNode();
    // registered before the fields so that recursive types (JSONSchemaProps-like) end
    schemas.put(name, schema);
    schema.put("description", type.getSimpleName() + " of the Kubernetes API.");
    schema.put("type", "object");
    ObjectNode properties = Json.MAPPER.createObjectNode();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        String property = propertyName(f);
        if (property != null && !properties.has(property)) {
          properties.set(property, property(name, type.getSimpleName(), property, f));
        }
      }
    }
    schema.set("properties", sorted(properties));
    schema.setAll(hints.type(name));
    return name;
  }

  /** Adds a schema that no model class describes (a custom resource's), replacing one of the same name. */
  void put(String name, ObjectNode schema) {
    schemas.put(name, schema);
  }

  /** A reference to a named schema. */
  static ObjectNode ref(String name) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("$ref", REF_PREFIX + name);
    return n;
  }

  /** Sets the kinds a schema stands for, by which kubectl explain finds a resource's schema. */
  void setKinds(String name, ArrayNode gvks) {
    ObjectNode s = schemas.get(name);
    if (s != null) {
      s.set("x-kubernetes-group-version-kind", gvks);
    }
  }

  private ObjectNode property(String schemaName, String simpleName, String property, Field f) {
    ObjectNode s = typeSchema(property, f.getGenericType());
    ObjectNode hint = hints.property(schemaName, property);
    String description = hint.has("description") ? hint.get("description").asText()
        : "The " + words(property) + " of this " + simpleName + ".";
    if (s.has("$ref")) {
      // OpenAPI 3.0 ignores siblings of $ref, so upstream wraps a described reference in allOf.
      ObjectNode wrapped = Json.MAPPER.createObjectNode();
      wrapped.putArray("allOf").add(s);
      s = wrapped;
    }
    s.put("description", description);
    s.setAll(hint);
    return s;
  }

  private ObjectNode typeSchema(String property, Type t) {
    if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) {
        ObjectNode a = Json.MAPPER.createObjectNode();
        a.put("type", "array");
        a.set("items", typeSchema(null, args[0]));
        return a;
      }
      if (Map.class.isAssignableFrom(raw)) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("type", "object");
        m.set("additionalProperties", typeSchema(null, args[1]));
        return m;
      }
      return typeSchema(property, raw);
    }
    if (!(t instanceof Class<?> c)) {
      return object();
    }
    if (c == String.class) {
      return property != null && TIME_FIELDS.contains(property) ? fixedRef(SchemaNames.TIME)
          : primitive("string", null);
    } else if (c == Integer.class || c == int.class || c == Short.class) {
      return primitive("integer", "int32");
    } else if (c == Long.class || c == long.class) {
      return primitive("integer", "int64");
    } else if (c == Boolean.class || c == boolean.class) {
      return primitive("boolean", null);
    } else if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
      return primitive("number", "double");
    } else if (c == byte[].class) {
      return primitive("string", "byte");
    } else if (c == ZonedDateTime.class || c == OffsetDateTime.class) {
      // Fabric8 decodes MicroTime fields (lease renewals, event times) into java.time.
      return ref(add(io.fabric8.kubernetes.api.model.MicroTime.class));
    } else if (c == Duration.class) {
      return ref(add(io.fabric8.kubernetes.api.model.Duration.class));
    } else if (c.isEnum()) {
      return primitive("string", null);
    } else if (c == JsonNode.class) {
      // JSONSchemaProps' default, enum and example: any JSON value
      return fixedRef(SchemaNames.APIEXTENSIONS_V1 + "JSON");
    } else if (c == Object.class || c.isInterface() || c.getSimpleName().equals("AnyType")) {
      // runtime.RawExtension and other free-form JSON
      return fixedRef(SchemaNames.RAW_EXTENSION);
    } else if (SchemaNames.isModel(c)) {
      return ref(add(c));
    }
    return object();
  }

  /** A reference to a schema that has no Fabric8 class, adding the schema. */
  private ObjectNode fixedRef(String name) {
    schemas.computeIfAbsent(name, FixedSchemas::get);
    return ref(name);
  }

  private static String propertyName(Field f) {
    if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.isAnnotationPresent(JsonIgnore.class)) {
      return null;
    }
    JsonProperty p = f.getAnnotation(JsonProperty.class);
    if (p == null) {
      return null;
    }
    return p.value().isEmpty() ? f.getName() : p.value();
  }

  private static ObjectNode primitive(String type, String format) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("type", type);
    if (format != null) {
      n.put("format", format);
    }
    return n;
  }

  private static ObjectNode object() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("type", "object");
    return n;
  }

  private static ObjectNode sorted(ObjectNode properties) {
    TreeMap<String, JsonNode> byName = new TreeMap<>();
    properties.fields().forEachRemaining(e -> byName.put(e.getKey(), e.getValue()));
    ObjectNode out = Json.MAPPER.createObjectNode();
    byName.forEach(out::set);
    return out;
  }

  /** {@code nodeName} as "node name", for the generic descriptions. */
  private static String words(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
  }
}

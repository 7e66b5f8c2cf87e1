package io.quarkube.apiserver.validation;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.apiserver.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds and removes the fields of a request body that the kind's model does not have, as upstream's decoder drops
 * them (and reports them for {@code fieldValidation=Strict|Warn}). The model is the Fabric8 class, read through
 * Jackson's own view of its properties, so names match the JSON exactly.
 */
public final class UnknownFields {
  /** Types whose JSON is not an object with fixed properties: anything goes below them. */
  private static final Set<Class<?>> OPAQUE = Set.of(Object.class, JsonNode.class, Quantity.class,
      IntOrString.class, String.class, Map.class);
  private static final Map<JavaType, Map<String, JavaType>> PROPERTIES = new ConcurrentHashMap<>();

  private UnknownFields() {}

  /** Removes unknown fields from {@code body} (an object of {@code type}) and returns their paths. */
  public static List<String> prune(ObjectNode body, Class<?> type) {
    List<String> unknown = new ArrayList<>();
    walk(body, Json.MAPPER.constructType(type), "", unknown, true);
    return unknown;
  }

  private static void walk(JsonNode node, JavaType type, String path, List<String> unknown, boolean root) {
    if (node == null || node.isNull()) {
      return;
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          walk(node.get(i), type.getContentType(), path + "[" + i + "]", unknown, false);
        }
      }
      return;
    }
    if (type.isMapLikeType()) {
      if (node.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          walk(e.getValue(), type.getContentType(), path + "[" + e.getKey() + "]", unknown, false);
        }
      }
      return;
    }
    if (!node.isObject() || isOpaque(type)) {
      return;
    }
    Map<String, JavaType> props = properties(type);
    if (props.isEmpty()) {
      return;
    }
    List<String> drop = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JavaType child = props.get(name);
      String childPath = path.isEmpty() ? name : path + "." + name;
      if (child == null) {
        if (!(root && (name.equals("apiVersion") || name.equals("kind")))) {
          drop.add(name);
          unknown.add(childPath);
        }
        continue;
      }
      walk(e.getValue(), child, childPath, unknown, false);
    }
    drop.forEach(((ObjectNode) node)::remove);
  }

  private static boolean isOpaque(JavaType type) {
    Class<?> raw = type.getRawClass();
    return raw.isPrimitive() || raw.isEnum() || OPAQUE.contains(raw) || raw.getPackageName().startsWith("java.");
  }

  private static Map<String, JavaType> properties(JavaType type) {
    return PROPERTIES.computeIfAbsent(type, t -> {
      Map<String, JavaType> out = new HashMap<>();
      for (BeanPropertyDefinition p : Json.MAPPER.getDeserializationConfig().introspect(t).findProperties()) {
        if (p.couldDeserialize()) {
          out.put(p.getName(), p.getPrimaryType());
        }
      }
      return out;
    });
  }
}

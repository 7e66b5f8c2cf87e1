package io.quarkube.apiserver.admission.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON trees as CEL sees unstructured objects upstream: objects are maps, arrays lists, integral numbers int
 * (64-bit), other numbers double, null CEL's {@code null}. Typing stays dynamic, as upstream's for objects without
 * a schema.
 */
public final class CelValues {
  private CelValues() {}

  /** The CEL value of a JSON tree; a missing node is {@code null}. */
  public static Object of(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), of(e.getValue()));
      }
      return Collections.unmodifiableMap(m);
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>(n.size());
      n.forEach(e -> l.add(of(e)));
      return Collections.unmodifiableList(l);
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber()) {
      if (n.canConvertToLong()) {
        return Long.valueOf(n.longValue()); // not a ternary: that would promote the long to double
      }
      return Double.valueOf(n.doubleValue());
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    return n.asText();
  }

  public static boolean isNull(Object v) {
    return v == null || v == NullValue.NULL_VALUE || v instanceof com.google.protobuf.NullValue;
  }

  /** The CEL type name of a result, as upstream's messages print it (int, string, map, ...). */
  public static String typeName(Object v) {
    if (isNull(v)) {
      return "null_type";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof Long || v instanceof Integer) {
      return "int";
    }
    if (v instanceof Double) {
      return "double";
    }
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "map";
    }
    return v.getClass().getSimpleName();
  }
}

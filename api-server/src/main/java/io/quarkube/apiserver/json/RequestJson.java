package io.quarkube.apiserver.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkube.apiserver.errors.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Request bodies decoded into the models with Go's typing, as upstream decodes them: a JSON number or boolean is not
 * a string, a string is not a number or a boolean, and a fraction is not an integer. Jackson converts between them
 * by default, so {@code "value": 5} in an env var or {@code "data": {"k": true}} in a ConfigMap were stored as text
 * where upstream answers 400 ({@code json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value
 * of type string}). Stored objects keep {@link Json#MAPPER}: they were written typed.
 */
public final class RequestJson {
  private static final ObjectMapper STRICT = strict(Json.MAPPER.copy());
  private static final Map<Class<?>, String> GO_TYPES = Map.of(String.class, "string", Integer.class, "int32",
      int.class, "int32", Long.class, "int64", long.class, "int64", Boolean.class, "bool", boolean.class, "bool",
      Double.class, "float64", double.class, "float64");

  private RequestJson() {}

  private static ObjectMapper strict(ObjectMapper mapper) {
    mapper.configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    for (LogicalType scalar : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      mapper.coercionConfigFor(scalar)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    mapper.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    return mapper;
  }

  /** {@code body} as {@code type}, or a 400 with upstream's wording when a value has the wrong JSON type. */
  public static <T> T convert(JsonNode body, Class<T> type, String kind, String version) {
    try {
      return STRICT.treeToValue(body, type);
    } catch (MismatchedInputException e) {
      throw ApiException.badRequest(kind + " in version \"" + version + "\" cannot be handled as a " + kind + ": "
          + goMessage(e, body));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Json.convert(body, type); // fails again, with the usual decoding error
    }
  }

  /**
   * As Go's {@code UnmarshalTypeError}: the innermost struct, the field's JSON path from the top (without indices or
   * map keys) and the field's Go type.
   */
  static String goMessage(MismatchedInputException e, JsonNode body) {
    List<String> fields = new ArrayList<>();
    String struct = null;
    JsonNode node = body;
    for (JsonMappingException.Reference ref : e.getPath()) {
      Object from = ref.getFrom();
      boolean bean = from != null && !(from instanceof Map) && !(from instanceof java.util.Collection);
      if (ref.getFieldName() != null) {
        node = node == null ? null : node.get(ref.getFieldName());
        if (bean) {
          fields.add(ref.getFieldName());
          struct = from instanceof Class<?> c ? c.getSimpleName() : from.getClass().getSimpleName();
        }
      } else if (ref.getIndex() >= 0) {
        node = node == null ? null : node.get(ref.getIndex());
      }
    }
    String value = node == null ? "value" : switch (node.getNodeType()) {
      case NUMBER -> "number";
      case BOOLEAN -> "bool";
      case STRING -> "string";
      case ARRAY -> "array";
      case OBJECT -> "object";
      default -> "value";
    };
    Class<?> target = e.getTargetType();
    String goType = target == null ? "value" : GO_TYPES.getOrDefault(target, target.getSimpleName());
    if (struct == null) {
      return "json: cannot unmarshal " + value + " into Go value of type " + goType;
    }
    return "json: cannot unmarshal " + value + " into Go struct field " + struct + "." + String.join(".", fields)
        + " of type " + goType;
  }
}

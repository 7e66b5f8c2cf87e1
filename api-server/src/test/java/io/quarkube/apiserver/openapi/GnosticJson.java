package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import io.quarkube.apiserver.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * The reverse of {@link GnosticV2}, written independently for the tests: a gnostic {@code openapi.v2} message back to
 * Swagger 2.0 JSON, generically by the messages' shapes (as gnostic's own {@code ToRawInfo} does): named-value lists
 * are JSON objects, single-oneof messages are their one value, {@code vendor_extension} entries are {@code x-} keys
 * and {@code Any} is its YAML text read back.
 */
final class GnosticJson {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> NAMED_LISTS = Set.of("additional_properties", "path", "response_code");

  private GnosticJson() {}

  static JsonNode toJson(Message m) {
    Descriptor d = m.getDescriptorForType();
    switch (d.getName()) {
      case "Any" -> {
        try {
          return YAML.readTree((String) m.getField(d.findFieldByName("yaml")));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case "TypeItem", "StringArray" -> {
        @SuppressWarnings("unchecked")
        List<String> values = (List<String>) m.getField(d.findFieldByName("value"));
        if (d.getName().equals("TypeItem") && values.size() == 1) {
          return TextNode.valueOf(values.get(0));
        }
        ArrayNode a = Json.MAPPER.createArrayNode();
        values.forEach(a::add);
        return a;
      }
      case "ItemsItem" -> {
        @SuppressWarnings("unchecked")
        List<Message> schemas = (List<Message>) m.getField(d.findFieldByName("schema"));
        if (schemas.size() == 1) {
          return toJson(schemas.get(0));
        }
        ArrayNode a = Json.MAPPER.createArrayNode();
        schemas.forEach(s -> a.add(toJson(s)));
        return a;
      }
      default -> {
      }
    }
    List<OneofDescriptor> oneofs = d.getOneofs();
    if (oneofs.size() == 1 && oneofs.get(0).getFieldCount() == d.getFields().size()) {
      FieldDescriptor set = m.getOneofFieldDescriptor(oneofs.get(0));
      if (set == null) {
        throw new AssertionError(d.getName() + " has none of its alternatives set");
      }
      return value(set, m.getField(set));
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    for (FieldDescriptor f : d.getFields()) {
      if (f.isRepeated()) {
        List<?> values = (List<?>) m.getField(f);
        if (values.isEmpty()) {
          continue;
        }
        if (f.getName().equals("vendor_extension") || NAMED_LISTS.contains(f.getName())) {
          for (Object v : values) {
            Message named = (Message) v;
            Descriptor nd = named.getDescriptorForType();
            out.set((String) named.getField(nd.findFieldByName("name")),
                value(nd.findFieldByName("value"), named.getField(nd.findFieldByName("value"))));
          }
        } else {
          ArrayNode a = out.putArray(f.getJsonName());
          values.forEach(v -> a.add(value(f, v)));
        }
      } else if (m.hasField(f)) {
        out.set(f.getName().equals("_ref") ? "$ref" : f.getJsonName(), value(f, m.getField(f)));
      }
    }
    return out;
  }

  private static JsonNode value(FieldDescriptor f, Object v) {
    return switch (f.getJavaType()) {
      case STRING -> TextNode.valueOf((String) v);
      case BOOLEAN -> BooleanNode.valueOf((Boolean) v);
      case DOUBLE -> DoubleNode.valueOf((Double) v);
      case LONG -> LongNode.valueOf((Long) v);
      case MESSAGE -> toJson((Message) v);
      default -> throw new AssertionError("unexpected field type " + f);
    };
  }
}

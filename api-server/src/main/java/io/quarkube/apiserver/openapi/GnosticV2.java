package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.quarkube.proto.gnostic.openapiv2.AdditionalPropertiesItem;
import io.quarkube.proto.gnostic.openapiv2.Any;
import io.quarkube.proto.gnostic.openapiv2.ApiKeySecurity;
import io.quarkube.proto.gnostic.openapiv2.BasicAuthenticationSecurity;
import io.quarkube.proto.gnostic.openapiv2.BodyParameter;
import io.quarkube.proto.gnostic.openapiv2.Definitions;
import io.quarkube.proto.gnostic.openapiv2.Document;
import io.quarkube.proto.gnostic.openapiv2.ExternalDocs;
import io.quarkube.proto.gnostic.openapiv2.FormDataParameterSubSchema;
import io.quarkube.proto.gnostic.openapiv2.HeaderParameterSubSchema;
import io.quarkube.proto.gnostic.openapiv2.Info;
import io.quarkube.proto.gnostic.openapiv2.ItemsItem;
import io.quarkube.proto.gnostic.openapiv2.JsonReference;
import io.quarkube.proto.gnostic.openapiv2.NamedAny;
import io.quarkube.proto.gnostic.openapiv2.NamedParameter;
import io.quarkube.proto.gnostic.openapiv2.NamedPathItem;
import io.quarkube.proto.gnostic.openapiv2.NamedResponse;
import io.quarkube.proto.gnostic.openapiv2.NamedResponseValue;
import io.quarkube.proto.gnostic.openapiv2.NamedSchema;
import io.quarkube.proto.gnostic.openapiv2.NamedSecurityDefinitionsItem;
import io.quarkube.proto.gnostic.openapiv2.NamedStringArray;
import io.quarkube.proto.gnostic.openapiv2.NonBodyParameter;
import io.quarkube.proto.gnostic.openapiv2.Operation;
import io.quarkube.proto.gnostic.openapiv2.Parameter;
import io.quarkube.proto.gnostic.openapiv2.ParameterDefinitions;
import io.quarkube.proto.gnostic.openapiv2.ParametersItem;
import io.quarkube.proto.gnostic.openapiv2.PathItem;
import io.quarkube.proto.gnostic.openapiv2.PathParameterSubSchema;
import io.quarkube.proto.gnostic.openapiv2.Paths;
import io.quarkube.proto.gnostic.openapiv2.PrimitivesItems;
import io.quarkube.proto.gnostic.openapiv2.Properties;
import io.quarkube.proto.gnostic.openapiv2.QueryParameterSubSchema;
import io.quarkube.proto.gnostic.openapiv2.Response;
import io.quarkube.proto.gnostic.openapiv2.ResponseDefinitions;
import io.quarkube.proto.gnostic.openapiv2.ResponseValue;
import io.quarkube.proto.gnostic.openapiv2.Responses;
import io.quarkube.proto.gnostic.openapiv2.Schema;
import io.quarkube.proto.gnostic.openapiv2.SchemaItem;
import io.quarkube.proto.gnostic.openapiv2.SecurityDefinitions;
import io.quarkube.proto.gnostic.openapiv2.SecurityDefinitionsItem;
import io.quarkube.proto.gnostic.openapiv2.SecurityRequirement;
import io.quarkube.proto.gnostic.openapiv2.StringArray;
import io.quarkube.proto.gnostic.openapiv2.Tag;
import io.quarkube.proto.gnostic.openapiv2.TypeItem;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Swagger 2.0 document (as JSON) in the protobuf form clients ask for with
 * {@code Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf}: the {@code openapi.v2.Document}
 * message of gnostic, filled as gnostic's compiler fills it from the JSON. Plain fields map by their JSON names;
 * {@code x-} keys become {@code vendor_extension} entries whose value is the YAML text of the JSON value (what
 * kubectl reads back with yaml.Unmarshal); {@code default}, {@code example} and {@code enum} values are YAML text too;
 * the JSON shapes with alternatives (a parameter's {@code in}, {@code type} as string or array, {@code items} as
 * schema or array, {@code additionalProperties} as schema or boolean, {@code $ref} or not) pick their oneof.
 * A key the message has no place for is an error, so nothing is silently left out.
 */
public final class GnosticV2 {
  /** Writes YAML as gnostic does (go-yaml): no document marker, plain scalars where they read back the same. */
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  /** Each message's fields by JSON name ({@code operationId}, {@code $ref}). */
  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS = new ConcurrentHashMap<>();

  private GnosticV2() {}

  /** The document message of a Swagger 2.0 JSON document. */
  public static Document document(JsonNode json) {
    Document.Builder b = Document.newBuilder();
    fill(b, json, "", (key, value) -> switch (key) {
      case "info" -> {
        Info.Builder i = Info.newBuilder();
        fill(i, value, "info", null);
        b.setInfo(i);
        yield true;
      }
      case "paths" -> {
        b.setPaths(paths(value));
        yield true;
      }
      case "definitions" -> {
        Definitions.Builder d = Definitions.newBuilder();
        value.fields().forEachRemaining(e -> d.addAdditionalProperties(NamedSchema.newBuilder()
            .setName(e.getKey()).setValue(schema(e.getValue(), "definitions." + e.getKey()))));
        b.setDefinitions(d);
        yield true;
      }
      case "parameters" -> {
        ParameterDefinitions.Builder p = ParameterDefinitions.newBuilder();
        value.fields().forEachRemaining(e -> p.addAdditionalProperties(NamedParameter.newBuilder()
            .setName(e.getKey()).setValue(parameter(e.getValue(), "parameters." + e.getKey()))));
        b.setParameters(p);
        yield true;
      }
      case "responses" -> {
        ResponseDefinitions.Builder r = ResponseDefinitions.newBuilder();
        value.fields().forEachRemaining(e -> r.addAdditionalProperties(NamedResponse.newBuilder()
            .setName(e.getKey()).setValue(response(e.getValue(), "responses." + e.getKey()))));
        b.setResponses(r);
        yield true;
      }
      case "security" -> {
        value.forEach(s -> b.addSecurity(securityRequirement(s)));
        yield true;
      }
      case "securityDefinitions" -> {
        SecurityDefinitions.Builder s = SecurityDefinitions.newBuilder();
        value.fields().forEachRemaining(e -> s.addAdditionalProperties(NamedSecurityDefinitionsItem.newBuilder()
            .setName(e.getKey()).setValue(securityDefinition(e.getValue(), "securityDefinitions." + e.getKey()))));
        b.setSecurityDefinitions(s);
        yield true;
      }
      case "tags" -> {
        value.forEach(t -> {
          Tag.Builder tag = Tag.newBuilder();
          fill(tag, t, "tags", externalDocs(tag::setExternalDocs, "tags"));
          b.addTags(tag);
        });
        yield true;
      }
      case "externalDocs" -> {
        b.setExternalDocs(externalDocs(value, "externalDocs"));
        yield true;
      }
      default -> false;
    });
    return b.build();
  }

  /** The YAML text of a JSON value, as gnostic keeps extension, default, example and enum values. */
  public static String yaml(JsonNode value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }

  // ---- paths and operations

  private static Paths paths(JsonNode json) {
    Paths.Builder b = Paths.newBuilder();
    json.fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("x-")) {
        b.addVendorExtension(extension(e.getKey(), e.getValue()));
      } else {
        b.addPath(NamedPathItem.newBuilder().setName(e.getKey()).setValue(pathItem(e.getValue(), e.getKey())));
      }
    });
    return b.build();
  }

  private static PathItem pathItem(JsonNode json, String where) {
    PathItem.Builder b = PathItem.newBuilder();
    fill(b, json, where, (key, value) -> {
      String at = where + "." + key;
      switch (key) {
        case "get" -> b.setGet(operation(value, at));
        case "put" -> b.setPut(operation(value, at));
        case "post" -> b.setPost(operation(value, at));
        case "delete" -> b.setDelete(operation(value, at));
        case "options" -> b.setOptions(operation(value, at));
        case "head" -> b.setHead(operation(value, at));
        case "patch" -> b.setPatch(operation(value, at));
        case "parameters" -> value.forEach(p -> b.addParameters(parametersItem(p, at)));
        default -> {
          return false;
        }
      }
      return true;
    });
    return b.build();
  }

  private static Operation operation(JsonNode json, String where) {
    Operation.Builder b = Operation.newBuilder();
    fill(b, json, where, (key, value) -> {
      switch (key) {
        case "parameters" -> value.forEach(p -> b.addParameters(parametersItem(p, where + ".parameters")));
        case "responses" -> b.setResponses(responses(value, where + ".responses"));
        case "externalDocs" -> b.setExternalDocs(externalDocs(value, where + ".externalDocs"));
        case "security" -> value.forEach(s -> b.addSecurity(securityRequirement(s)));
        default -> {
          return false;
        }
      }
      return true;
    });
    return b.build();
  }

  private static ParametersItem parametersItem(JsonNode json, String where) {
    if (json.has("$ref")) {
      return ParametersItem.newBuilder().setJsonReference(jsonReference(json, where)).build();
    }
    return ParametersItem.newBuilder().setParameter(parameter(json, where)).build();
  }

  private static Parameter parameter(JsonNode json, String where) {
    String in = json.path("in").asText();
    String at = where + "." + json.path("name").asText();
    if (in.equals("body")) {
      BodyParameter.Builder b = BodyParameter.newBuilder();
      fill(b, json, at, (key, value) -> {
        if (key.equals("schema")) {
          b.setSchema(schema(value, at + ".schema"));
          return true;
        }
        return false;
      });
      return Parameter.newBuilder().setBodyParameter(b).build();
    }
    NonBodyParameter.Builder nb = NonBodyParameter.newBuilder();
    switch (in) {
      case "query" -> nb.setQueryParameterSubSchema(
          (QueryParameterSubSchema) nonBody(QueryParameterSubSchema.newBuilder(), json, at));
      case "path" -> nb.setPathParameterSubSchema(
          (PathParameterSubSchema) nonBody(PathParameterSubSchema.newBuilder(), json, at));
      case "header" -> nb.setHeaderParameterSubSchema(
          (HeaderParameterSubSchema) nonBody(HeaderParameterSubSchema.newBuilder(), json, at));
      case "formData" -> nb.setFormDataParameterSubSchema(
          (FormDataParameterSubSchema) nonBody(FormDataParameterSubSchema.newBuilder(), json, at));
      default -> throw new IllegalArgumentException(at + ": unknown parameter location \"" + in + "\"");
    }
    return Parameter.newBuilder().setNonBodyParameter(nb).build();
  }

  /** A query, path, header or form parameter: the same fields in four messages, set by reflection. */
  private static Message nonBody(Message.Builder b, JsonNode json, String where) {
    FieldDescriptor items = b.getDescriptorForType().findFieldByName("items");
    fill(b, json, where, (key, value) -> {
      if (key.equals("items")) {
        b.setField(items, primitivesItems(value, where + ".items"));
        return true;
      }
      return false;
    });
    return b.build();
  }

  private static PrimitivesItems primitivesItems(JsonNode json, String where) {
    PrimitivesItems.Builder b = PrimitivesItems.newBuilder();
    fill(b, json, where, (key, value) -> {
      if (key.equals("items")) {
        b.setItems(primitivesItems(value, where + ".items"));
        return true;
      }
      return false;
    });
    return b.build();
  }

  private static Responses responses(JsonNode json, String where) {
    Responses.Builder b = Responses.newBuilder();
    json.fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("x-")) {
        b.addVendorExtension(extension(e.getKey(), e.getValue()));
        return;
      }
      String at = where + "." + e.getKey();
      ResponseValue v = e.getValue().has("$ref")
          ? ResponseValue.newBuilder().setJsonReference(jsonReference(e.getValue(), at)).build()
          : ResponseValue.newBuilder().setResponse(response(e.getValue(), at)).build();
      b.addResponseCode(NamedResponseValue.newBuilder().setName(e.getKey()).setValue(v));
    });
    return b.build();
  }

  private static Response response(JsonNode json, String where) {
    Response.Builder b = Response.newBuilder();
    fill(b, json, where, (key, value) -> {
      if (key.equals("schema")) {
        if (value.path("type").asText().equals("file")) {
          throw new IllegalArgumentException(where + ": file responses are not supported");
        }
        b.setSchema(SchemaItem.newBuilder().setSchema(schema(value, where + ".schema")));
        return true;
      }
      return false;
    });
    return b.build();
  }

  private static JsonReference jsonReference(JsonNode json, String where) {
    JsonReference.Builder b = JsonReference.newBuilder();
    fill(b, json, where, null);
    return b.build();
  }

  // ---- schemas

  /** A schema: gnostic's {@code Schema} message, with the JSON shapes that have alternatives resolved. */
  public static Schema schema(JsonNode json, String where) {
    Schema.Builder b = Schema.newBuilder();
    fill(b, json, where, (key, value) -> {
      String at = where + "." + key;
      switch (key) {
        case "type" -> {
          TypeItem.Builder t = TypeItem.newBuilder();
          if (value.isArray()) {
            value.forEach(v -> t.addValue(v.asText()));
          } else {
            t.addValue(value.asText());
          }
          b.setType(t);
        }
        case "items" -> {
          ItemsItem.Builder i = ItemsItem.newBuilder();
          if (value.isArray()) {
            int n = 0;
            for (JsonNode s : value) {
              i.addSchema(schema(s, at + "[" + n++ + "]"));
            }
          } else {
            i.addSchema(schema(value, at));
          }
          b.setItems(i);
        }
        case "additionalProperties" -> b.setAdditionalProperties(value.isBoolean()
            ? AdditionalPropertiesItem.newBuilder().setBoolean(value.asBoolean())
            : AdditionalPropertiesItem.newBuilder().setSchema(schema(value, at)));
        case "allOf" -> {
          int n = 0;
          for (JsonNode s : value) {
            b.addAllOf(schema(s, at + "[" + n++ + "]"));
          }
        }
        case "properties" -> {
          Properties.Builder p = Properties.newBuilder();
          value.fields().forEachRemaining(e -> p.addAdditionalProperties(NamedSchema.newBuilder()
              .setName(e.getKey()).setValue(schema(e.getValue(), at + "." + e.getKey()))));
          b.setProperties(p);
        }
        case "externalDocs" -> b.setExternalDocs(externalDocs(value, at));
        case "xml" -> {
          io.quarkube.proto.gnostic.openapiv2.Xml.Builder x = io.quarkube.proto.gnostic.openapiv2.Xml.newBuilder();
          fill(x, value, at, null);
          b.setXml(x);
        }
        default -> {
          return false;
        }
      }
      return true;
    });
    return b.build();
  }

  // ---- security and documentation

  private static SecurityRequirement securityRequirement(JsonNode json) {
    SecurityRequirement.Builder b = SecurityRequirement.newBuilder();
    json.fields().forEachRemaining(e -> {
      StringArray.Builder scopes = StringArray.newBuilder();
      e.getValue().forEach(s -> scopes.addValue(s.asText()));
      b.addAdditionalProperties(NamedStringArray.newBuilder().setName(e.getKey()).setValue(scopes));
    });
    return b.build();
  }

  private static SecurityDefinitionsItem securityDefinition(JsonNode json, String where) {
    SecurityDefinitionsItem.Builder b = SecurityDefinitionsItem.newBuilder();
    switch (json.path("type").asText()) {
      case "apiKey" -> {
        ApiKeySecurity.Builder a = ApiKeySecurity.newBuilder();
        fill(a, json, where, null);
        b.setApiKeySecurity(a);
      }
      case "basic" -> {
        BasicAuthenticationSecurity.Builder a = BasicAuthenticationSecurity.newBuilder();
        fill(a, json, where, null);
        b.setBasicAuthenticationSecurity(a);
      }
      default -> throw new IllegalArgumentException(where + ": unsupported security type " + json.path("type"));
    }
    return b.build();
  }

  private static ExternalDocs externalDocs(JsonNode json, String where) {
    ExternalDocs.Builder b = ExternalDocs.newBuilder();
    fill(b, json, where, null);
    return b.build();
  }

  private static Special externalDocs(java.util.function.Consumer<ExternalDocs> set, String where) {
    return (key, value) -> {
      if (key.equals("externalDocs")) {
        set.accept(externalDocs(value, where + ".externalDocs"));
        return true;
      }
      return false;
    };
  }

  // ---- the generic part

  /** Handles the keys of one message that need more than a plain field; returns whether it took the key. */
  @FunctionalInterface
  private interface Special {
    boolean handle(String key, JsonNode value);
  }

  /**
   * Sets the message's fields from a JSON object: {@code special} first, then {@code x-} keys as vendor
   * extensions, then the plain fields by JSON name (strings, booleans, numbers, lists of strings, and
   * {@code Any} values as YAML text).
   */
  private static void fill(Message.Builder b, JsonNode json, String where, Special special) {
    if (!json.isObject()) {
      throw new IllegalArgumentException(where + ": expected an object, found " + json.getNodeType());
    }
    Descriptor d = b.getDescriptorForType();
    Map<String, FieldDescriptor> fields = FIELDS.computeIfAbsent(d, GnosticV2::fieldsByJsonName);
    Iterator<Map.Entry<String, JsonNode>> it = json.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (special != null && special.handle(key, value)) {
        continue;
      }
      FieldDescriptor vendor = fields.get("vendorExtension");
      if (key.startsWith("x-") && vendor != null) {
        b.addRepeatedField(vendor, extension(key, value));
        continue;
      }
      FieldDescriptor f = fields.get(key.equals("$ref") ? "Ref" : key);
      if (f == null || key.equals("vendorExtension")) {
        throw new IllegalArgumentException(where + ": " + d.getName() + " has no field for \"" + key + "\"");
      }
      if (f.isRepeated()) {
        if (!value.isArray()) {
          throw new IllegalArgumentException(where + "." + key + ": expected an array");
        }
        for (JsonNode v : value) {
          b.addRepeatedField(f, scalar(f, v, where + "." + key));
        }
      } else {
        b.setField(f, scalar(f, value, where + "." + key));
      }
    }
  }

  private static Object scalar(FieldDescriptor f, JsonNode v, String where) {
    switch (f.getJavaType()) {
      case STRING -> {
        if (!v.isTextual()) {
          throw new IllegalArgumentException(where + ": expected a string, found " + v);
        }
        return v.asText();
      }
      case BOOLEAN -> {
        if (!v.isBoolean()) {
          throw new IllegalArgumentException(where + ": expected a boolean, found " + v);
        }
        return v.asBoolean();
      }
      case DOUBLE -> {
        return v.asDouble();
      }
      case LONG -> {
        return v.asLong();
      }
      case MESSAGE -> {
        if (f.getMessageType().equals(Any.getDescriptor())) {
          return Any.newBuilder().setYaml(yaml(v)).build();
        }
        throw new IllegalArgumentException(where + ": " + f.getMessageType().getName() + " is not supported here");
      }
      default -> throw new IllegalArgumentException(where + ": unsupported field type " + f.getJavaType());
    }
  }

  private static NamedAny extension(String name, JsonNode value) {
    return NamedAny.newBuilder().setName(name).setValue(Any.newBuilder().setYaml(yaml(value))).build();
  }

  private static Map<String, FieldDescriptor> fieldsByJsonName(Descriptor d) {
    Map<String, FieldDescriptor> m = new HashMap<>();
    for (FieldDescriptor f : d.getFields()) {
      m.put(f.getJsonName(), f);
    }
    return m;
  }
}

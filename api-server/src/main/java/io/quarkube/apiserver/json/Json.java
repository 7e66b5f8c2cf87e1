package io.quarkube.apiserver.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkube.apiserver.errors.ApiException;
import java.io.IOException;

/**
 * The one Jackson setup for Kubernetes JSON: Fabric8's model annotations decide the field names, unknown fields are
 * kept in the models' additional properties, and nulls are left out as upstream leaves out empty fields.
 */
public final class Json {
  /**
   * Parsers that do not canonicalize field names: Jackson's shared table of names is copied whole (~150-350 KB) into
   * every parser that meets a name it lacks, and stored objects carry names of their own (managed fields'
   * {@code k:{"uid":...}} keys, label and annotation keys), so nearly every decode of a stored pod paid that copy.
   * Without the table a pod decode makes a seventh of the garbage and takes ~55 % of the time.
   */
  public static final JsonFactory FACTORY =
      JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();
  public static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
      // Leases' renewTime/acquireTime are ZonedDateTime in the model, with upstream's MicroTime pattern annotated.
      .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
      // Getters, setters and constructors called through generated lambdas rather than reflection: reflection was
      // the top self time of the API server under load (DelegatingMethodAccessorImpl.invoke).
      .registerModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
      // managedFields' fieldsV1 as text, as upstream keeps it (RawFieldsV1)
      .registerModule(FieldsV1AsText.module())
      .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
      .configure(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE, false);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Json() {}

  public static JsonNode parse(byte[] body) {
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw ApiException.badRequest("the request body is empty");
      }
      return n;
    } catch (IOException e) {
      throw ApiException.badRequest("the body of the request could not be decoded as JSON: "
          + firstLine(e.getMessage()));
    }
  }

  public static JsonNode parseYaml(byte[] body) {
    try {
      JsonNode n = YAML.readTree(body);
      if (n == null || n.isMissingNode() || n.isNull()) {
        throw ApiException.badRequest("the request body is empty");
      }
      return n;
    } catch (IOException e) {
      throw ApiException.badRequest("the body of the request could not be decoded as YAML: "
          + firstLine(e.getMessage()));
    }
  }

  public static <T> T convert(JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw ApiException.badRequest("the body of the request could not be decoded: " + firstLine(e.getMessage()));
    }
  }

  /** Stored or encoded JSON of an object (not a request body: no Status error) as a tree. */
  public static ObjectNode treeOf(byte[] json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("not the JSON of an object: " + e.getMessage(), e);
    }
  }

  public static ObjectNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  public static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new IllegalStateException("stored object does not decode as " + type.getSimpleName(), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}

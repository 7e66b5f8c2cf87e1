package io.quarkube.apiserver.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawJsonBytesTest {
  private static final String SMALL = "{\"name\":\"ünïcode \\\"q\\\"\"}";
  /** Larger than a generator's buffer (8,000 bytes), so it cannot be appended in place. */
  private static final String LARGE = "{\"data\":\"" + "x".repeat(20_000) + "\"}";

  @Test
  void rawValuesInAnArrayAsAUtf8GeneratorWritesThem() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      write(g);
    }
    assertEquals(expected(), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aCharacterGeneratorGetsTheSameText() throws Exception {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      write(g);
    }
    assertEquals(expected(), out.toString());
  }

  private static void write(JsonGenerator g) throws Exception {
    g.writeStartObject();
    g.writeFieldName("items");
    g.writeStartArray();
    g.writeRawValue(new RawJsonBytes(SMALL.getBytes(StandardCharsets.UTF_8)));
    g.writeRawValue(new RawJsonBytes(LARGE.getBytes(StandardCharsets.UTF_8)));
    g.writeRawValue(new RawJsonBytes(SMALL.getBytes(StandardCharsets.UTF_8)));
    g.writeEndArray();
    g.writeEndObject();
  }

  private static String expected() {
    return "{\"items\":[" + SMALL + "," + LARGE + "," + SMALL + "]}";
  }
}

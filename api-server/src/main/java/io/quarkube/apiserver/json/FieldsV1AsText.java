package io.quarkube.apiserver.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.json.JsonGeneratorImpl;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.fabric8.kubernetes.api.model.FieldsV1;
import java.io.IOException;

/**
 * Reads every {@code fieldsV1} as a {@link RawFieldsV1} (its compact JSON text) and writes that text back as it is
 * into JSON output. Other outputs (trees, YAML, pretty-printed JSON) get the structure token by token.
 */
final class FieldsV1AsText {
  private FieldsV1AsText() {}

  static SimpleModule module() {
    SimpleModule m = new SimpleModule("fieldsV1-as-text");
    m.addDeserializer(FieldsV1.class, new Reader());
    m.addSerializer(RawFieldsV1.class, new Writer());
    return m;
  }

  private static final class Reader extends StdDeserializer<FieldsV1> {
    private static final long serialVersionUID = 1L;

    Reader() {
      super(FieldsV1.class);
    }

    @Override
    public FieldsV1 deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return (FieldsV1) ctxt.handleUnexpectedToken(FieldsV1.class, p);
      }
      // Copied token by token into compact text. Decoding costs what building the maps did (the tokens are the
      // cost), but a decoded pod keeps ~17 KB instead of ~38 KB and encoding it again takes a quarter less.
      SegmentedStringWriter text = new SegmentedStringWriter(new BufferRecycler());
      try (JsonGenerator g = Json.FACTORY.createGenerator(text)) {
        g.copyCurrentStructure(p);
      }
      return new RawFieldsV1(text.getAndClear());
    }
  }

  private static final class Writer extends StdSerializer<RawFieldsV1> {
    private static final long serialVersionUID = 1L;

    Writer() {
      super(RawFieldsV1.class);
    }

    @Override
    public void serialize(RawFieldsV1 value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      String raw = value.raw();
      if (raw == null) {
        provider.defaultSerializeValue(value.getAdditionalProperties(), gen);
      } else if (gen instanceof JsonGeneratorImpl && gen.getPrettyPrinter() == null) {
        gen.writeRawValue(raw);
      } else {
        try (JsonParser p = Json.FACTORY.createParser(raw)) {
          p.nextToken();
          gen.copyCurrentStructure(p);
        }
      }
    }
  }
}

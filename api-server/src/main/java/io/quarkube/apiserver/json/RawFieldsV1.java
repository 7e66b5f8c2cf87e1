package io.quarkube.apiserver.json;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.FieldsV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A managedFields entry's {@code fieldsV1} kept as its JSON text, as upstream's {@code metav1.FieldsV1{Raw []byte}}:
 * only the field manager reads it, yet every decode of a stored object built it as nested maps (half of a pod's
 * decode time) and every encode walked them again. The maps are made only when something asks for them.
 *
 * <p>{@link #getAdditionalProperties()} and {@link #setAdditionalProperty} behave as Fabric8's: the first parses the
 * text (once), the second edits the parsed maps, after which the maps are what is written.
 */
public final class RawFieldsV1 extends FieldsV1 {
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  /** Compact JSON object text; null once the maps were edited. */
  private String raw;
  /** Parsed on first use; volatile because decoded objects are shared read-only between threads (watch fan-out). */
  private volatile Map<String, Object> parsed;

  public RawFieldsV1(String raw) {
    this.raw = raw;
  }

  /** The JSON text to write as it is, or null when the maps were edited (they are written instead). */
  String raw() {
    return raw;
  }

  @Override
  public Map<String, Object> getAdditionalProperties() {
    Map<String, Object> map = parsed;
    if (map == null) {
      try {
        map = Json.MAPPER.readValue(raw, MAP);
      } catch (IOException e) {
        throw new UncheckedIOException("fieldsV1 kept as text no longer parses", e);
      }
      parsed = map;
    }
    return map;
  }

  @Override
  public void setAdditionalProperty(String name, Object value) {
    getAdditionalProperties().put(name, value);
    raw = null;
  }

  @Override
  public boolean equals(Object o) {
    if (o instanceof RawFieldsV1 r && raw != null && raw.equals(r.raw)) {
      return true;
    }
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }

  @Override
  public String toString() {
    return raw != null ? "FieldsV1(" + raw + ")" : super.toString();
  }
}

package io.quarkube.controllers.deployment;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code pod-template-hash} of a template: FNV-32a over the template's canonical JSON (without the hash label)
 * and the Deployment's collisionCount, written in upstream's "safe" alphabet (no vowels, no look-alike digits), so a
 * hash never spells a word. Upstream hashes Go's printed form instead; the value differs but plays the same role.
 */
public final class TemplateHash {
  public static final String LABEL = "pod-template-hash";
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private TemplateHash() {}

  public static String of(PodTemplateSpec template, Integer collisionCount) {
    PodTemplateSpec t = withoutHash(template);
    byte[] bytes = canonicalJson(t).getBytes(StandardCharsets.UTF_8);
    int hash = 0x811c9dc5;
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    if (collisionCount != null) {
      for (int shift = 0; shift < 32; shift += 8) {
        hash ^= (collisionCount >>> shift) & 0xff;
        hash *= 0x01000193;
      }
    }
    String digits = Integer.toUnsignedString(hash);
    StringBuilder out = new StringBuilder();
    for (char c : digits.toCharArray()) {
      out.append(ALPHABET.charAt(c % ALPHABET.length()));
    }
    // Upstream's hashes are up to 10 characters of the safe alphabet; keep the same length range.
    return out.toString();
  }

  /** A copy without the {@code pod-template-hash} label (for comparing templates, upstream's EqualIgnoreHash). */
  public static PodTemplateSpec withoutHash(PodTemplateSpec template) {
    PodTemplateSpec t = Serialization.clone(template);
    if (t.getMetadata() != null && t.getMetadata().getLabels() != null
        && t.getMetadata().getLabels().containsKey(LABEL)) {
      Map<String, String> labels = new HashMap<>(t.getMetadata().getLabels());
      labels.remove(LABEL);
      t.getMetadata().setLabels(labels);
    }
    return t;
  }

  /** Two templates equal apart from the hash label. */
  public static boolean equalIgnoringHash(PodTemplateSpec a, PodTemplateSpec b) {
    return canonicalJson(withoutHash(a)).equals(canonicalJson(withoutHash(b)));
  }

  /** Fabric8's mapper, but writing map entries sorted, so equal templates print equally. */
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = Serialization.jsonMapper().copy()
      .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private static String canonicalJson(PodTemplateSpec t) {
    var mapper = MAPPER;
    try {
      Object tree = mapper.readValue(mapper.writeValueAsString(t), Object.class);
      return normalize(mapper, tree);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String normalize(com.fasterxml.jackson.databind.ObjectMapper mapper, Object tree)
      throws com.fasterxml.jackson.core.JsonProcessingException {
    return mapper.writeValueAsString(dropEmpty(tree));
  }

  /** Drops empty maps/lists/nulls so a defaulted {@code {}} and an absent field compare equal. */
  @SuppressWarnings("unchecked")
  private static Object dropEmpty(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object v = dropEmpty(e.getValue());
        if (v != null) {
          out.put((String) e.getKey(), v);
        }
      }
      return out.isEmpty() ? null : out;
    }
    if (o instanceof java.util.List<?> l) {
      java.util.List<Object> out = new java.util.ArrayList<>();
      for (Object x : l) {
        Object v = dropEmpty(x);
        out.add(v == null ? Map.of() : v);
      }
      return out.isEmpty() ? null : out;
    }
    return o;
  }
}

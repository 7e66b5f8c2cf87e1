package io.quarkube.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.json.JsonBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One JSON serialization of an object serving both etcd and the response: etcd stores the object without
 * {@code metadata.resourceVersion} (it is the key's mod revision), the client gets it with the revision of the write.
 * Encoding the object twice was a tenth of a pod create's CPU.
 *
 * <p>The object is encoded once with a random placeholder as its resourceVersion; the stored bytes are those bytes
 * without that field, the response's have the revision in its place. Both are byte for byte what encoding the object
 * without, respectively with, its resourceVersion gives (the mapper writes no whitespace and leaves nulls out).
 */
public final class VersionedJson {
  private final byte[] encoded;
  /** Where {@code "resourceVersion":"<placeholder>"} starts and ends in {@link #encoded}; -1: not found. */
  private final int fieldStart;
  private final int fieldEnd;
  private final byte[] stored;

  private VersionedJson(byte[] encoded, int fieldStart, int fieldEnd, byte[] stored) {
    this.encoded = encoded;
    this.fieldStart = fieldStart;
    this.fieldEnd = fieldEnd;
    this.stored = stored;
  }

  /** Encodes {@code obj}; its resourceVersion is left as it was. */
  public static VersionedJson encode(HasMetadata obj) {
    ObjectMeta meta = obj.getMetadata();
    String rv = meta.getResourceVersion();
    String placeholder = "quarkube-rv-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
        + Long.toHexString(ThreadLocalRandom.current().nextLong());
    byte[] encoded;
    meta.setResourceVersion(placeholder);
    try {
      encoded = Json.bytes(obj);
    } finally {
      meta.setResourceVersion(rv);
    }
    byte[] field = ("\"resourceVersion\":\"" + placeholder + "\"").getBytes(StandardCharsets.UTF_8);
    int at = JsonBytes.indexOf(encoded, field, 0);
    if (at < 0 || JsonBytes.indexOf(encoded, field, at + 1) >= 0) {
      // Cannot happen with a random placeholder; encode the plain way rather than guess.
      meta.setResourceVersion(null);
      try {
        return new VersionedJson(null, -1, -1, Json.bytes(obj));
      } finally {
        meta.setResourceVersion(rv);
      }
    }
    int end = at + field.length;
    // The field goes with one of its commas: the one after it, or else the one before it (last field).
    int cutStart = at;
    int cutEnd = end;
    if (end < encoded.length && encoded[end] == ',') {
      cutEnd = end + 1;
    } else if (at > 0 && encoded[at - 1] == ',') {
      cutStart = at - 1;
    }
    byte[] stored = new byte[encoded.length - (cutEnd - cutStart)];
    System.arraycopy(encoded, 0, stored, 0, cutStart);
    System.arraycopy(encoded, cutEnd, stored, cutStart, encoded.length - cutEnd);
    return new VersionedJson(encoded, at, end, stored);
  }

  /** The bytes for etcd: the object without resourceVersion. */
  public byte[] stored() {
    return stored;
  }

  /** The object's JSON with {@code resourceVersion} set to {@code revision}; null if this encoding cannot tell. */
  public byte[] withResourceVersion(long revision) {
    if (encoded == null) {
      return null;
    }
    return spliced(encoded, fieldStart, fieldEnd, resourceVersionField(revision));
  }

  /** {@code "resourceVersion":"<revision>"}, as the encoder writes the field. */
  static String resourceVersionField(long revision) {
    return "\"resourceVersion\":\"" + revision + "\"";
  }

  /** {@code json} with the bytes [from, to) replaced by {@code text} (an insert when from == to). */
  static byte[] spliced(byte[] json, int from, int to, String text) {
    byte[] insert = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[json.length - (to - from) + insert.length];
    System.arraycopy(json, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(json, to, out, from + insert.length, json.length - to);
    return out;
  }
}

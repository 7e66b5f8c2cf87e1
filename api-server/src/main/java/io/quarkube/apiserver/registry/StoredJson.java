package io.quarkube.apiserver.registry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An object's JSON for a list straight from the bytes etcd holds, without decoding it: the stored bytes are the
 * object as the API server encoded it, minus {@code metadata.resourceVersion} (the key's mod revision), so putting
 * that field back gives what decoding and encoding again would give, for a fraction of the CPU (decoding a pod and
 * encoding it again was most of a 10,000-pod list's cost, and of every informer's first list).
 *
 * <p>A small scanner finds where the field goes: Fabric8 writes {@code ObjectMeta} in alphabetical order, so before
 * the first metadata key that sorts after {@code resourceVersion} ({@code selfLink}, {@code uid}), else at the end.
 * Anything unexpected (another stored version, a resourceVersion already there, not an object) answers null, and the
 * caller decodes as before.
 */
final class StoredJson {
  private static final byte[] RESOURCE_VERSION = "resourceVersion".getBytes(StandardCharsets.UTF_8);

  private final byte[] json;
  private int pos;

  private StoredJson(byte[] json) {
    this.json = json;
  }

  /**
   * {@code stored} with {@code "resourceVersion":"<revision>"} in its metadata, or null when its top-level
   * {@code apiVersion} (which must come before {@code metadata}) is not {@code apiVersion} or its shape is unexpected.
   */
  static byte[] withResourceVersion(byte[] stored, long revision, String apiVersion) {
    try {
      return new StoredJson(stored).insert(revision, apiVersion.getBytes(StandardCharsets.UTF_8));
    } catch (ArrayIndexOutOfBoundsException e) {
      return null; // truncated: let the decoder report it
    }
  }

  private byte[] insert(long revision, byte[] apiVersion) {
    whitespace();
    if (!take('{')) {
      return null;
    }
    boolean apiVersionMatches = false;
    while (true) {
      whitespace();
      int keyStart = pos;
      int keyEnd = string();
      if (keyEnd < 0) {
        return null;
      }
      whitespace();
      if (!take(':')) {
        return null;
      }
      whitespace();
      if (is(keyStart, keyEnd, "apiVersion")) {
        int valueStart = pos + 1;
        int valueEnd = string();
        if (valueEnd < 0 || !Arrays.equals(json, valueStart, valueEnd - 1, apiVersion, 0, apiVersion.length)) {
          return null;
        }
        apiVersionMatches = true;
      } else if (is(keyStart, keyEnd, "metadata")) {
        return apiVersionMatches && take('{') ? intoMetadata(revision) : null;
      } else if (!skipValue()) {
        return null;
      }
      whitespace();
      if (!take(',')) {
        return null;
      }
    }
  }

  /** After metadata's '{': the field goes before the first key sorting after it, or last. */
  private byte[] intoMetadata(long revision) {
    boolean empty = true;
    while (true) {
      whitespace();
      if (json[pos] == '}') {
        String field = VersionedJson.resourceVersionField(revision);
        return VersionedJson.spliced(json, pos, pos, empty ? field : "," + field);
      }
      int keyStart = pos;
      int keyEnd = string();
      if (keyEnd < 0) {
        return null;
      }
      int order = Arrays.compare(json, keyStart + 1, keyEnd - 1, RESOURCE_VERSION, 0, RESOURCE_VERSION.length);
      if (order == 0) {
        return null; // already there: not what this store writes
      }
      if (order > 0) {
        return VersionedJson.spliced(json, keyStart, keyStart, VersionedJson.resourceVersionField(revision) + ",");
      }
      whitespace();
      if (!take(':')) {
        return null;
      }
      whitespace();
      if (!skipValue()) {
        return null;
      }
      whitespace();
      if (json[pos] == ',') {
        pos++;
      } else if (json[pos] != '}') {
        return null;
      }
      empty = false;
    }
  }

  /** Key bytes (with quotes) at [start, end) equal {@code name}. */
  private boolean is(int start, int end, String name) {
    int n = name.length();
    if (end - start != n + 2) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (json[start + 1 + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A string at pos: moves past it and answers where it ended (after the closing quote), or -1. */
  private int string() {
    if (json[pos] != '"') {
      return -1;
    }
    pos++;
    while (true) {
      byte b = json[pos++];
      if (b == '"') {
        return pos;
      }
      if (b == '\\') {
        pos++; // the escaped character (\" included); \\uXXXX's digits are plain bytes
      }
    }
  }

  /** Any JSON value at pos: moves past it; false when it is not one. */
  private boolean skipValue() {
    byte b = json[pos];
    if (b == '"') {
      return string() >= 0;
    }
    if (b == '{' || b == '[') {
      int depth = 0;
      while (true) {
        byte c = json[pos];
        if (c == '"') {
          string();
          continue;
        }
        pos++;
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) {
            return true;
          }
        }
      }
    }
    int start = pos;
    while (pos < json.length && isScalarByte(json[pos])) {
      pos++;
    }
    return pos > start;
  }

  private static boolean isScalarByte(byte b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || b == '-' || b == '+' || b == '.' || b == 'E';
  }

  private boolean take(char c) {
    if (json[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void whitespace() {
    while (pos < json.length && (json[pos] == ' ' || json[pos] == '\n' || json[pos] == '\r' || json[pos] == '\t')) {
      pos++;
    }
  }
}

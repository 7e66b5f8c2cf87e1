package io.quarkube.apiserver.json;

import java.util.Arrays;

/** Searches in encoded JSON without decoding it. */
public final class JsonBytes {
  private JsonBytes() {}

  /** Where {@code needle} first occurs in {@code haystack} at or after {@code from}; -1: nowhere. */
  public static int indexOf(byte[] haystack, byte[] needle, int from) {
    byte first = needle[0];
    int last = haystack.length - needle.length;
    for (int i = Math.max(from, 0); i <= last; i++) {
      if (haystack[i] == first && Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  public static boolean contains(byte[] haystack, byte[] needle) {
    return indexOf(haystack, needle, 0) >= 0;
  }
}

package io.quarkube.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code continue} token, shaped like upstream's: base64 of {@code {"v":"meta.k8s.io/v1","rv":N,
 * "start":"<key after the prefix>"}}. The revision pins every page to one snapshot; {@link #LATEST} (-1) continues
 * at the newest revision (the token a 410 for a compacted revision carries; upstream's inconsistent continue).
 */
public record ContinueToken(long revision, String startAfterKey) {
  private static final String VERSION = "meta.k8s.io/v1";
  public static final long LATEST = -1;

  /** Whether the pages go on at the newest revision rather than at the first page's. */
  public boolean latest() {
    return revision == LATEST;
  }

  public String encode(String prefix) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("v", VERSION);
    n.put("rv", revision);
    n.put("start", startAfterKey.substring(prefix.length()) + "\u0000");
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(n));
  }

  public static ContinueToken decode(String token, String prefix) {
    int bad = firstNonBase64(token);
    if (bad >= 0) { // Go's base64 error, as upstream answers
      throw ApiException.badRequest("continue key is not valid: illegal base64 data at input byte " + bad);
    }
    try {
      byte[] raw = token.contains("+") || token.contains("/") ? Base64.getDecoder().decode(token)
          : Base64.getUrlDecoder().decode(token);
      JsonNode n = Json.MAPPER.readTree(new String(raw, StandardCharsets.UTF_8));
      if (!VERSION.equals(n.path("v").asText()) || !n.has("rv") || !n.has("start")) {
        throw new IllegalArgumentException("unknown continue token version");
      }
      long rv = n.get("rv").asLong();
      if (rv == 0 || rv < LATEST) { // upstream's DecodeContinue
        throw new IllegalArgumentException("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
      }
      String start = n.get("start").asText();
      if (start.endsWith("\u0000")) {
        start = start.substring(0, start.length() - 1);
      }
      if (start.contains("..") || start.startsWith("/")) {
        throw new IllegalArgumentException("continue key is not valid");
      }
      return new ContinueToken(rv, prefix + start);
    } catch (Exception e) {
      throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
    }
  }

  private static int firstNonBase64(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
          || c == '-' || c == '_' || c == '=';
      if (!ok) {
        return i;
      }
    }
    return -1;
  }
}

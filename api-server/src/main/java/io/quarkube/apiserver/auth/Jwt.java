package io.quarkube.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.util.Base64;
import java.util.Optional;

/**
 * Compact JSON Web Signatures (RFC 7515) with RS256 or ES256, the two algorithms upstream signs service-account
 * tokens with. Only what tokens need: sign a claim set, and split + verify a token.
 */
public final class Jwt {
  private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getUrlDecoder();

  private Jwt() {}

  /** A token taken apart; {@link #claims()} are only to be trusted after {@link #verify}. */
  public record Parsed(ObjectNode header, ObjectNode claims, String signingInput, byte[] signature) {
    public String alg() {
      return header.path("alg").asText("");
    }

    public String kid() {
      return header.path("kid").asText("");
    }
  }

  public static String algorithm(PrivateKey key) {
    return key instanceof ECKey ? "ES256" : "RS256";
  }

  public static String sign(ObjectNode claims, PrivateKey key, String kid) {
    ObjectNode header = Json.MAPPER.createObjectNode();
    header.put("alg", algorithm(key));
    header.put("kid", kid);
    String input = ENC.encodeToString(Json.bytes(header)) + "." + ENC.encodeToString(Json.bytes(claims));
    try {
      Signature s = Signature.getInstance(key instanceof ECKey ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + ENC.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  /** Splits a compact JWS; empty when it is not one (so another token authenticator may try). */
  public static Optional<Parsed> parse(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode header = Json.MAPPER.readTree(DEC.decode(parts[0]));
      JsonNode claims = Json.MAPPER.readTree(DEC.decode(parts[1]));
      if (!(header instanceof ObjectNode h) || !(claims instanceof ObjectNode c)) {
        return Optional.empty();
      }
      return Optional.of(new Parsed(h, c, parts[0] + "." + parts[1], DEC.decode(parts[2])));
    } catch (IllegalArgumentException | java.io.IOException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code key} made the signature, for the algorithm the header names (none other is accepted). */
  public static boolean verify(Parsed jwt, PublicKey key) {
    String alg = jwt.alg();
    boolean ec = key instanceof ECKey;
    if (!(ec ? "ES256" : "RS256").equals(alg)) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      s.initVerify(key);
      s.update(jwt.signingInput().getBytes(StandardCharsets.US_ASCII));
      return s.verify(jwt.signature());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}

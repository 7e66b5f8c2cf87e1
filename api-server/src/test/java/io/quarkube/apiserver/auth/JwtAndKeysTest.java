package io.quarkube.apiserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JWS signing and verification (RS256, ES256) and the service-account key files. */
class JwtAndKeysTest {

  private static ObjectNode claims() {
    ObjectNode c = Json.MAPPER.createObjectNode();
    c.put("iss", "https://kubernetes.default.svc.cluster.local");
    c.put("sub", "system:serviceaccount:default:x");
    return c;
  }

  @Test
  void rs256SignsAndVerifiesAndRejectsTampering() {
    ServiceAccountKeys keys = ServiceAccountKeys.generated();
    String token = Jwt.sign(claims(), keys.signingKey(), keys.signingKeyId());
    Jwt.Parsed parsed = Jwt.parse(token).orElseThrow();
    assertEquals("RS256", parsed.alg());
    assertEquals(keys.signingKeyId(), parsed.kid());
    assertTrue(Jwt.verify(parsed, keys.verifyingKeys().get(0)));

    String[] parts = token.split("\\.");
    ObjectNode forged = claims();
    forged.put("sub", "system:serviceaccount:kube-system:admin");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(forged))
        + "." + parts[2];
    assertFalse(Jwt.verify(Jwt.parse(tampered).orElseThrow(), keys.verifyingKeys().get(0)));
    assertFalse(Jwt.verify(parsed, ServiceAccountKeys.generated().verifyingKeys().get(0)), "another key");
  }

  @Test
  void es256SignsAndVerifies() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = g.generateKeyPair();
    ServiceAccountKeys keys = new ServiceAccountKeys(pair.getPrivate(), List.of(pair.getPublic()));
    String token = Jwt.sign(claims(), keys.signingKey(), keys.signingKeyId());
    Jwt.Parsed parsed = Jwt.parse(token).orElseThrow();
    assertEquals("ES256", parsed.alg());
    assertEquals(64, parsed.signature().length, "JWS wants R||S, not DER");
    assertTrue(Jwt.verify(parsed, pair.getPublic()));
    assertEquals("EC", keys.jwks().path("keys").get(0).path("kty").asText());
  }

  @Test
  void algorithmNoneAndGarbageAreNotTokens() {
    assertTrue(Jwt.parse("not-a-jwt").isEmpty());
    assertTrue(Jwt.parse("a.b").isEmpty());
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
        + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(claims())) + ".";
    ServiceAccountKeys keys = ServiceAccountKeys.generated();
    assertFalse(Jwt.verify(Jwt.parse(none).orElseThrow(), keys.verifyingKeys().get(0)));
  }

  @Test
  void keyFilesAreWrittenAtFirstStartAndReadBack(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("sa.key");
    Path pub = dir.resolve("sa.pub");
    ServiceAccountKeys first = ServiceAccountKeys.load(key, pub);
    assertTrue(Files.readString(key).contains("BEGIN PRIVATE KEY"));
    assertTrue(Files.readString(pub).contains("BEGIN PUBLIC KEY"));
    ServiceAccountKeys again = ServiceAccountKeys.load(key, pub);
    assertEquals(first.signingKeyId(), again.signingKeyId());
    String token = Jwt.sign(claims(), again.signingKey(), again.signingKeyId());
    assertTrue(Jwt.verify(Jwt.parse(token).orElseThrow(), first.keysFor(first.signingKeyId()).get(0)));
    var jwk = first.jwks().path("keys").get(0);
    assertEquals("RSA", jwk.path("kty").asText());
    assertEquals("AQAB", jwk.path("e").asText());
    assertEquals(first.signingKeyId(), jwk.path("kid").asText());
  }

  @Test
  void readsOpensslPkcs1Keys() throws Exception {
    // What `openssl genrsa -traditional` writes.
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    // The PKCS#1 key is the OCTET STRING at the end of the PKCS#8 structure (after a 26-byte header for 2048 bits).
    byte[] pkcs1 = java.util.Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1)
        + "\n-----END RSA PRIVATE KEY-----\n";
    assertEquals(pair.getPrivate(), ServiceAccountKeys.readPrivateKey(pem));
  }
}

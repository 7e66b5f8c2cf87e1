package io.quarkube.controllers.serviceaccount;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Signs the legacy, non-expiring service-account tokens kept in {@code kubernetes.io/service-account-token} Secrets
 * (upstream's {@code serviceaccount.JWTTokenGenerator} with {@code LegacyIssuer} and {@code LegacyClaims}), with the
 * key the API server verifies service-account tokens with ({@code --service-account-private-key-file}). The header's
 * {@code kid} is upstream's key id (unpadded base64url SHA-256 of the DER public key), so the API server picks the
 * right verifying key; when the public key cannot be derived the token names none and every key is tried.
 */
public final class LegacyTokenGenerator {
  public static final String ISSUER = "kubernetes/serviceaccount";
  private static final String CLAIM_PREFIX = "kubernetes.io/serviceaccount/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final PrivateKey key;
  private final String keyId;

  LegacyTokenGenerator(PrivateKey key, PublicKey publicKey) {
    this.key = key;
    this.keyId = publicKey == null ? null : keyId(publicKey);
  }

  /** Reads a PEM private key: PKCS#8 {@code PRIVATE KEY}, {@code RSA PRIVATE KEY} or {@code EC PRIVATE KEY}. */
  public static LegacyTokenGenerator load(Path keyFile) throws IOException {
    try (PEMParser pem = new PEMParser(Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII))) {
      Object read = pem.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (read instanceof PEMKeyPair pair) {
        var keys = converter.getKeyPair(pair);
        return new LegacyTokenGenerator(keys.getPrivate(), keys.getPublic());
      }
      if (read instanceof PrivateKeyInfo info) {
        PrivateKey key = converter.getPrivateKey(info);
        return new LegacyTokenGenerator(key, publicOf(key, info, converter));
      }
      throw new IOException("no private key in " + keyFile);
    }
  }

  /** The token for {@code secretName}, a Secret of {@code account}'s namespace that names the account. */
  public String generate(ServiceAccount account, String secretName) {
    String ns = account.getMetadata().getNamespace();
    String name = account.getMetadata().getName();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", ISSUER);
    claims.put(CLAIM_PREFIX + "namespace", ns);
    claims.put(CLAIM_PREFIX + "secret.name", secretName);
    claims.put(CLAIM_PREFIX + "service-account.name", name);
    claims.put(CLAIM_PREFIX + "service-account.uid", account.getMetadata().getUid());
    claims.put("sub", "system:serviceaccount:" + ns + ":" + name);
    ObjectNode header = JSON.createObjectNode();
    boolean ec = key instanceof ECKey;
    header.put("alg", ec ? "ES256" : "RS256");
    if (keyId != null) {
      header.put("kid", keyId);
    }
    String input = B64URL.encodeToString(bytes(header)) + "." + B64URL.encodeToString(bytes(claims));
    try {
      // JWS wants ECDSA signatures as the fixed-size r||s pair, not DER.
      Signature s = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64URL.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a service-account token", e);
    }
  }

  static String keyId(PublicKey key) {
    try {
      return B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RSA: from the CRT parameters; EC: from the public point PKCS#8 usually carries; otherwise null. */
  private static PublicKey publicOf(PrivateKey key, PrivateKeyInfo info, JcaPEMKeyConverter converter) {
    try {
      if (key instanceof RSAPrivateCrtKey crt) {
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(),
            crt.getPublicExponent()));
      }
      if (key instanceof ECKey) {
        var ecKey = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        if (ecKey.getPublicKey() != null) {
          return converter.getPublicKey(new SubjectPublicKeyInfo(info.getPrivateKeyAlgorithm(),
              ecKey.getPublicKey().getBytes()));
        }
      }
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      // no kid then: the API server tries each of its keys
    }
    return null;
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.quarkube.apiserver.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The key pair that signs service-account tokens (upstream's {@code --service-account-signing-key-file}) and the
 * public keys that verify them ({@code --service-account-key-file}). Key ids are upstream's: the unpadded
 * base64url SHA-256 of the DER public key, so the JWKS and the tokens' {@code kid} match what clients expect.
 */
public final class ServiceAccountKeys {
  private static final Logger LOG = Logger.getLogger(ServiceAccountKeys.class);
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private final PrivateKey signingKey;
  private final String signingKid;
  private final List<PublicKey> verifyingKeys;

  public ServiceAccountKeys(PrivateKey signingKey, List<PublicKey> verifyingKeys) {
    this.signingKey = signingKey;
    this.verifyingKeys = List.copyOf(verifyingKeys);
    this.signingKid = keyId(publicOf(signingKey).orElse(verifyingKeys.get(0)));
  }

  /** A fresh in-memory RSA pair, for tests and for servers without a PKI folder. */
  public static ServiceAccountKeys generated() {
    KeyPair pair = newRsaPair();
    return new ServiceAccountKeys(pair.getPrivate(), List.of(pair.getPublic()));
  }

  /** Reads the pair, writing a new RSA pair first when the private key file is missing. */
  public static ServiceAccountKeys load(Path keyFile, Path publicKeyFile) {
    try {
      if (!Files.exists(keyFile)) {
        KeyPair pair = newRsaPair();
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        Files.writeString(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        try {
          Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        Files.writeString(publicKeyFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        LOG.infof("generated a service-account signing key at %s", keyFile);
      }
      PrivateKey key = readPrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
      List<PublicKey> publics = new ArrayList<>();
      if (Files.exists(publicKeyFile)) {
        publics.addAll(readPublicKeys(Files.readString(publicKeyFile, StandardCharsets.US_ASCII)));
      }
      publicOf(key).filter(p -> publics.stream().noneMatch(q -> q.equals(p))).ifPresent(p -> publics.add(0, p));
      return new ServiceAccountKeys(key, publics);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the service-account keys " + keyFile, e);
    }
  }

  public PrivateKey signingKey() {
    return signingKey;
  }

  public String signingKeyId() {
    return signingKid;
  }

  public List<PublicKey> verifyingKeys() {
    return verifyingKeys;
  }

  /** The key a token names by {@code kid}, or every key when it names none. */
  public List<PublicKey> keysFor(String kid) {
    if (kid == null || kid.isEmpty()) {
      return verifyingKeys;
    }
    return verifyingKeys.stream().filter(k -> keyId(k).equals(kid)).toList();
  }

  /** The JSON Web Key Set served at {@code /openid/v1/jwks}. */
  public ObjectNode jwks() {
    ObjectNode doc = Json.MAPPER.createObjectNode();
    ArrayNode keys = doc.putArray("keys");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    for (PublicKey k : verifyingKeys) {
      ObjectNode j = keys.addObject();
      j.put("use", "sig");
      if (k instanceof RSAPublicKey rsa) {
        j.put("kty", "RSA");
        j.put("kid", keyId(k));
        j.put("alg", "RS256");
        j.put("n", b64.encodeToString(unsigned(rsa.getModulus())));
        j.put("e", b64.encodeToString(unsigned(rsa.getPublicExponent())));
      } else if (k instanceof ECPublicKey ec) {
        j.put("kty", "EC");
        j.put("kid", keyId(k));
        j.put("crv", "P-256");
        j.put("alg", "ES256");
        j.put("x", b64.encodeToString(fixed(ec.getW().getAffineX(), 32)));
        j.put("y", b64.encodeToString(fixed(ec.getW().getAffineY(), 32)));
      }
    }
    return doc;
  }

  public static String keyId(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static PrivateKey readPrivateKey(String pem) {
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      try {
        switch (m.group(1)) {
          case "PRIVATE KEY" -> {
            for (String alg : List.of("RSA", "EC")) {
              try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
              } catch (GeneralSecurityException ignored) {
                // try the next algorithm
              }
            }
          }
          case "RSA PRIVATE KEY" -> {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(der)));
          }
          default -> { }
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot read the private key: " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException("no RSA or EC private key in PEM");
  }

  static List<PublicKey> readPublicKeys(String pem) {
    List<PublicKey> out = new ArrayList<>();
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      if (!m.group(1).equals("PUBLIC KEY")) {
        continue;
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      for (String alg : List.of("RSA", "EC")) {
        try {
          out.add(KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der)));
          break;
        } catch (GeneralSecurityException ignored) {
          // try the next algorithm
        }
      }
    }
    return out;
  }

  private static Optional<PublicKey> publicOf(PrivateKey key) {
    if (key instanceof RSAPrivateCrtKey crt) {
      try {
        return Optional.of(KeyFactory.getInstance("RSA").generatePublic(
            new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent())));
      } catch (GeneralSecurityException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static KeyPair newRsaPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  /** PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo with the rsaEncryption algorithm identifier. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01,
        0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octet = concat(new byte[] {0x04}, derLength(pkcs1.length), pkcs1);
    byte[] body = concat(version, algId, octet);
    return concat(new byte[] {0x30}, derLength(body.length), body);
  }

  private static byte[] derLength(int len) {
    if (len < 0x80) {
      return new byte[] {(byte) len};
    }
    byte[] raw = BigInteger.valueOf(len).toByteArray();
    int start = raw[0] == 0 ? 1 : 0;
    byte[] out = new byte[raw.length - start + 1];
    out[0] = (byte) (0x80 | (raw.length - start));
    System.arraycopy(raw, start, out, 1, raw.length - start);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }

  private static byte[] unsigned(BigInteger v) {
    byte[] b = v.toByteArray();
    return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  private static byte[] fixed(BigInteger v, int len) {
    byte[] b = unsigned(v);
    byte[] out = new byte[len];
    System.arraycopy(b, Math.max(0, b.length - len), out, Math.max(0, len - b.length), Math.min(len, b.length));
    return out;
  }
}

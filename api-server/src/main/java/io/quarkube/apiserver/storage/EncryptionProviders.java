package io.quarkube.apiserver.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The providers of an EncryptionConfiguration, with upstream's on-disk format so etcd holds what a real API server
 * would: {@code k8s:enc:aesgcm:v1:<key>:} + 12-byte nonce + ciphertext and tag (the etcd key as additional
 * authenticated data), or {@code k8s:enc:aescbc:v1:<key>:} + 16-byte IV + PKCS#7-padded ciphertext. The first
 * provider writes; every provider reads what carries its prefix; {@code identity} reads anything else unchanged.
 */
public final class EncryptionProviders implements ValueTransformer {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One configured key of a provider. */
  public record Key(String provider, String name, byte[] secret) {
    String prefix() {
      return "k8s:enc:" + provider + ":v1:" + name + ":";
    }
  }

  private final List<Key> keys;
  private final boolean identityFirst;
  private final boolean identityAllowed;

  /**
   * @param keys aesgcm/aescbc keys in configuration order (the first one writes unless identity comes first)
   * @param identityFirst the identity provider is listed first (values are written in plain text)
   * @param identityAllowed plain-text values may be read (identity is listed somewhere)
   */
  public EncryptionProviders(List<Key> keys, boolean identityFirst, boolean identityAllowed) {
    this.keys = List.copyOf(keys);
    this.identityFirst = identityFirst;
    this.identityAllowed = identityAllowed;
  }

  @Override
  public byte[] toStorage(byte[] plain, String key) {
    if (identityFirst || keys.isEmpty()) {
      return plain;
    }
    Key k = keys.get(0);
    byte[] prefix = k.prefix().getBytes(StandardCharsets.US_ASCII);
    try {
      byte[] body = switch (k.provider()) {
        case "aesgcm" -> {
          byte[] nonce = new byte[12];
          RANDOM.nextBytes(nonce);
          Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
          c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k.secret(), "AES"), new GCMParameterSpec(128, nonce));
          c.updateAAD(key.getBytes(StandardCharsets.UTF_8));
          yield concat(nonce, c.doFinal(plain));
        }
        case "aescbc" -> {
          byte[] iv = new byte[16];
          RANDOM.nextBytes(iv);
          Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
          c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k.secret(), "AES"), new IvParameterSpec(iv));
          yield concat(iv, c.doFinal(plain));
        }
        default -> throw new IllegalStateException("unknown provider " + k.provider());
      };
      return concat(prefix, body);
    } catch (GeneralSecurityException e) {
      throw new StorageException("encrypting " + key + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] fromStorage(byte[] stored, String key) {
    if (stored == null) {
      return null;
    }
    for (Key k : keys) {
      byte[] prefix = k.prefix().getBytes(StandardCharsets.US_ASCII);
      if (!startsWith(stored, prefix)) {
        continue;
      }
      byte[] body = Arrays.copyOfRange(stored, prefix.length, stored.length);
      try {
        if (k.provider().equals("aesgcm")) {
          Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
          c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k.secret(), "AES"),
              new GCMParameterSpec(128, Arrays.copyOfRange(body, 0, 12)));
          c.updateAAD(key.getBytes(StandardCharsets.UTF_8));
          return c.doFinal(body, 12, body.length - 12);
        }
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k.secret(), "AES"),
            new IvParameterSpec(Arrays.copyOfRange(body, 0, 16)));
        return c.doFinal(body, 16, body.length - 16);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new StorageException("decrypting " + key + " with key " + k.name() + " failed: " + e.getMessage(), e);
      }
    }
    if (startsWith(stored, "k8s:enc:".getBytes(StandardCharsets.US_ASCII))) {
      throw new StorageException("no configured key can decrypt " + key);
    }
    if (!identityAllowed) {
      throw new StorageException(key + " is stored unencrypted and the identity provider is not configured");
    }
    return stored;
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

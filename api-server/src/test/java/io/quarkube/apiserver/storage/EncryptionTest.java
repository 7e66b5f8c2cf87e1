package io.quarkube.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.testing.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Encryption at rest: upstream's formats, key rotation, and no plaintext in a real etcd. */
class EncryptionTest {
  private static final byte[] SECRET = "password=hunter2".getBytes(StandardCharsets.UTF_8);

  private static EncryptionProviders providers(String first, boolean identity) {
    byte[] key = new byte[32];
    key[0] = 7;
    return new EncryptionProviders(List.of(new EncryptionProviders.Key(first, "k1", key)), false, identity);
  }

  @Test
  void aesGcmAndAesCbcRoundTripWithUpstreamsPrefix() {
    for (String p : List.of("aesgcm", "aescbc")) {
      EncryptionProviders t = providers(p, true);
      byte[] stored = t.toStorage(SECRET, "/registry/secrets/ns/a");
      assertTrue(new String(stored, StandardCharsets.ISO_8859_1).startsWith("k8s:enc:" + p + ":v1:k1:"));
      assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("hunter2"));
      assertArrayEquals(SECRET, t.fromStorage(stored, "/registry/secrets/ns/a"));
      assertArrayEquals(SECRET, t.fromStorage(SECRET, "/registry/secrets/ns/old"), "identity reads plain text");
    }
  }

  @Test
  void gcmBindsTheValueToItsKeyAndUnknownKeysFail() {
    EncryptionProviders t = providers("aesgcm", false);
    byte[] stored = t.toStorage(SECRET, "/registry/secrets/ns/a");
    assertThrows(StorageException.class, () -> t.fromStorage(stored, "/registry/secrets/ns/b"));
    assertThrows(StorageException.class, () -> t.fromStorage(SECRET, "/registry/secrets/ns/a"),
        "no identity: plain text is refused");
    byte[] other = new byte[32];
    EncryptionProviders rotated = new EncryptionProviders(List.of(new EncryptionProviders.Key("aesgcm", "k2", other),
        new EncryptionProviders.Key("aesgcm", "k1", key1())), false, false);
    assertArrayEquals(SECRET, rotated.fromStorage(stored, "/registry/secrets/ns/a"), "old key still reads");
  }

  private static byte[] key1() {
    byte[] key = new byte[32];
    key[0] = 7;
    return key;
  }

  @Test
  void configurationNamesResourcesByEtcdPrefix() throws Exception {
    Map<String, ValueTransformer> m = EncryptionAtRest.parse(EncryptionAtRest.generated(), ResourceCatalog.builtIn());
    assertEquals(List.of("/registry/secrets/"), List.copyOf(m.keySet()));
    String yaml = """
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [configmaps, deployments.apps]
            providers:
              - aescbc:
                  keys:
                    - name: k
                      secret: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
        """;
    assertEquals(java.util.Set.of("/registry/configmaps/", "/registry/deployments/"),
        EncryptionAtRest.parse(yaml, ResourceCatalog.builtIn()).keySet());
  }

  @Test
  void etcdHoldsNoPlaintextButReadsListsAndWatchesDecrypt() throws Exception {
    String prefix = "/registry/secrets/enc-" + UUID.randomUUID().toString().substring(0, 6) + "/";
    try (EtcdStorage raw = new EtcdStorage(EtcdServer.shared().endpoint())) {
      TransformingStorage s = new TransformingStorage(raw, Map.of("/registry/secrets/", providers("aesgcm", true)));
      BlockingQueue<StorageEvent> events = new LinkedBlockingQueue<>();
      StorageWatch w = s.watch(prefix, s.currentRevision(), new StorageWatchListener() {
        @Override
        public void onEvents(List<StorageEvent> e) {
          events.addAll(e);
        }

        @Override
        public void onError(Throwable error) {}
      });
      long rev = s.create(prefix + "a", SECRET);
      assertFalse(new String(raw.get(prefix + "a").orElseThrow().value(), StandardCharsets.ISO_8859_1)
          .contains("hunter2"));
      assertArrayEquals(SECRET, s.get(prefix + "a").orElseThrow().value());
      assertArrayEquals(SECRET, s.list(prefix, null, 0, 0).items().get(0).value());
      StorageEvent e = events.poll(10, TimeUnit.SECONDS);
      assertArrayEquals(SECRET, e.value());
      s.update(prefix + "a", "x".getBytes(StandardCharsets.UTF_8), rev);
      StorageException.RevisionMismatch m = assertThrows(StorageException.RevisionMismatch.class,
          () -> s.update(prefix + "a", SECRET, rev));
      assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), m.current().value());
      w.close();
    }
  }
}

package io.quarkube.controllers.serviceaccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceAccountControllersTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final ControllerContext ctx = new ControllerContext(caches, writer, c -> EventRecorder.discarding(), null,
      "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");

  private static Namespace ns(String name, boolean terminating) {
    NamespaceBuilder b = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
    if (terminating) {
      b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().withNewStatus()
          .withPhase("Terminating").endStatus();
    }
    return b.build();
  }

  @Test
  void everyActiveNamespaceGetsADefaultAccountOnce() throws Exception {
    ServiceAccountsController c = new ServiceAccountsController(ctx);
    caches.put(ns("a", false));
    caches.put(ns("gone", true));
    assertEquals(2, c.queue().length(), "a namespace event enqueues its name");
    c.processNextItem();
    c.processNextItem();
    assertEquals(List.of("create ServiceAccount a/default"), writer.actions());
    assertEquals(1, c.queue().length(), "the new account's own event comes back");
    c.processNextItem();
    assertEquals(1, writer.actions().size(), "already there: nothing written");

    caches.remove(caches.indexer(ServiceAccount.class).getByKey("a/default"));
    c.processNextItem();
    assertEquals("create ServiceAccount a/default", writer.actions().get(1), "deleted account is put back");
  }

  @Test
  void rootCaConfigMapIsPublishedAndRepaired() throws Exception {
    RootCaPublisher c = new RootCaPublisher(ctx);
    caches.put(ns("a", false));
    c.processNextItem();
    ConfigMap cm = caches.indexer(ConfigMap.class).getByKey("a/kube-root-ca.crt");
    assertEquals(Map.of("ca.crt", ctx.caCertificatePem()), cm.getData());
    assertTrue(cm.getMetadata().getAnnotations().containsKey("kubernetes.io/description"));
    c.processNextItem(); // its own add event: no change

    caches.put(new ConfigMapBuilder(cm).withData(Map.of("ca.crt", "tampered")).build());
    c.processNextItem();
    assertEquals(Map.of("ca.crt", ctx.caCertificatePem()),
        caches.indexer(ConfigMap.class).getByKey("a/kube-root-ca.crt").getData());
    assertEquals(List.of("create ConfigMap a/kube-root-ca.crt", "update ConfigMap a/kube-root-ca.crt"),
        writer.actions());
  }

  @Test
  void tokenSecretsOfGoneOrRecreatedAccountsAreDeleted() throws Exception {
    TokensController c = new TokensController(ctx, null);
    caches.put(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder().withNewMetadata().withNamespace("a")
        .withName("builder").withUid("u2").endMetadata().build());
    caches.put(token("live", "builder", "u2"));
    caches.put(token("stale-uid", "builder", "u1"));
    caches.put(token("no-account", "ghost", "u9"));
    caches.put(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace("a")
        .withName("plain").endMetadata().withType("Opaque").build());
    while (c.queue().length() > 0) {
      c.processNextItem();
    }
    assertEquals(List.of("delete Secret a/stale-uid Background", "delete Secret a/no-account Background"),
        writer.actions());
  }

  @Test
  void tokenSecretOfALiveAccountGetsTokenCaNamespaceAndUid() throws Exception {
    KeyPair pair = rsaPair();
    TokensController c = new TokensController(ctx, new LegacyTokenGenerator(pair.getPrivate(), pair.getPublic()));
    caches.put(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder().withNewMetadata().withNamespace("a")
        .withName("bot").withUid("u1").endMetadata().build());
    // As users write it: the account's name only.
    caches.put(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace("a")
        .withName("bot-token").withResourceVersion("7")
        .addToAnnotations("kubernetes.io/service-account.name", "bot").endMetadata()
        .withType("kubernetes.io/service-account-token").build());
    while (c.queue().length() > 0) {
      c.processNextItem();
    }
    assertEquals(List.of("update Secret a/bot-token"), writer.actions(), "filled in once, then left alone");

    Secret filled = caches.indexer(Secret.class).getByKey("a/bot-token");
    assertEquals("u1", filled.getMetadata().getAnnotations().get("kubernetes.io/service-account.uid"));
    assertEquals(ctx.caCertificatePem(), decode(filled.getData().get("ca.crt")));
    assertEquals("a", decode(filled.getData().get("namespace")));

    String[] jwt = decode(filled.getData().get("token")).split("\\.");
    assertEquals(3, jwt.length);
    JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt[0]));
    JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt[1]));
    assertEquals("RS256", header.path("alg").asText());
    assertEquals(LegacyTokenGenerator.keyId(pair.getPublic()), header.path("kid").asText());
    assertEquals("kubernetes/serviceaccount", claims.path("iss").asText());
    assertEquals("system:serviceaccount:a:bot", claims.path("sub").asText());
    assertEquals("a", claims.path("kubernetes.io/serviceaccount/namespace").asText());
    assertEquals("bot-token", claims.path("kubernetes.io/serviceaccount/secret.name").asText());
    assertEquals("bot", claims.path("kubernetes.io/serviceaccount/service-account.name").asText());
    assertEquals("u1", claims.path("kubernetes.io/serviceaccount/service-account.uid").asText());
    assertFalse(claims.has("exp"), "legacy tokens do not expire");
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initVerify(pair.getPublic());
    rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(rs256.verify(Base64.getUrlDecoder().decode(jwt[2])), "signed with the service-account key");
  }

  @Test
  void aTokenAlreadyThereIsKeptAndOnlyTheMissingPartsAdded() throws Exception {
    KeyPair pair = rsaPair();
    TokensController c = new TokensController(ctx, new LegacyTokenGenerator(pair.getPrivate(), pair.getPublic()));
    caches.put(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder().withNewMetadata().withNamespace("a")
        .withName("bot").withUid("u1").endMetadata().build());
    String mine = Base64.getEncoder().encodeToString("my-token".getBytes(StandardCharsets.UTF_8));
    caches.put(new io.fabric8.kubernetes.api.model.SecretBuilder(token("bot-token", "bot", "u1"))
        .withData(Map.of("token", mine)).build());
    while (c.queue().length() > 0) {
      c.processNextItem();
    }
    Secret filled = caches.indexer(Secret.class).getByKey("a/bot-token");
    assertEquals(mine, filled.getData().get("token"));
    assertEquals("a", decode(filled.getData().get("namespace")));
  }

  @Test
  void loadsAPkcs8KeyAndNamesItsKeyId(@TempDir Path dir) throws Exception {
    KeyPair pair = rsaPair();
    Path file = dir.resolve("sa.key");
    Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
            pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    String token = LegacyTokenGenerator.load(file).generate(new io.fabric8.kubernetes.api.model
        .ServiceAccountBuilder().withNewMetadata().withNamespace("a").withName("bot").withUid("u1").endMetadata()
        .build(), "s");
    JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
    assertEquals(LegacyTokenGenerator.keyId(pair.getPublic()), header.path("kid").asText());
  }

  private static KeyPair rsaPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static io.fabric8.kubernetes.api.model.Secret token(String name, String account, String uid) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace("a").withName(name)
        .addToAnnotations("kubernetes.io/service-account.name", account)
        .addToAnnotations("kubernetes.io/service-account.uid", uid).endMetadata()
        .withType("kubernetes.io/service-account-token").build();
  }
}

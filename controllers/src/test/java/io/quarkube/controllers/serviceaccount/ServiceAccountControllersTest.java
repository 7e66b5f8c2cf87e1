package io.quarkube.controllers.serviceaccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    TokenCleaner c = new TokenCleaner(ctx);
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

  private static io.fabric8.kubernetes.api.model.Secret token(String name, String account, String uid) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace("a").withName(name)
        .addToAnnotations("kubernetes.io/service-account.name", account)
        .addToAnnotations("kubernetes.io/service-account.uid", uid).endMetadata()
        .withType("kubernetes.io/service-account-token").build();
  }
}

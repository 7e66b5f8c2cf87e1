package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ConfigMap and Secret API checks of upstream's sig-node conformance tests: empty keys refused, a secret patched. */
@ExtendWith(TestNamespace.class)
class ConfigMapSecretApiTest {
  private final KubernetesClient client = Cluster.client();

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Conformance("node.configmap-secret-empty-key")
  @Test
  void emptyKeysAreRefused(String ns) {
    KubernetesClientException cm = assertThrows(KubernetesClientException.class, () -> client.configMaps()
        .inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("configmap-test-emptykey")
            .endMetadata().addToData("", "value-1").build()).create());
    assertEquals(422, cm.getCode(), cm.getMessage());
    assertTrue(cm.getMessage().contains("data[]: Invalid value: \"\""), cm.getMessage());
    KubernetesClientException secret = assertThrows(KubernetesClientException.class, () -> client.secrets()
        .inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("secret-emptykey-test")
            .endMetadata().addToData("", b64("value-1")).build()).create());
    assertEquals(422, secret.getCode(), secret.getMessage());
    assertTrue(secret.getMessage().contains("data[]: Invalid value: \"\""), secret.getMessage());
    assertEquals(null, client.configMaps().inNamespace(ns).withName("configmap-test-emptykey").get());
    assertEquals(null, client.secrets().inNamespace(ns).withName("secret-emptykey-test").get());
  }

  @Conformance("node.secret-patch")
  @Test
  void secretIsPatchedListedAndDeletedByCollection(String ns) {
    String name = "e2e-secret-" + ns;
    String selector = "testsecret-constant=true,e2e=" + ns; // the namespace keeps parallel runs apart
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(name)
        .addToLabels("testsecret-constant", "true").addToLabels("e2e", ns).endMetadata().withType("Opaque")
        .addToData("key", b64("value")).build()).create();
    var all = client.secrets().inAnyNamespace().withLabelSelector(selector).list().getItems();
    assertEquals(1, all.size());
    assertEquals(name, all.get(0).getMetadata().getName());

    client.secrets().inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"metadata\":{\"labels\":{\"testsecret\":\"true\"}},\"data\":{\"key\":\"" + b64("value1") + "\"}}");
    Secret patched = client.secrets().inNamespace(ns).withName(name).get();
    assertEquals("value1", new String(Base64.getDecoder().decode(patched.getData().get("key")),
        StandardCharsets.UTF_8));
    assertEquals("true", patched.getMetadata().getLabels().get("testsecret"));

    client.secrets().inNamespace(ns).withLabelSelector(selector).delete();
    Await.until(Duration.ofSeconds(30), "the secret deleted by collection",
        () -> client.secrets().inAnyNamespace().withLabelSelector(selector).list().getItems().isEmpty());
  }
}

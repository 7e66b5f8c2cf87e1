package io.quarkube.conformance.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Upstream's "should be immutable if `immutable` field is set" of ConfigMaps and Secrets, step by step: data can be
 * updated, then immutable set; after that a data change and turning immutable off are refused as Invalid (422), while
 * a label update and the delete succeed.
 */
@ExtendWith(TestNamespace.class)
class ImmutableConfigDataTest {
  private final KubernetesClient client = Cluster.client();

  private static void assertInvalid(Executable update) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, update);
    assertEquals(422, e.getCode(), e.getMessage());
    assertEquals("Invalid", e.getStatus().getReason(), e.getMessage());
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Conformance("storage.configmap-secret-immutable")
  @Test
  void immutableConfigMap(String ns) {
    var configMaps = client.configMaps().inNamespace(ns);
    ConfigMap current = configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("immutable")
        .endMetadata().withData(Map.of("data-1", "value-1", "data-2", "value-2", "data-3", "value-3")).build())
        .create();
    current.setData(new HashMap<>(current.getData()));
    current.getData().put("data-4", "value-4");
    current = configMaps.resource(current).update();
    current.setImmutable(true);
    current = configMaps.resource(current).update();

    ConfigMap changed = new ConfigMapBuilder(current).addToData("data-5", "value-5").build();
    assertInvalid(() -> configMaps.resource(changed).update());

    current = configMaps.withName("immutable").get();
    assertTrue(current.getImmutable());
    ConfigMap mutable = new ConfigMapBuilder(current).withImmutable(false).build();
    assertInvalid(() -> configMaps.resource(mutable).update());

    current = configMaps.withName("immutable").get();
    current.getMetadata().setLabels(Map.of("label1", "value1"));
    assertEquals("value1", configMaps.resource(current).update().getMetadata().getLabels().get("label1"));
    assertEquals(1, configMaps.withName("immutable").delete().size());
  }

  @Conformance("storage.configmap-secret-immutable")
  @Test
  void immutableSecret(String ns) {
    var secrets = client.secrets().inNamespace(ns);
    Secret current = secrets.resource(new SecretBuilder().withNewMetadata().withName("immutable").endMetadata()
        .withData(Map.of("data-1", b64("value-1\n"), "data-2", b64("value-2\n"), "data-3", b64("value-3\n")))
        .build()).create();
    current.setData(new HashMap<>(current.getData()));
    current.getData().put("data-4", b64("value-4\n"));
    current = secrets.resource(current).update();
    current.setImmutable(true);
    current = secrets.resource(current).update();

    Secret changed = new SecretBuilder(current).addToData("data-5", b64("value-5\n")).build();
    assertInvalid(() -> secrets.resource(changed).update());

    current = secrets.withName("immutable").get();
    assertTrue(current.getImmutable());
    Secret mutable = new SecretBuilder(current).withImmutable(false).build();
    assertInvalid(() -> secrets.resource(mutable).update());

    current = secrets.withName("immutable").get();
    current.getMetadata().setLabels(Map.of("label1", "value1"));
    assertEquals("value1", secrets.resource(current).update().getMetadata().getLabels().get("label1"));
    assertEquals(1, secrets.withName("immutable").delete().size());
  }
}

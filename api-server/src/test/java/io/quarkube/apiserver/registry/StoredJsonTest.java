package io.quarkube.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.json.RawFieldsV1;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A list item from its stored bytes is byte for byte what decoding them and encoding the object again gives. */
class StoredJsonTest {
  @Test
  void podWithEveryMetadataFieldAroundResourceVersion() {
    var mf = new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update").withApiVersion("v1")
        .withTime("2026-11-27T10:00:00Z").withFieldsType("FieldsV1").build();
    mf.setFieldsV1(new RawFieldsV1("{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:a\":{}}},\"f:spec\":{}}"));
    var pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u-1")
        .withGenerateName("p-").withCreationTimestamp("2026-11-27T10:00:00Z").addToFinalizers("x/y")
        .addToLabels("a", "b \"quoted\" \\ and ünïcode").addToAnnotations("resourceVersion", "not this one")
        .addNewOwnerReference().withUid("u-0").withName("o").withKind("ReplicaSet").withApiVersion("apps/v1")
        .endOwnerReference().withManagedFields(mf).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("i").withArgs("{", "}", "[\"").endContainer()
        .endSpec().build();
    check(pod, "v1");
  }

  @Test
  void objectsWithFewerFields() {
    check(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().addToData("k", "v").build(), "v1");
    check(new ConfigMapBuilder().withNewMetadata().withName("c").withSelfLink("/x").endMetadata().build(), "v1");
    check(new ConfigMapBuilder().withNewMetadata().endMetadata().build(), "v1");
    check(new DeploymentBuilder().withNewMetadata().withName("d").withUid("u").endMetadata().withNewSpec()
        .withReplicas(2).withNewTemplate().withNewMetadata().addToLabels("app", "x").endMetadata().endTemplate()
        .endSpec().build(), "apps/v1");
  }

  @Test
  void customResourceWithItsOwnFields() {
    GenericKubernetesResource cr = new GenericKubernetesResource();
    cr.setApiVersion("example.com/v1");
    cr.setKind("Widget");
    cr.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("w").withUid("u").build());
    cr.setAdditionalProperties(Map.of("spec", Map.of("metadata", Map.of("uid", "inner"), "size", 3)));
    check(cr, "example.com/v1");
  }

  @Test
  void anotherStoredVersionOrAnUnexpectedShapeIsDecodedInstead() {
    byte[] stored = Json.bytes(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build());
    assertNull(StoredJson.withResourceVersion(stored, 5, "v2"));
    assertNull(StoredJson.withResourceVersion(
        "{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"3\"}}".getBytes(), 5, "v1"));
    assertNull(StoredJson.withResourceVersion("{\"metadata\":{},\"apiVersion\":\"v1\"}".getBytes(), 5, "v1"));
    assertNull(StoredJson.withResourceVersion("[1,2]".getBytes(), 5, "v1"));
    assertNull(StoredJson.withResourceVersion("{\"apiVersion\":\"v1\",\"metadata\":{\"na".getBytes(), 5, "v1"));
    assertEquals("{ \"apiVersion\" : \"v1\", \"metadata\" : {\"name\": \"a\",\"resourceVersion\":\"5\"} }",
        new String(StoredJson.withResourceVersion(
            "{ \"apiVersion\" : \"v1\", \"metadata\" : {\"name\": \"a\"} }".getBytes(), 5, "v1"),
            StandardCharsets.UTF_8));
  }

  private static void check(HasMetadata obj, String apiVersion) {
    obj.getMetadata().setResourceVersion(null);
    byte[] stored = Json.bytes(obj);
    obj.getMetadata().setResourceVersion("1234567");
    String expected = new String(Json.bytes(Json.read(Json.bytes(obj), obj.getClass())), StandardCharsets.UTF_8);
    assertEquals(expected, new String(StoredJson.withResourceVersion(stored, 1234567, apiVersion),
        StandardCharsets.UTF_8));
  }
}

package io.quarkube.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.apiserver.json.Json;
import org.junit.jupiter.api.Test;

/** One encoding gives exactly the bytes of encoding the object without and with its resourceVersion. */
class VersionedJsonTest {
  @Test
  void podStoredAndResponseBytesMatchTwoEncodings() {
    Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("u-1")
        .addToLabels("a", "b").addNewOwnerReference().withUid("u-1").withName("o").withKind("ReplicaSet")
        .withApiVersion("apps/v1").endOwnerReference().endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build();
    check(pod);
  }

  @Test
  void objectWithoutUidAndOtherFieldsAfterResourceVersion() {
    check(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().addToData("k", "resourceVersion")
        .build());
    ConfigMap withSelfLink = new ConfigMapBuilder().withNewMetadata().withName("c").withSelfLink("/x").endMetadata()
        .build();
    check(withSelfLink);
  }

  @Test
  void resourceVersionOfTheObjectIsKept() {
    Pod pod = new PodBuilder().withNewMetadata().withName("p").withResourceVersion("7").endMetadata().build();
    VersionedJson.encode(pod);
    assertEquals("7", pod.getMetadata().getResourceVersion());
  }

  private static void check(HasMetadata obj) {
    String rv = obj.getMetadata().getResourceVersion();
    VersionedJson json = VersionedJson.encode(obj);
    obj.getMetadata().setResourceVersion(null);
    assertArrayEquals(Json.bytes(obj), json.stored());
    obj.getMetadata().setResourceVersion("123456");
    assertArrayEquals(Json.bytes(obj), json.withResourceVersion(123456));
    obj.getMetadata().setResourceVersion(rv);
  }
}

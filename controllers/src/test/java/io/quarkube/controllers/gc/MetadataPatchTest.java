package io.quarkube.controllers.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import org.junit.jupiter.api.Test;

class MetadataPatchTest {
  @Test
  void ownersAndFinalizersWithTheResourceVersion() {
    String patch = MetadataPatch.of(new ObjectMetaBuilder().withName("x").withResourceVersion("12")
        .withLabels(java.util.Map.of("not", "sent"))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap").withName("o")
            .withUid("u").withBlockOwnerDeletion(false).build())
        .withFinalizers("a").build());
    assertEquals("{\"metadata\":{\"resourceVersion\":\"12\",\"ownerReferences\":[{\"apiVersion\":\"v1\","
        + "\"kind\":\"ConfigMap\",\"blockOwnerDeletion\":false,\"name\":\"o\",\"uid\":\"u\"}],"
        + "\"finalizers\":[\"a\"]}}", patch);
  }

  @Test
  void emptyListsAreRemoved() {
    assertEquals("{\"metadata\":{\"resourceVersion\":\"3\",\"ownerReferences\":null,\"finalizers\":null}}",
        MetadataPatch.of(new ObjectMetaBuilder().withResourceVersion("3").build()));
  }
}

package io.quarkube.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import org.junit.jupiter.api.Test;

class MetadataOnlySerializationTest {
  private static final String POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
      + "\"namespace\":\"ns\",\"uid\":\"u1\",\"resourceVersion\":\"7\",\"finalizers\":[\"f\"],"
      + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"u0\","
      + "\"controller\":true,\"blockOwnerDeletion\":true}],\"managedFields\":[{\"manager\":\"m\","
      + "\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{}}}]},"
      + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]},\"status\":{\"phase\":\"Running\"}}";

  private final MetadataOnlySerialization serialization = new MetadataOnlySerialization();

  @Test
  void aWatchedPodIsItsMetadataOnly() {
    WatchEvent e = serialization.unmarshal("{\"type\":\"ADDED\",\"object\":" + POD + "}", WatchEvent.class);
    GenericKubernetesResource r = assertInstanceOf(GenericKubernetesResource.class, e.getObject());
    assertEquals("v1", r.getApiVersion());
    assertEquals("Pod", r.getKind());
    assertEquals("p", r.getMetadata().getName());
    assertEquals("7", r.getMetadata().getResourceVersion());
    assertEquals(java.util.List.of("f"), r.getMetadata().getFinalizers());
    assertEquals("u0", r.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals(true, r.getMetadata().getOwnerReferences().get(0).getBlockOwnerDeletion());
    assertTrue(r.getMetadata().getManagedFields().isEmpty(), "managed fields are skipped");
    assertTrue(r.getAdditionalProperties().isEmpty(), "spec and status are skipped: " + r.getAdditionalProperties());
  }

  @Test
  void aListsItemsAreMetadataOnlyToo() {
    GenericKubernetesResourceList list = serialization.unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"PodList\","
        + "\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[" + POD + "]}", GenericKubernetesResourceList.class);
    assertEquals("9", list.getMetadata().getResourceVersion());
    assertEquals("u1", list.getItems().get(0).getMetadata().getUid());
    assertTrue(list.getItems().get(0).getAdditionalProperties().isEmpty());
  }

  @Test
  void aWatchErrorKeepsItsStatus() {
    WatchEvent e = serialization.unmarshal("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
        + "\"v1\",\"metadata\":{},\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410}}", WatchEvent.class);
    assertEquals(410, assertInstanceOf(Status.class, e.getObject()).getCode());
  }

  @Test
  void nullMetadataAndUnknownKindsAreRead() {
    WatchEvent e = serialization.unmarshal("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Widget\",\"apiVersion\":"
        + "\"example.com/v1\",\"metadata\":null,\"spec\":{\"a\":[1,{\"b\":2}]}}}", WatchEvent.class);
    GenericKubernetesResource r = assertInstanceOf(GenericKubernetesResource.class, e.getObject());
    assertEquals("Widget", r.getKind());
    assertNull(r.getMetadata());
  }
}

package io.quarkube.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import org.junit.jupiter.api.Test;

class LeanSerializationTest {
  private final LeanSerialization serialization = new LeanSerialization();

  private Object objectOf(String object) {
    WatchEvent e = serialization.unmarshal("{\"type\":\"ADDED\",\"object\":" + object + "}", WatchEvent.class);
    return e.getObject();
  }

  @Test
  void watchEventObjectsGetTheirKindsModelClass() {
    Pod pod = assertInstanceOf(Pod.class, objectOf("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}"));
    assertEquals("p", pod.getMetadata().getName());
    assertInstanceOf(Deployment.class, objectOf("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"}}"));
    assertInstanceOf(CronJob.class, objectOf("{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\"}"));
  }

  @Test
  void kindsOfOtherVersionsOrWithoutModelClassStayGeneric() {
    // Fabric8 has CronJob in batch/v1 and batch/v1beta1 only: batch/v2 is nobody's.
    assertInstanceOf(GenericKubernetesResource.class, objectOf("{\"apiVersion\":\"batch/v2\",\"kind\":\"CronJob\"}"));
    GenericKubernetesResource r = assertInstanceOf(GenericKubernetesResource.class,
        objectOf("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"a\":1}}"));
    assertEquals("w", r.getMetadata().getName());
    assertEquals(1, ((java.util.Map<?, ?>) r.getAdditionalProperties().get("spec")).get("a"));
  }

  @Test
  void arraysBecomeLists() {
    KubernetesList list = assertInstanceOf(KubernetesList.class,
        objectOf("[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}]"));
    assertInstanceOf(Pod.class, list.getItems().get(0));
  }

  @Test
  void theClassRegisteredForAKindIsFoundByApiVersion() {
    assertEquals(Pod.class, serialization.getRegisteredKubernetesResource("v1", "Pod"));
    assertEquals(Deployment.class, serialization.getRegisteredKubernetesResource("apps/v1", "Deployment"));
    assertEquals(null, serialization.getRegisteredKubernetesResource("v1", "NoSuchKind"));
  }

  @Test
  void managedFieldsAreSkippedWhenReadingAndNeverWritten() {
    Pod pod = assertInstanceOf(Pod.class, objectOf("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
        + "\"name\":\"p\",\"managedFields\":[{\"manager\":\"m\",\"operation\":\"Update\",\"fieldsType\":"
        + "\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{}}}],\"labels\":{\"a\":\"b\"}}}"));
    assertTrue(pod.getMetadata().getManagedFields().isEmpty());
    assertEquals("b", pod.getMetadata().getLabels().get("a"));
    // An empty list would reset them on the server: what is written has none at all, so the stored ones stay.
    assertTrue(!serialization.asJson(pod).contains("managedFields"), serialization.asJson(pod));
  }

  @Test
  void theIndexListsEveryModelClassWithoutLoadingThem() {
    assertTrue(new ModelClassIndex(LeanSerialization.class.getClassLoader()).size() > 300);
  }

  /**
   * Objects carry field names of their own (label keys, managed fields' {@code k:{"uid":...}} keys). With Jackson's
   * shared table of field names, every read that met a new one copied the whole table (hundreds of KB once grown).
   */
  @Test
  void readingObjectsWithNamesOfTheirOwnDoesNotCopyASharedNameTable() {
    // the first 3,000 reads fill the table, if there is one
    long perRead = io.quarkube.testing.Allocations.perCall(3000, 3000, i -> objectOf(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"labels\":{\"key-" + i + "\":\"v\"}}}"));
    // ~10 KB per read without the table; with it, every read copied ~100 KB or more
    assertTrue(perRead < 40_000, "allocated " + perRead + " bytes per read");
  }
}

package io.quarkube.apiserver.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawFieldsV1Test {
  private static final String FIELDS = "{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":"
      + "{\"f:containers\":{\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{}}}}}";
  private static final String POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"managedFields\":["
      + "{\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":" + FIELDS + ",\"manager\":\"kubectl\","
      + "\"operation\":\"Update\",\"time\":\"2026-11-27T01:00:00Z\"}],\"name\":\"p\",\"namespace\":\"ns\"},"
      + "\"spec\":{\"containers\":[{\"image\":\"busybox\",\"name\":\"app\"}]}}";

  private static FieldsV1 fieldsOf(Pod pod) {
    return pod.getMetadata().getManagedFields().get(0).getFieldsV1();
  }

  @Test
  void aStoredObjectsFieldsAreKeptAsTextAndWrittenBackByteForByte() {
    Pod pod = Json.read(POD.getBytes(StandardCharsets.UTF_8), Pod.class);
    assertInstanceOf(RawFieldsV1.class, fieldsOf(pod));
    assertEquals(FIELDS, ((RawFieldsV1) fieldsOf(pod)).raw());
    assertEquals(POD, new String(Json.bytes(pod), StandardCharsets.UTF_8));
  }

  @Test
  void readersOfTheModelStillSeeTheStructure() throws Exception {
    Pod pod = Json.read(POD.getBytes(StandardCharsets.UTF_8), Pod.class);
    // the field manager reads managedFields from the object's tree: objects there, not a string
    JsonNode tree = Json.tree(pod).at("/metadata/managedFields/0/fieldsV1");
    assertTrue(tree.isObject());
    assertEquals(FIELDS, tree.toString());
    // Fabric8's accessors parse the text when asked
    Map<String, Object> props = fieldsOf(pod).getAdditionalProperties();
    assertEquals(Map.of("f:labels", Map.of(".", Map.of(), "f:app", Map.of())), props.get("f:metadata"));
    // pretty-printed output is indented as a whole, the kept text included
    String pretty = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(pod);
    assertTrue(pretty.contains("\"f:labels\" : {"), pretty);
  }

  @Test
  void editingTheMapsWritesTheEditedMaps() {
    Pod pod = Json.read(POD.getBytes(StandardCharsets.UTF_8), Pod.class);
    fieldsOf(pod).setAdditionalProperty("f:status", Map.of());
    assertTrue(Json.tree(pod).at("/metadata/managedFields/0/fieldsV1").path("f:status").isObject());
    assertTrue(new String(Json.bytes(pod), StandardCharsets.UTF_8).contains("\"f:status\":{}"));
  }

  @Test
  void equalityIsByContentWhateverTheForm() {
    Pod one = Json.read(POD.getBytes(StandardCharsets.UTF_8), Pod.class);
    Pod two = Json.read(POD.getBytes(StandardCharsets.UTF_8), Pod.class);
    assertEquals(one, two);
    FieldsV1 plain = new FieldsV1();
    fieldsOf(one).getAdditionalProperties().forEach(plain::setAdditionalProperty);
    assertEquals(plain, fieldsOf(two));
    assertEquals(fieldsOf(two), plain);
  }

  @Test
  void aFieldsV1ThatIsNotAnObjectIsRefusedAsBefore() {
    String bad = POD.replace(FIELDS, "\"f:spec\"");
    assertThrows(IllegalStateException.class, () -> Json.read(bad.getBytes(StandardCharsets.UTF_8), Pod.class));
  }
}

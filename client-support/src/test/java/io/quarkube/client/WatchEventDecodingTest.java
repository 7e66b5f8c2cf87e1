package io.quarkube.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** Watch events read straight into their classes ({@link LeanSerialization}) equal what Fabric8's own reading makes. */
class WatchEventDecodingTest {
  private static final String POD_BODY = "\"metadata\":{\"name\":\"p0\",\"namespace\":\"ns\",\"uid\":\"u\","
      + "\"resourceVersion\":\"7\",\"labels\":{\"a\":\"b\"}},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":"
      + "\"c\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"500Mi\"}}}],"
      + "\"someFutureField\":{\"x\":[1,2]}},\"status\":{\"phase\":\"Pending\",\"conditions\":[{\"type\":"
      + "\"PodScheduled\",\"status\":\"True\"}]}";

  private final KubernetesSerialization streaming = new LeanSerialization();
  private final KubernetesSerialization fabric8 = new KubernetesSerialization();

  private WatchEvent both(String json) {
    WatchEvent ours = streaming.unmarshal(json, WatchEvent.class);
    WatchEvent theirs = fabric8.unmarshal(json, WatchEvent.class);
    assertEquals(theirs.getType(), ours.getType());
    assertEquals(theirs.getObject(), ours.getObject());
    return ours;
  }

  @Test
  void aPodWithKindFirstIsReadStraightIntoAPod() {
    WatchEvent e = both("{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\"," + POD_BODY
        + "}}");
    Pod pod = assertInstanceOf(Pod.class, e.getObject());
    assertEquals("n1", pod.getSpec().getNodeName());
    assertEquals("100m", pod.getSpec().getContainers().get(0).getResources().getRequests().get("cpu").toString());
    assertEquals("b", pod.getMetadata().getLabels().get("a"));
    assertEquals(java.util.Map.of("x", java.util.List.of(1, 2)),
        pod.getSpec().getAdditionalProperties().get("someFutureField"));
  }

  @Test
  void kindAfterOtherFieldsAndTypeAfterObject() {
    WatchEvent e = both("{\"object\":{" + POD_BODY + ",\"kind\":\"Pod\",\"apiVersion\":\"v1\"},\"type\":\"ADDED\"}");
    assertInstanceOf(Pod.class, e.getObject());
    assertEquals("ADDED", e.getType());
  }

  @Test
  void anErrorCarriesAStatus() {
    WatchEvent e = both("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
        + "\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\",\"code\":410}}");
    assertEquals(410, assertInstanceOf(Status.class, e.getObject()).getCode());
  }

  @Test
  void anUnknownKindTakesTheGenericPath() {
    WatchEvent e = both("{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\","
        + "\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":3}}}");
    assertInstanceOf(GenericKubernetesResource.class, e.getObject());
  }

  @Test
  void aBookmarkAndObjectsWithoutKind() {
    WatchEvent e = both("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
        + "{\"resourceVersion\":\"12\"}}}");
    assertEquals("12", assertInstanceOf(Pod.class, e.getObject()).getMetadata().getResourceVersion());
    WatchEvent nothing = streaming.unmarshal("{\"type\":\"ADDED\",\"object\":null}", WatchEvent.class);
    assertNull(nothing.getObject());
    WatchEvent empty = both("{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\"}}");
    assertEquals("ADDED", empty.getType());
  }
}

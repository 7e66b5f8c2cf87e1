package io.quarkube.apiserver.registry.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.quarkube.apiserver.json.Json;
import org.junit.jupiter.api.Test;

/** events.k8s.io/v1 ↔ core/v1 Events, upstream's field mapping both ways. */
class EventConversionTest {
  private static final String V1 = """
      {"apiVersion":"events.k8s.io/v1","kind":"Event",
       "metadata":{"name":"e1","namespace":"ns","labels":{"a":"b"},"uid":"u-1","resourceVersion":"42"},
       "eventTime":"2025-01-02T03:04:05.123456Z",
       "series":{"count":3,"lastObservedTime":"2025-01-02T03:05:00.000001Z"},
       "reportingController":"example.com/ctl","reportingInstance":"ctl-0","action":"Scale","reason":"Scaled",
       "regarding":{"apiVersion":"apps/v1","kind":"Deployment","namespace":"ns","name":"web","uid":"u-2",
         "resourceVersion":"7","fieldPath":"spec"},
       "related":{"apiVersion":"v1","kind":"Pod","namespace":"ns","name":"web-1"},
       "note":"scaled up","type":"Normal",
       "deprecatedSource":{"component":"ctl","host":"node-1"},
       "deprecatedFirstTimestamp":"2025-01-02T03:04:05Z","deprecatedLastTimestamp":"2025-01-02T03:05:00Z",
       "deprecatedCount":3}""";

  @Test
  void v1ToCoreAndBack() {
    var v1 = Json.convert(Json.treeOf(V1.getBytes()), io.fabric8.kubernetes.api.model.events.v1.Event.class);
    Event core = EventConversion.toCore(v1);
    JsonNode c = Json.tree(core);
    assertEquals("v1", c.path("apiVersion").asText());
    assertEquals("Event", c.path("kind").asText());
    assertEquals("e1", c.at("/metadata/name").asText());
    assertEquals("b", c.at("/metadata/labels/a").asText());
    assertEquals("42", c.at("/metadata/resourceVersion").asText());
    assertEquals("web", c.at("/involvedObject/name").asText());
    assertEquals("spec", c.at("/involvedObject/fieldPath").asText());
    assertEquals("u-2", c.at("/involvedObject/uid").asText());
    assertEquals("scaled up", c.path("message").asText());
    assertEquals("example.com/ctl", c.path("reportingComponent").asText());
    assertEquals("ctl-0", c.path("reportingInstance").asText());
    assertEquals("ctl", c.at("/source/component").asText());
    assertEquals("node-1", c.at("/source/host").asText());
    assertEquals("2025-01-02T03:04:05Z", c.path("firstTimestamp").asText());
    assertEquals("2025-01-02T03:05:00Z", c.path("lastTimestamp").asText());
    assertEquals(3, c.path("count").asInt());
    assertEquals("2025-01-02T03:04:05.123456Z", c.path("eventTime").asText());
    assertEquals(3, c.at("/series/count").asInt());
    assertEquals("2025-01-02T03:05:00.000001Z", c.at("/series/lastObservedTime").asText());
    assertEquals("Scale", c.path("action").asText());
    assertEquals("Scaled", c.path("reason").asText());
    assertEquals("Normal", c.path("type").asText());
    assertEquals("web-1", c.at("/related/name").asText());
    for (String v1Only : new String[] {"regarding", "note", "reportingController", "deprecatedSource",
        "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount"}) {
      assertFalse(c.has(v1Only), v1Only);
    }

    // and back: the same events.k8s.io/v1 object
    assertEquals(Json.treeOf(V1.getBytes()), Json.tree(EventConversion.toV1(core)));
  }

  @Test
  void coreToV1() {
    Event core = Json.convert(Json.treeOf(("""
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"p.1","namespace":"ns"},
         "involvedObject":{"apiVersion":"v1","kind":"Pod","namespace":"ns","name":"p"},
         "reason":"Started","message":"Started container c","type":"Normal",
         "source":{"component":"kubelet","host":"node-1"},"reportingComponent":"kubelet","reportingInstance":"node-1",
         "firstTimestamp":"2025-01-02T03:04:05Z","lastTimestamp":"2025-01-02T03:04:06Z","count":2}""").getBytes()),
        Event.class);
    JsonNode v = Json.tree(EventConversion.toV1(core));
    assertEquals("events.k8s.io/v1", v.path("apiVersion").asText());
    assertEquals("p", v.at("/regarding/name").asText());
    assertEquals("Started container c", v.path("note").asText());
    assertEquals("kubelet", v.path("reportingController").asText());
    assertEquals("node-1", v.path("reportingInstance").asText());
    assertEquals("kubelet", v.at("/deprecatedSource/component").asText());
    assertEquals("2025-01-02T03:04:05Z", v.path("deprecatedFirstTimestamp").asText());
    assertEquals("2025-01-02T03:04:06Z", v.path("deprecatedLastTimestamp").asText());
    assertEquals(2, v.path("deprecatedCount").asInt());
    for (String coreOnly : new String[] {"involvedObject", "message", "reportingComponent", "source",
        "firstTimestamp", "lastTimestamp", "count"}) {
      assertFalse(v.has(coreOnly), coreOnly);
    }
  }
}

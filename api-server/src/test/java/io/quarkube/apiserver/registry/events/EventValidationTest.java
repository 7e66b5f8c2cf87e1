package io.quarkube.apiserver.registry.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Event;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.core.EventStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** core/v1 events are validated leniently (legacy), events.k8s.io/v1 events strictly, as upstream. */
class EventValidationTest {
  private static final EventsV1Strategy V1 = new EventsV1Strategy();
  private static final EventStrategy CORE = new EventStrategy();

  private static io.fabric8.kubernetes.api.model.events.v1.Event v1(String json) {
    return Json.convert(Json.treeOf(json.getBytes()), io.fabric8.kubernetes.api.model.events.v1.Event.class);
  }

  private static Event core(String json) {
    return Json.convert(Json.treeOf(json.getBytes()), Event.class);
  }

  private static List<String> fields(List<FieldError> errors) {
    return errors.stream().map(e -> e.field() + ":" + e.type()).sorted().toList();
  }

  private static final String VALID_V1 = """
      {"metadata":{"name":"e","namespace":"ns"},"eventTime":"2025-01-02T03:04:05.000000Z",
       "reportingController":"example.com/ctl","reportingInstance":"ctl-0","action":"Scale","reason":"Scaled",
       "regarding":{"kind":"Deployment","namespace":"ns","name":"web"},"note":"hi","type":"Normal"}""";

  @Test
  void eventsV1IsStrict() {
    assertEquals(List.of(), V1.validate(v1(VALID_V1)));
    // no eventTime, reportingController, reportingInstance, action, type
    assertEquals(List.of("eventTime:REQUIRED", "type:INVALID"), fields(V1.validate(v1("""
        {"metadata":{"name":"e","namespace":"ns"},"reason":"Scaled",
         "regarding":{"kind":"Deployment","namespace":"ns","name":"web"},"note":"hi"}"""))));
    assertEquals(List.of("action:REQUIRED", "reportingController:REQUIRED", "reportingInstance:REQUIRED"),
        fields(V1.validate(v1("""
        {"metadata":{"name":"e","namespace":"ns"},"eventTime":"2025-01-02T03:04:05.000000Z","reason":"Scaled",
         "regarding":{"kind":"Deployment","namespace":"ns","name":"web"},"type":"Warning"}"""))));
    // the deprecated fields must be unset; a series needs count >= 2 and lastObservedTime
    assertEquals(List.of("count:INVALID", "firstTimestamp:INVALID", "lastTimestamp:INVALID", "series.count:INVALID",
        "series.lastObservedTime:REQUIRED", "source:INVALID"),
        fields(V1.validate(v1(VALID_V1.replace("\"type\":\"Normal\"", "\"type\":\"Normal\",\"deprecatedCount\":2,"
            + "\"deprecatedFirstTimestamp\":\"2025-01-02T03:04:05Z\",\"deprecatedLastTimestamp\":\"2025-01-02T03:04:05Z\","
            + "\"deprecatedSource\":{\"component\":\"x\"},\"series\":{\"count\":1}")))));
  }

  @Test
  void eventsV1UpdatesOnlySeriesAndMetadata() {
    var old = v1(VALID_V1);
    var withSeries = v1(VALID_V1.replace("\"type\":\"Normal\"",
        "\"type\":\"Normal\",\"series\":{\"count\":2,\"lastObservedTime\":\"2025-01-02T03:05:05.000000Z\"}"));
    withSeries.getMetadata().setLabels(java.util.Map.of("a", "b"));
    assertEquals(List.of(), V1.validateUpdate(withSeries, old));
    var changed = v1(VALID_V1.replace("\"note\":\"hi\"", "\"note\":\"other\"").replace("Scaled", "Other"));
    assertEquals(List.of("message:INVALID", "reason:INVALID"), fields(V1.validateUpdate(changed, old)));
  }

  @Test
  void coreIsLegacy() {
    // what a core client (kubectl, client-go's record package) writes: no eventTime, action or reporting fields
    Event legacy = core("""
        {"metadata":{"name":"p.1","namespace":"ns"},"involvedObject":{"kind":"Pod","namespace":"ns","name":"p"},
         "reason":"Started","message":"m","source":{"component":"kubelet"},"firstTimestamp":"2025-01-02T03:04:05Z",
         "lastTimestamp":"2025-01-02T03:04:05Z","count":1}""");
    assertEquals(List.of(), CORE.validate(legacy));
    // cluster-scoped objects' events in "default"
    assertEquals(List.of(), CORE.validate(core("""
        {"metadata":{"name":"n.1","namespace":"default"},"involvedObject":{"kind":"Node","name":"n"},"reason":"R"}""")));
    assertEquals(List.of("involvedObject.namespace:INVALID"), fields(CORE.validate(core("""
        {"metadata":{"name":"p.1","namespace":"ns"},"involvedObject":{"kind":"Pod","namespace":"other","name":"p"}}"""))));
    // a core event with an eventTime is a new-style one and needs its reporting fields even through core
    assertEquals(List.of("action:REQUIRED", "reason:REQUIRED", "reportingController:REQUIRED",
        "reportingInstance:REQUIRED"), fields(CORE.validate(core("""
        {"metadata":{"name":"p.1","namespace":"ns"},"involvedObject":{"kind":"Pod","namespace":"ns","name":"p"},
         "eventTime":"2025-01-02T03:04:05.000000Z"}"""))));
  }

  @Test
  void fieldSelectorsByVersion() {
    var values = V1.fieldValues(v1(VALID_V1));
    assertEquals("web", values.get("regarding.name"));
    assertEquals("example.com/ctl", values.get("reportingController"));
    assertEquals("example.com/ctl", values.get("source"));
    assertEquals(false, V1.selectableFields().contains("involvedObject.name"));
    assertEquals("kubelet", CORE.fieldValues(core("""
        {"metadata":{"name":"p.1","namespace":"ns"},"reportingComponent":"kubelet"}""")).get("source"));
  }
}

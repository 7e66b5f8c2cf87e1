package io.quarkube.apiserver.table;

import static io.quarkube.apiserver.table.Cells.at;
import static io.quarkube.apiserver.table.Cells.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code kubectl get events}: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (wide: SUBOBJECT, SOURCE, FIRST SEEN, COUNT,
 * NAME). Upstream prints events.k8s.io/v1 events through the same printer after converting them to core events;
 * {@link #forEventsV1()} does that conversion on the fields the columns read.
 */
final class EventPrinter implements Printer {
  private static final List<Column> COLUMNS = List.of(
      Column.string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
      Column.string("Type", "Type of this event (Normal, Warning)."),
      Column.string("Reason", "A short, machine understandable string that gives the reason for this event."),
      Column.string("Object", "The object that this event is about."),
      Column.string("Subobject", "The part of the object this event is about, e.g. a container.").wide(),
      Column.string("Source", "The component reporting this event.").wide(),
      Column.string("Message", "A human-readable description of the status of this operation."),
      Column.string("First Seen", "The time at which the event was first recorded.").wide(),
      Column.string("Count", "The number of times this event has occurred.").wide(),
      new Column("Name", "string", "name", Column.NAME_DESCRIPTION, 1));

  private final boolean eventsV1;

  private EventPrinter(boolean eventsV1) {
    this.eventsV1 = eventsV1;
  }

  static EventPrinter forCoreEvents() {
    return new EventPrinter(false);
  }

  static EventPrinter forEventsV1() {
    return new EventPrinter(true);
  }

  @Override
  public List<Column> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(JsonNode object, Instant now) {
    JsonNode e = eventsV1 ? asCoreEvent(object) : object;
    String first = Cells.since(e.path("firstTimestamp"), now);
    if (Cells.time(e.path("firstTimestamp")) == null) {
      first = Cells.since(e.path("eventTime"), now);
    }
    String last = Cells.time(e.path("lastTimestamp")) == null ? first : Cells.since(e.path("lastTimestamp"), now);
    long count = e.path("count").asLong(0);
    if (e.path("series").isObject()) {
      last = Cells.since(at(e, "series", "lastObservedTime"), now);
      count = at(e, "series", "count").asLong(0);
    } else if (count == 0) {
      // singleton events of the new API carry no count
      count = 1;
    }
    String kind = text(e, "involvedObject", "kind").toLowerCase(Locale.ROOT);
    String involvedName = text(e, "involvedObject", "name");
    String target = involvedName.isEmpty() ? kind : kind + "/" + involvedName;
    return List.of(last, text(e, "type"), text(e, "reason"), target, text(e, "involvedObject", "fieldPath"),
        source(e), text(e, "message").strip(), first, count, Cells.name(e));
  }

  /** Upstream's {@code formatEventSource}: component (or reporting controller), then host (or instance). */
  private static String source(JsonNode e) {
    String component = firstNonEmpty(text(e, "source", "component"), text(e, "reportingComponent"));
    String instance = firstNonEmpty(text(e, "source", "host"), text(e, "reportingInstance"));
    return instance.isEmpty() ? component : component + ", " + instance;
  }

  private static String firstNonEmpty(String a, String b) {
    return a.isEmpty() ? b : a;
  }

  /** The core/v1 names of the events.k8s.io/v1 fields the columns read. */
  private static JsonNode asCoreEvent(JsonNode v1) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    copy(v1, "metadata", e, "metadata");
    copy(v1, "regarding", e, "involvedObject");
    copy(v1, "note", e, "message");
    copy(v1, "type", e, "type");
    copy(v1, "reason", e, "reason");
    copy(v1, "deprecatedFirstTimestamp", e, "firstTimestamp");
    copy(v1, "deprecatedLastTimestamp", e, "lastTimestamp");
    copy(v1, "deprecatedCount", e, "count");
    copy(v1, "deprecatedSource", e, "source");
    copy(v1, "eventTime", e, "eventTime");
    copy(v1, "series", e, "series");
    copy(v1, "reportingController", e, "reportingComponent");
    copy(v1, "reportingInstance", e, "reportingInstance");
    return e;
  }

  private static void copy(JsonNode from, String fromField, ObjectNode to, String toField) {
    if (from.has(fromField)) {
      to.set(toField, from.get(fromField));
    }
  }
}

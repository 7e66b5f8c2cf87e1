package io.quarkube.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The printers by {@code group/resource} ({@code /pods} for the core group). Resources upstream gives no printer
 * (roles, cluster roles, limit ranges, and anything new) get upstream's default table: NAME and CREATED AT.
 */
final class Printers {
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX")
      .withZone(ZoneOffset.UTC);

  /** Upstream's {@code rest.defaultTableConvertor}: the creation time as an RFC 3339 timestamp, not an age. */
  static final Printer DEFAULT = Printer.of(
      List.of(Column.objectName(), new Column("Created At", "date", "", Column.AGE_DESCRIPTION, 0)),
      Printers::defaultCells);

  private Printers() {}

  static Map<String, Printer> builtIn() {
    Map<String, Printer> m = new HashMap<>();
    CorePrinters.register(m);
    m.put("/events", EventPrinter.forCoreEvents());
    m.put("events.k8s.io/events", EventPrinter.forEventsV1());
    WorkloadPrinters.register(m);
    NetworkingPrinters.register(m);
    PolicyPrinters.register(m);
    AutoscalingPrinters.register(m);
    FlowControlPrinters.register(m);
    return Map.copyOf(m);
  }

  private static List<Object> defaultCells(JsonNode o, Instant now) {
    Instant created = Cells.time(Cells.at(o, "metadata", "creationTimestamp"));
    // Go formats the zero time when the field is unset.
    String cell = created == null ? "0001-01-01T00:00:00Z" : RFC3339.format(created.truncatedTo(ChronoUnit.SECONDS));
    return List.of(Cells.name(o), cell);
  }
}

package io.quarkube.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.List;

/**
 * The table form of one resource: its columns and, per object, the cells. Cells are computed for every column
 * including the wide ones, as upstream's server does; kubectl drops what it does not show.
 */
interface Printer {
  List<Column> columns();

  /** One cell per column: a String, a Long or a Boolean, as upstream's types for the column say. */
  List<Object> cells(JsonNode object, Instant now);

  /** The row's {@code conditions} (upstream marks finished pods {@code Completed}); null for none. */
  default ArrayNode conditions(JsonNode object) {
    return null;
  }

  /** A printer from a column list and a cell function. */
  static Printer of(List<Column> columns, CellFunction cells) {
    return new Printer() {
      @Override
      public List<Column> columns() {
        return columns;
      }

      @Override
      public List<Object> cells(JsonNode object, Instant now) {
        return cells.cells(object, now);
      }
    };
  }

  /** Computes the cells of one object. */
  @FunctionalInterface
  interface CellFunction {
    List<Object> cells(JsonNode object, Instant now);
  }
}

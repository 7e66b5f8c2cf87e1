package io.quarkube.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Renders objects as a {@code meta.k8s.io/v1} Table, the form {@code kubectl get} asks for with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}. The columns and cells are upstream's printers';
 * kubectl only lays them out, so what is computed here is what users see.
 */
public final class TableConverter {
  /** {@code includeObject} values of upstream's TableOptions. */
  public static final String INCLUDE_NONE = "None";
  public static final String INCLUDE_METADATA = "Metadata";
  public static final String INCLUDE_OBJECT = "Object";

  private final Map<String, Printer> printers = Printers.builtIn();

  public TableConverter() {}

  /**
   * Builds the table of a list (or of one object: a list of one).
   *
   * @param resourceVersion the list's resourceVersion, or null
   * @param continueToken the list's continue token, or null/empty for the last page
   * @param includeObject {@code None}, {@code Metadata} (the default, also for null) or {@code Object}: what each
   *     row carries in {@code object}
   * @param now the time AGE columns count to
   */
  public ObjectNode toTable(ResourceDefinition def, List<ObjectNode> objects, String resourceVersion,
      String continueToken, String includeObject, Instant now) {
    Printer printer = printer(def);
    ObjectNode table = Json.MAPPER.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    if (resourceVersion != null && !resourceVersion.isEmpty()) {
      meta.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null && !continueToken.isEmpty()) {
      meta.put("continue", continueToken);
    }
    ArrayNode columns = table.putArray("columnDefinitions");
    for (Column c : printer.columns()) {
      ObjectNode col = columns.addObject();
      col.put("name", c.name());
      col.put("type", c.type());
      col.put("format", c.format());
      col.put("description", c.description());
      col.put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    UnaryOperator<ObjectNode> row = rows(printer, includeObject, now);
    for (ObjectNode o : objects) {
      rows.add(row.apply(o));
    }
    return table;
  }

  /**
   * The rows of {@link #toTable}, one object at a time, with the printer looked up once: for a Table written to the
   * response row by row.
   */
  public UnaryOperator<ObjectNode> rows(ResourceDefinition def, String includeObject, Instant now) {
    return rows(printer(def), includeObject, now);
  }

  private static UnaryOperator<ObjectNode> rows(Printer printer, String includeObject, Instant now) {
    return o -> {
      ObjectNode row = Json.MAPPER.createObjectNode();
      ArrayNode cells = row.putArray("cells");
      for (Object cell : printer.cells(o, now)) {
        addCell(cells, cell);
      }
      ArrayNode conditions = printer.conditions(o);
      if (conditions != null) {
        row.set("conditions", conditions);
      }
      JsonNode rowObject = rowObject(o, includeObject);
      if (rowObject != null) {
        row.set("object", rowObject);
      }
      return row;
    };
  }

  private Printer printer(ResourceDefinition def) {
    return printers.getOrDefault(def.group() + "/" + def.resource(), Printers.DEFAULT);
  }

  private static void addCell(ArrayNode cells, Object cell) {
    if (cell instanceof Long l) {
      cells.add(l);
    } else if (cell instanceof Integer i) {
      cells.add(i.longValue());
    } else if (cell instanceof Boolean b) {
      cells.add(b);
    } else {
      cells.add(String.valueOf(cell));
    }
  }

  /**
   * What a row carries: nothing, the object's metadata as PartialObjectMetadata, or the whole object. Shared with
   * the custom-resource tables.
   */
  public static JsonNode rowObject(ObjectNode o, String includeObject) {
    if (INCLUDE_NONE.equals(includeObject)) {
      return null;
    }
    if (INCLUDE_OBJECT.equals(includeObject)) {
      return o.deepCopy();
    }
    return partialMetadata(o);
  }

  /** {@code meta.k8s.io/v1 PartialObjectMetadata}: the object's metadata alone. */
  public static ObjectNode partialMetadata(ObjectNode o) {
    ObjectNode partial = Json.MAPPER.createObjectNode();
    partial.put("kind", "PartialObjectMetadata");
    partial.put("apiVersion", "meta.k8s.io/v1");
    JsonNode meta = o.get("metadata");
    partial.set("metadata", meta == null ? Json.MAPPER.createObjectNode() : meta.deepCopy());
    return partial;
  }
}

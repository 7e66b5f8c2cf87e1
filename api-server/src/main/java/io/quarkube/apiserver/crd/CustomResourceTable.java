package io.quarkube.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.table.TableConverter;
import io.quarkube.machinery.jsonpath.PrinterColumn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The Table of a custom resource: NAME, then the CRD's additionalPrinterColumns (or upstream's default Age column
 * when it declares none), cells computed with client-go's JSONPath.
 */
public final class CustomResourceTable {
  private CustomResourceTable() {}

  public static ObjectNode toTable(List<CustomResourceColumnDefinition> declared, List<ObjectNode> objects,
      String resourceVersion, String continueToken, String includeObject, Instant now) {
    List<PrinterColumn> columns = columns(declared);
    ObjectNode table = Json.MAPPER.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    if (continueToken != null) {
      meta.put("continue", continueToken);
    }
    ArrayNode defs = table.putArray("columnDefinitions");
    ObjectNode name = defs.addObject();
    name.put("name", "Name").put("type", "string").put("format", "name")
        .put("description", "Name must be unique within a namespace.").put("priority", 0);
    columns.forEach(c -> defs.add(c.definition()));
    ArrayNode rows = table.putArray("rows");
    UnaryOperator<ObjectNode> row = rowsOf(columns, includeObject, now);
    for (ObjectNode obj : objects) {
      rows.add(row.apply(obj));
    }
    return table;
  }

  /**
   * The rows of {@link #toTable}, one object at a time, with the columns' JSONPaths parsed once: for a Table written
   * to the response row by row.
   */
  public static UnaryOperator<ObjectNode> rows(List<CustomResourceColumnDefinition> declared, String includeObject,
      Instant now) {
    return rowsOf(columns(declared), includeObject, now);
  }

  private static UnaryOperator<ObjectNode> rowsOf(List<PrinterColumn> columns, String includeObject, Instant now) {
    return obj -> {
      ObjectNode row = Json.MAPPER.createObjectNode();
      ArrayNode cells = row.putArray("cells");
      cells.add(obj.path("metadata").path("name").asText());
      columns.forEach(c -> cells.add(c.cell(obj, now)));
      JsonNode object = TableConverter.rowObject(obj, includeObject);
      if (object != null) {
        row.set("object", object);
      }
      return row;
    };
  }

  /** The CRD's additionalPrinterColumns, or upstream's default Age column when it declares none. */
  private static List<PrinterColumn> columns(List<CustomResourceColumnDefinition> declared) {
    List<PrinterColumn> columns = new ArrayList<>();
    if (declared.isEmpty()) {
      columns.add(PrinterColumn.of("Age", "date", "", ".metadata.creationTimestamp"));
    } else {
      declared.forEach(c -> columns.add(PrinterColumn.of(Json.tree(c))));
    }
    return columns;
  }
}

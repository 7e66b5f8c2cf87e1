package io.quarkube.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableConverterTest {
  private final TableConverter converter = new TableConverter();
  private final ObjectNode pod = Rows.object("{'metadata':{'name':'web','namespace':'default','uid':'u-1',"
      + "'resourceVersion':'5','labels':{'app':'web'}},'spec':{'containers':[{'name':'a','image':'nginx'}]},"
      + "'status':{'phase':'Pending'}}");

  @Test
  void tableShape() {
    ObjectNode t = converter.toTable(Rows.def("", "pods"), List.of(pod), "123", "next-page", null, Rows.NOW);
    assertEquals("Table", t.path("kind").asText());
    assertEquals("meta.k8s.io/v1", t.path("apiVersion").asText());
    assertEquals("{\"resourceVersion\":\"123\",\"continue\":\"next-page\"}", t.path("metadata").toString());
    assertEquals("{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":"
        + "\"" + Column.NAME_DESCRIPTION + "\",\"priority\":0}", t.at("/columnDefinitions/0").toString());
    assertEquals(1, t.at("/columnDefinitions/5/priority").asInt());
    assertEquals(9, t.at("/rows/0/cells").size());
    // default includeObject=Metadata: the row carries PartialObjectMetadata
    assertEquals("PartialObjectMetadata", t.at("/rows/0/object/kind").asText());
    assertEquals("meta.k8s.io/v1", t.at("/rows/0/object/apiVersion").asText());
    assertEquals(pod.path("metadata"), t.at("/rows/0/object/metadata"));
    assertFalse(t.at("/rows/0/object").has("spec"));
  }

  @Test
  void includeObjectVariants() {
    ObjectNode none = converter.toTable(Rows.def("", "pods"), List.of(pod), "1", null, "None", Rows.NOW);
    assertFalse(none.at("/rows/0").has("object"));
    assertFalse(none.path("metadata").has("continue"));
    ObjectNode whole = converter.toTable(Rows.def("", "pods"), List.of(pod), "1", "", "Object", Rows.NOW);
    assertEquals(pod, whole.at("/rows/0/object"));
    ObjectNode meta = converter.toTable(Rows.def("", "pods"), List.of(pod), null, null, "Metadata", Rows.NOW);
    assertEquals("PartialObjectMetadata", meta.at("/rows/0/object/kind").asText());
    assertEquals("{}", meta.path("metadata").toString());
  }

  @Test
  void emptyListStillHasColumns() {
    ObjectNode t = converter.toTable(Rows.def("apps", "deployments"), List.of(), "9", null, null, Rows.NOW);
    assertEquals(0, t.path("rows").size());
    assertEquals(8, t.path("columnDefinitions").size());
  }

  @Test
  void numbersStayNumbers() {
    ObjectNode t = Rows.table("", "configmaps", "{'data':{'a':'b'}}");
    assertTrue(t.at("/rows/0/cells/1").isIntegralNumber());
    assertTrue(Rows.table("scheduling.k8s.io", "priorityclasses", "{'value':5}").at("/rows/0/cells/2").isBoolean());
  }

  @Test
  void ageOfObjectsWithoutCreationTime() {
    ObjectNode o = Rows.object("{}");
    ((ObjectNode) o.get("metadata")).remove("creationTimestamp");
    ObjectNode t = converter.toTable(Rows.def("", "configmaps"), List.of(o), "1", null, null, Rows.NOW);
    assertEquals("<unknown>", t.at("/rows/0/cells/2").asText());
  }
}

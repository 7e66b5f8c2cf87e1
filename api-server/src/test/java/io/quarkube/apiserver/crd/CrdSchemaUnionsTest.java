package io.quarkube.apiserver.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CRD schemas with the JSON Schema unions ({@code items}, {@code additionalProperties}, {@code dependencies}), which
 * Fabric8 models as beans of another shape: they must survive the unknown-field walk, validate and be used.
 */
class CrdSchemaUnionsTest {
  private static final String SCHEMA = """
      {"type":"object","properties":{
        "list":{"type":"array","items":{"type":"string"}},
        "ports":{"type":"array","items":{"type":"object","required":["port"],"properties":{
          "port":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}}}},
        "labels":{"type":"object","additionalProperties":{"type":"string"}},
        "either":{"type":"object","x-kubernetes-preserve-unknown-fields":true,
          "not":{"required":["a"]},"allOf":[{"required":["b"]}]}}}""";
  /** The unions' other forms, which a structural schema refuses but the decoding must keep for that refusal. */
  private static final String OTHER_UNIONS = """
      {"type":"object","properties":{
        "tuple":{"type":"array","items":[{"type":"string"},{"type":"integer","bogus":1}]},
        "closed":{"type":"object","additionalProperties":false},
        "deps":{"type":"object","dependencies":{"c":["d"],"e":{"required":["f"]}}}}}""";

  private static ObjectNode crd(String schema) {
    return (ObjectNode) Json.parse(("""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"things.exb.example.com"},
         "spec":{"group":"exb.example.com","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},
         "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":%s}}]}}
        """.formatted(schema)).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void unionsAreSchemasNotUnknownFields() {
    for (String schema : List.of(SCHEMA, OTHER_UNIONS.replace(",\"bogus\":1", ""))) {
      ObjectNode body = crd(schema);
      JsonNode before = body.deepCopy();
      assertEquals(List.of(), new CrdStrategy().pruneUnknownFields(body, CustomResourceDefinition.class));
      assertEquals(before, body);
      assertEquals(before, Json.tree(Json.convert(body, CustomResourceDefinition.class)));
    }
  }

  @Test
  void itemsAsAnArrayIsRefusedAsUpstreamRefusesIt() {
    ObjectNode body = crd(OTHER_UNIONS);
    assertEquals(List.of(), new CrdStrategy().pruneUnknownFields(body, CustomResourceDefinition.class));
    assertFalse(body.at("/spec/versions/0/schema/openAPIV3Schema/properties/tuple/items/1").has("bogus"));
    List<String> errors = new CrdStrategy().validate(Json.convert(body, CustomResourceDefinition.class)).stream()
        .map(FieldError::toString).toList();
    assertTrue(errors.contains("spec.versions[0].schema.openAPIV3Schema.properties[tuple].items: Forbidden: items"
        + " must be a schema object and not an array"), errors.toString());
  }

  @Test
  void unknownSchemaFieldsAreReportedWhereUpstreamReportsThem() {
    ObjectNode body = crd("""
        {"type":"object","typo":1,"properties":{"list":{"type":"array","descripton":"x",
          "items":{"type":"string","bogus":true}}}}""");
    ((ObjectNode) body.get("spec")).put("scop", "x");
    List<String> unknown = new CrdStrategy().pruneUnknownFields(body, CustomResourceDefinition.class);
    // below a union upstream's own UnmarshalJSON decodes leniently: dropped, not reported
    assertEquals(List.of("spec.scop", "spec.versions[0].schema.openAPIV3Schema.typo",
        "spec.versions[0].schema.openAPIV3Schema.properties[list].descripton"), unknown);
    JsonNode list = body.at("/spec/versions/0/schema/openAPIV3Schema/properties/list");
    assertEquals("string", list.at("/items/type").asText());
    assertFalse(list.path("items").has("bogus"));
    assertFalse(list.has("descripton"));
  }

  @Test
  void schemaWithArrayItemsIsValidAndRoundTrips() {
    ObjectNode body = crd(SCHEMA);
    new CrdStrategy().pruneUnknownFields(body, CustomResourceDefinition.class);
    CustomResourceDefinition crd = Json.convert(body, CustomResourceDefinition.class);
    CrdStrategy strategy = new CrdStrategy();
    strategy.prepareForCreate(crd);
    assertEquals(List.of(), strategy.validate(crd));
    JsonNode stored = Json.parse(Json.bytes(crd)).at("/spec/versions/0/schema/openAPIV3Schema");
    assertEquals(Json.parse(SCHEMA.getBytes(StandardCharsets.UTF_8)), stored);
  }

  @Test
  void customResourcesAreValidatedAgainstTheItemSchema() {
    ObjectNode body = crd(SCHEMA);
    CustomResourceDefinition crd = Json.convert(body, CustomResourceDefinition.class);
    CustomResourceStrategy strategy = new CustomResourceStrategy(crd.getSpec().getVersions().get(0));
    assertEquals(List.of(), strategy.validate(cr("""
        {"list":["a","b"],"ports":[{"port":80,"tags":["x"]}],"labels":{"k":"v"},"either":{"b":1}}""")));
    List<String> errors = strategy.validate(cr("{\"list\":[\"a\",1],\"ports\":[{\"tags\":[2]}]}")).stream()
        .map(FieldError::toString).toList();
    assertTrue(errors.contains("list[1]: Invalid value: \"integer\": list[1] in body must be of type string: "
        + "\"integer\""), errors.toString());
    assertTrue(errors.contains("ports[0].port: Required value"), errors.toString());
    assertTrue(errors.contains("ports[0].tags[0]: Invalid value: \"integer\": ports[0].tags[0] in body must be of"
        + " type string: \"integer\""), errors.toString());
  }

  private static GenericKubernetesResource cr(String fields) {
    ObjectNode tree = (ObjectNode) Json.parse(fields.getBytes(StandardCharsets.UTF_8));
    tree.put("apiVersion", "exb.example.com/v1").put("kind", "Thing").putObject("metadata").put("name", "x");
    return Json.convert(tree, GenericKubernetesResource.class);
  }
}

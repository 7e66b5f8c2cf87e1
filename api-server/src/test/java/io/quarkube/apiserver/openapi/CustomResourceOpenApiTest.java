package io.quarkube.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.apiserver.crd.ServedVersions;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What kubectl reads about custom resources and about the CRD schema type itself. */
class CustomResourceOpenApiTest {
  private static final String STRATEGIC = "application/strategic-merge-patch+json";
  private static final List<String> CR_PATCH_TYPES = List.of("application/apply-patch+yaml",
      "application/json-patch+json", "application/merge-patch+json");
  private static final String WIDGETS = "/apis/stable.example.com/v1/namespaces/{namespace}/widgets/{name}";
  private static final String V1 = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";

  private static ResourceCatalog catalogWithWidgets() {
    return catalogWith("widgets", "Widget", "type: object\nproperties:\n  spec: {type: object}\n");
  }

  /** A catalog with one custom kind of group stable.example.com, version v1, with this openAPIV3Schema. */
  private static ResourceCatalog catalogWith(String plural, String kind, String schemaYaml) {
    ResourceCatalog catalog = ResourceCatalog.builtIn();
    ResourceDefinition d = new ResourceDefinition("stable.example.com", "v1", plural, kind.toLowerCase(), kind, true,
        List.of(), List.of(), Set.of("status", "scale"), GenericKubernetesResource.class,
        "stable.example.com/" + plural, ResourceDefinition.VERBS);
    String version = "name: v1\nserved: true\nstorage: true\nschema:\n  openAPIV3Schema:\n"
        + schemaYaml.indent(4);
    ServedVersions.register(d, Serialization.unmarshal(version, CustomResourceDefinitionVersion.class));
    catalog.register(d);
    return catalog;
  }

  /** Upstream's CRD OpenAPI publishing test's "foo" schema: objects, arrays, required, enum and pattern. */
  private static final String FOO = """
      description: Foo CRD for Testing
      type: object
      properties:
        spec:
          type: object
          description: Specification of Foo
          properties:
            bars:
              description: List of Bars and their specs.
              type: array
              items:
                type: object
                required: [name]
                properties:
                  name: {description: Name of Bar., type: string}
                  feeling: {description: Whether Bar is feeling great., type: string, enum: [Great, Down]}
                  bazs: {description: List of Bazs., items: {type: string}, type: array}
        status:
          description: Status of Foo
          type: object
          properties:
            quxType: {description: Indicates to external qux type., pattern: in-tree|out-of-tree, type: string}
      """;

  /**
   * Upstream's CRD publishing test reads the v2 definition and expects the CRD's schema back, with nothing added
   * but apiVersion, kind, metadata and the group-version-kind; kubectl fetches v2 as protobuf, so it must convert.
   */
  @Test
  void v2DefinitionIsTheCrdSchemaWithTypeAndObjectMeta() throws Exception {
    OpenApiV2Documents docs = new OpenApiV2Documents(catalogWith("foos", "Foo", FOO));
    ObjectNode def = (ObjectNode) docs.document().at("/definitions/com.example.stable.v1.Foo").deepCopy();
    assertEquals("[{\"group\":\"stable.example.com\",\"kind\":\"Foo\",\"version\":\"v1\"}]",
        def.remove("x-kubernetes-group-version-kind").toString());
    ObjectNode props = (ObjectNode) def.get("properties");
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        props.remove("metadata").path("$ref").asText());
    assertEquals("string", props.remove("apiVersion").path("type").asText());
    assertEquals("string", props.remove("kind").path("type").asText());
    assertEquals(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(new org.yaml.snakeyaml.Yaml().load(FOO))), def);
    assertTrue(docs.protobuf().body().length > 0);
  }

  /** kubectl takes v2 definitions as closed: what keeps unknown fields, or is nullable, loses its fields there. */
  @Test
  void v2DefinitionDegradesWhatSwaggerCannotSay() {
    String schema = """
        type: object
        description: preserve-unknown-properties in nested field
        required: [spec, maybe]
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
            properties: {dummy: {type: object}}
          maybe: {type: object, nullable: true, properties: {a: {type: string}}}
          port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
          template:
            type: object
            x-kubernetes-embedded-resource: true
            properties: {spec: {type: object}}
        """;
    ResourceCatalog catalog = catalogWith("nests", "Nest", schema);
    JsonNode def = new OpenApiV2Documents(catalog).document().at("/definitions/com.example.stable.v1.Nest");
    assertEquals("{\"x-kubernetes-preserve-unknown-fields\":true}", def.at("/properties/spec").toString());
    assertEquals("{}", def.at("/properties/maybe").toString());
    assertEquals("[\"spec\"]", def.path("required").toString(), "a nullable property is not required in v2");
    assertEquals("{\"x-kubernetes-int-or-string\":true}", def.at("/properties/port").toString());
    assertEquals("[\"kind\",\"apiVersion\"]", def.at("/properties/template/required").toString());
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        def.at("/properties/template/properties/metadata/$ref").asText());

    // v3 keeps it all
    JsonNode v3 = new OpenApiDocuments(catalog).v3GroupVersion("apis/stable.example.com/v1").orElseThrow()
        .at("/components/schemas/com.example.stable.v1.Nest");
    assertEquals("object", v3.at("/properties/spec/properties/dummy/type").asText());
    assertTrue(v3.at("/properties/maybe/nullable").asBoolean());
    assertEquals(2, v3.at("/properties/port/anyOf").size());
    assertEquals("[\"spec\",\"maybe\"]", v3.path("required").toString());
  }

  /** A schema keeping unknown fields at its root: v2 publishes a bare object, v3 the schema (no made-up text). */
  @Test
  void rootThatKeepsUnknownFieldsIsABareObjectInV2() {
    ResourceCatalog catalog = catalogWith("opens", "Open", """
        type: object
        x-kubernetes-preserve-unknown-fields: true
        properties: {spec: {type: object, description: Specification of Open}}
        """);
    JsonNode def = new OpenApiV2Documents(catalog).document().at("/definitions/com.example.stable.v1.Open");
    assertEquals("{\"type\":\"object\",\"x-kubernetes-group-version-kind\":[{\"group\":\"stable.example.com\","
        + "\"kind\":\"Open\",\"version\":\"v1\"}]}", def.toString());
    JsonNode v3 = new OpenApiDocuments(catalog).v3GroupVersion("apis/stable.example.com/v1").orElseThrow()
        .at("/components/schemas/com.example.stable.v1.Open");
    assertEquals("Specification of Open", v3.at("/properties/spec/description").asText());
    assertFalse(v3.has("description"), "upstream publishes no description the CRD does not have");
  }

  /** kubectl apply and diff send a strategic merge patch whenever the PATCH operation lists it; upstream does not. */
  @Test
  void customResourcePatchesOfferNoStrategicMergePatch() {
    ResourceCatalog catalog = catalogWithWidgets();
    JsonNode paths = new OpenApiDocuments(catalog).v3GroupVersion("apis/stable.example.com/v1").orElseThrow()
        .path("paths");
    for (String path : List.of(WIDGETS, WIDGETS + "/status", WIDGETS + "/scale")) {
      List<String> types = new ArrayList<>();
      paths.path(path).at("/patch/requestBody/content").fieldNames().forEachRemaining(types::add);
      assertEquals(CR_PATCH_TYPES, types, path);
    }
    JsonNode v2 = new OpenApiV2Documents(catalog).document().path("paths");
    for (String path : List.of(WIDGETS, WIDGETS + "/status", WIDGETS + "/scale")) {
      List<String> consumes = new ArrayList<>();
      v2.path(path).at("/patch/consumes").forEach(t -> consumes.add(t.asText()));
      assertEquals(CR_PATCH_TYPES, consumes, path);
    }
    // built-in kinds keep it
    assertTrue(v2.at("/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch/consumes").toString()
        .contains(STRATEGIC));
  }

  /** explain shows these descriptions whole, as upstream's CRD OpenAPI builder writes them. */
  @Test
  void typeMetaAndMetadataAreDescribedInFull() {
    JsonNode schemas = new OpenApiDocuments(catalogWithWidgets()).v3GroupVersion("apis/stable.example.com/v1")
        .orElseThrow().at("/components/schemas");
    JsonNode props = schemas.at("/com.example.stable.v1.Widget/properties");
    assertTrue(props.at("/apiVersion/description").asText().endsWith("may reject unrecognized values. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"));
    assertTrue(props.at("/kind/description").asText().endsWith("Cannot be updated. In CamelCase. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"));
    assertEquals("Standard object's metadata. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        props.at("/metadata/description").asText());
    assertTrue(schemas.at("/com.example.stable.v1.WidgetList/properties/metadata/description").asText()
        .startsWith("Standard list metadata. More info: "));
  }

  /** items, additionalProperties, ... are unions: upstream's schemas for them, not Fabric8's Java beans. */
  @Test
  void crdSchemaUnionsAreDescribedAsUpstreamDescribesThem() {
    JsonNode schemas = new OpenApiDocuments(ResourceCatalog.builtIn()).v3GroupVersion("apis/apiextensions.k8s.io/v1")
        .orElseThrow().at("/components/schemas");
    assertEquals("[{\"group\":\"apiextensions.k8s.io\",\"kind\":\"CustomResourceDefinition\",\"version\":\"v1\"}]",
        schemas.at("/" + V1 + "CustomResourceDefinition/x-kubernetes-group-version-kind").toString());
    JsonNode props = schemas.at("/" + V1 + "JSONSchemaProps/properties");
    assertEquals("#/components/schemas/" + V1 + "JSONSchemaPropsOrArray", props.at("/items/allOf/0/$ref").asText());
    assertEquals("#/components/schemas/" + V1 + "JSONSchemaPropsOrBool",
        props.at("/additionalProperties/allOf/0/$ref").asText());
    assertEquals("#/components/schemas/" + V1 + "JSON", props.at("/default/allOf/0/$ref").asText());
    JsonNode orArray = schemas.path(V1 + "JSONSchemaPropsOrArray");
    assertTrue(orArray.path("description").asText().startsWith("JSONSchemaPropsOrArray represents a value that can"));
    assertFalse(orArray.has("properties"), orArray.toString());
    assertFalse(schemas.toString().contains("JSONSchemas"));
    assertFalse(schemas.has("io.k8s.api.apiextensions.v1.JSONSchemaProps"));
  }
}

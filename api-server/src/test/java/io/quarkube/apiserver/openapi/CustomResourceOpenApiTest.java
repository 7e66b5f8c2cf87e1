package io.quarkube.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
    ResourceCatalog catalog = ResourceCatalog.builtIn();
    catalog.register(new ResourceDefinition("stable.example.com", "v1", "widgets", "widget", "Widget", true,
        List.of(), List.of(), Set.of("status", "scale"), GenericKubernetesResource.class,
        "stable.example.com/widgets", ResourceDefinition.VERBS));
    return catalog;
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

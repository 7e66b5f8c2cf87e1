package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A CRD's resource in both discovery forms and in OpenAPI v3, kubectl explain on it, and all of it gone after. */
@ExtendWith(TestNamespace.class)
class CustomResourceDefinitionTest {
  private final Kubectl kubectl = Kubectl.stock();

  private static String crd(String group) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.%s
        spec:
          group: %s
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wdg]}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                description: A widget made by the e2e test.
                properties:
                  spec:
                    type: object
                    description: What the widget should be.
                    properties:
                      size: {type: integer, description: How big the widget is., minimum: 1}
                      colour: {type: string, description: Its colour.}
        """.formatted(group, group);
  }

  @Conformance("api-machinery.crd-lifecycle")
  @Test
  void customResourceInDiscoveryAndGoneWithItsDefinition(String ns) {
    String group = "e" + UUID.randomUUID().toString().substring(0, 6) + ".e2e.quarkube.io";
    kubectl.runWithInput(crd(group), "apply", "-f", "-").ok();
    try {
      kubectl.run("wait", "--for=condition=Established", "crd/widgets." + group, "--timeout=30s").ok();
      Await.until(Duration.ofSeconds(30), "widgets in aggregated discovery", () -> aggregatedHas(group));
      JsonNode legacy = Api.get("/apis/" + group + "/v1", "application/json").json();
      assertTrue(DiscoveryTest.names(legacy.path("resources")).contains("widgets"), legacy.toString());
      JsonNode groups = Api.get("/apis", "application/json").json();
      boolean listed = false;
      for (JsonNode g : groups.path("groups")) {
        listed |= g.path("name").asText().equals(group)
            && g.path("preferredVersion").path("groupVersion").asText().equals(group + "/v1");
      }
      assertTrue(listed, "/apis lists " + group);

      kubectl.runWithInput("apiVersion: " + group + "/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 2}\n",
          "create", "-n", ns, "-f", "-").ok();
      assertEquals("2", kubectl.run("get", "wdg", "w1", "-n", ns, "-o", "jsonpath={.spec.size}").ok().out());
    } finally {
      kubectl.run("delete", "crd", "widgets." + group).ok();
    }
    Await.until(Duration.ofSeconds(30), "widgets gone from discovery", () -> !aggregatedHas(group)
        && Api.get("/apis/" + group + "/v1", "application/json").code() == 404);
  }

  @Conformance("api-machinery.crd-openapi-explain")
  @Test
  void customResourceSchemaInOpenApiAndExplain() {
    String group = "e" + UUID.randomUUID().toString().substring(0, 6) + ".e2e.quarkube.io";
    kubectl.runWithInput(crd(group), "apply", "-f", "-").ok();
    try {
      kubectl.run("wait", "--for=condition=Established", "crd/widgets." + group, "--timeout=30s").ok();
      Await.until(Duration.ofSeconds(30), "OpenAPI v3 lists the group version", () -> Api.get("/openapi/v3",
          "application/json").json().path("paths").has("apis/" + group + "/v1"));
      JsonNode paths = Api.get("/openapi/v3", "application/json").json().path("paths");
      String url = paths.path("apis/" + group + "/v1").path("serverRelativeURL").asText();
      JsonNode doc = Api.get(url, "application/json").json();
      boolean schemaFound = false;
      for (JsonNode schema : doc.path("components").path("schemas")) {
        for (JsonNode gvk : schema.path("x-kubernetes-group-version-kind")) {
          schemaFound |= gvk.path("kind").asText().equals("Widget") && gvk.path("group").asText().equals(group);
        }
      }
      assertTrue(schemaFound, "the Widget schema with its group-version-kind in " + url);

      // --api-version: the lifecycle test's deleted widgets group may still sit in kubectl's discovery cache
      String explained = kubectl.run("explain", "widgets", "--api-version=" + group + "/v1").ok().out();
      assertTrue(explained.contains("KIND:") && explained.contains("Widget")
          && explained.contains("A widget made by the e2e test.") && explained.contains("spec"), explained);
      String field = kubectl.run("explain", "widgets.spec.size", "--api-version=" + group + "/v1").ok().out();
      assertTrue(field.contains("How big the widget is.") && field.contains("integer"), field);

    } finally {
      kubectl.run("delete", "crd", "widgets." + group).ok();
    }
  }

  private static boolean aggregatedHas(String group) {
    JsonNode list = Api.get("/apis", DiscoveryTest.AGGREGATED).json();
    for (JsonNode g : list.path("items")) {
      if (g.path("metadata").path("name").asText().equals(group)) {
        for (JsonNode v : g.path("versions")) {
          for (JsonNode r : v.path("resources")) {
            if (r.path("resource").asText().equals("widgets") && r.path("responseKind").path("kind").asText()
                .equals("Widget")) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }
}

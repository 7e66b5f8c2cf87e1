package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.KubectlVersions;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;

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

  /** A schema with arrays (nearly every real CRD has them): items is a schema object, as upstream reads it. */
  private static String crdWithArrays(String group) {
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: things.%s
        spec:
          group: %s
          scope: Namespaced
          names: {plural: things, kind: Thing}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  list:
                    type: array
                    description: Some words.
                    items: {type: string}
                  ports:
                    type: array
                    items:
                      type: object
                      required: [port]
                      properties:
                        port: {type: integer, description: The port number.}
                        tags: {type: array, items: {type: string}}
                  labels:
                    type: object
                    additionalProperties: {type: string}
        """.formatted(group, group);
  }

  @Conformance("api-machinery.crd-lifecycle")
  @Test
  void arrayItemsAreSchemasThatValidateEachElement(String ns) {
    String group = "e" + UUID.randomUUID().toString().substring(0, 6) + ".e2e.quarkube.io";
    // kubectl create: strict field validation, which once took items' fields for unknown ones
    kubectl.runWithInput(crdWithArrays(group), "create", "-f", "-").ok();
    try {
      JsonNode items = Api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things." + group,
          "application/json").json().at("/spec/versions/0/schema/openAPIV3Schema/properties/ports/items");
      assertEquals("integer", items.at("/properties/port/type").asText(), items.toString());
      kubectl.run("wait", "--for=condition=Established", "crd/things." + group, "--timeout=30s").ok();
      String thing = "apiVersion: " + group + "/v1\nkind: Thing\nmetadata: {name: %s}\n%s\n";
      awaitOk(() -> kubectl.runWithInput(thing.formatted("t1",
          "list: [a, b]\nports: [{port: 80, tags: [x]}]\nlabels: {k: v}"), "create", "-n", ns, "-f", "-"));
      assertEquals("[\"a\",\"b\"]", kubectl.run("get", "things." + group, "t1", "-n", ns, "-o",
          "jsonpath={.list}").ok().out());
      String refused = kubectl.runWithInput(thing.formatted("t2", "list: [a, 1]\nports: [{tags: [x]}]"),
          "create", "-n", ns, "-f", "-").fails().err();
      assertTrue(refused.contains("list[1]: Invalid value: \"integer\": list[1] in body must be of type string: "
          + "\"integer\"") && refused.contains("ports[0].port: Required value"), refused);
      String explained = kubectl.run("explain", "things.list", "--api-version=" + group + "/v1").ok().out();
      assertTrue(explained.contains("[]string") && explained.contains("Some words."), explained);
      String port = kubectl.run("explain", "things.ports.port", "--api-version=" + group + "/v1").ok().out();
      assertTrue(port.contains("integer") && port.contains("The port number."), port);
    } finally {
      kubectl.run("delete", "crd", "things." + group).ok();
    }
  }

  /**
   * Client-side apply and diff of a changed custom resource: kubectl sends a strategic merge patch whenever the
   * OpenAPI lists it for the PATCH, and custom resources take only JSON and merge patches (and apply).
   */
  @Conformance({"cli.apply", "cli.diff"})
  @ParameterizedTest(name = "{0}")
  @KubectlVersions
  void clientSideApplyAndDiffOfACustomResource(Kubectl other, String ns) {
    String group = "e" + UUID.randomUUID().toString().substring(0, 6) + ".e2e.quarkube.io";
    kubectl.runWithInput(crd(group), "apply", "-f", "-").ok();
    try {
      kubectl.run("wait", "--for=condition=Established", "crd/widgets." + group, "--timeout=30s").ok();
      String widget = "apiVersion: " + group + "/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: %d}\n";
      awaitOk(() -> other.runWithInput(widget.formatted(1), "apply", "-n", ns, "-f", "-"));
      Kubectl.Result diff = other.runWithInput(widget.formatted(3), "diff", "-n", ns, "-f", "-");
      assertEquals(1, diff.exitCode(), diff.toString());
      assertTrue(diff.out().contains("+  size: 3"), diff.out());
      other.runWithInput(widget.formatted(3), "apply", "-n", ns, "-f", "-").ok();
      assertEquals("3", kubectl.run("get", "widgets." + group, "w1", "-n", ns, "-o", "jsonpath={.spec.size}")
          .ok().out());
      assertEquals(0, other.runWithInput(widget.formatted(3), "diff", "-n", ns, "-f", "-").ok().exitCode());
    } finally {
      kubectl.run("delete", "crd", "widgets." + group).ok();
    }
  }

  /** Right after Established, kubectl's discovery may not know the new kind yet: retried until it does. */
  private static void awaitOk(java.util.function.Supplier<Kubectl.Result> action) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    Kubectl.Result last = action.get();
    while (last.exitCode() != 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(500_000_000L);
      last = action.get();
    }
    last.ok();
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

  /**
   * Upstream's "custom resource defaulting for requests and from storage": a default added to the CRD shows on a CR
   * stored before it; a new CR gets it on create; once the default moves to another field, that field shows on
   * read while the stored value of the first stays.
   */
  @Conformance("api-machinery.crd-defaulting")
  @Test
  void defaultsApplyToRequestsAndToWhatStorageHolds() {
    String group = "e" + UUID.randomUUID().toString().substring(0, 6) + ".e2e.quarkube.io";
    String crd = "noxus." + group;
    kubectl.runWithInput("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: %s}
        spec:
          group: %s
          scope: Cluster
          names: {plural: noxus, singular: noxu, kind: Noxu, listKind: NoxuList}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  a: {type: string}
                  b: {type: string}
        """.formatted(crd, group), "create", "-f", "-").ok();
    try {
      kubectl.run("wait", "--for=condition=Established", "crd/" + crd, "--timeout=60s").ok();
      String path = "/apis/" + group + "/v1/noxus/";
      String cr = "apiVersion: " + group + "/v1\nkind: Noxu\nmetadata: {name: %s}\n";
      Await.until(Duration.ofSeconds(30), "noxus served", () -> Api.get(path, "application/json").code() == 200);
      kubectl.runWithInput(cr.formatted("cr-1"), "create", "-f", "-").ok();

      kubectl.run("patch", "crd", crd, "--type=json", "-p", "[{\"op\":\"add\",\"path\":\"/spec/versions/0/schema/"
          + "openAPIV3Schema/properties/a/default\",\"value\":\"A\"}]").ok();
      Await.until(Duration.ofSeconds(30), "cr-1 defaulted on read", () -> "A".equals(
          Api.get(path + "cr-1", "application/json").json().path("a").asText(null)));

      kubectl.runWithInput(cr.formatted("cr-2"), "create", "-f", "-").ok();
      assertEquals("A", Api.get(path + "cr-2", "application/json").json().path("a").asText());

      kubectl.run("patch", "crd", crd, "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/spec/versions/0/"
          + "schema/openAPIV3Schema/properties/a/default\"},{\"op\":\"add\",\"path\":\"/spec/versions/0/schema/"
          + "openAPIV3Schema/properties/b/default\",\"value\":\"B\"}]").ok();
      Await.until(Duration.ofSeconds(30), "cr-2 defaulted on read for b", () -> "B".equals(
          Api.get(path + "cr-2", "application/json").json().path("b").asText(null)));
      assertEquals("A", Api.get(path + "cr-2", "application/json").json().path("a").asText(),
          "the stored default of a stays");
    } finally {
      kubectl.run("delete", "crd", crd).ok();
    }
  }
}

package io.quarkube.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.proto.gnostic.openapiv2.Document;
import io.quarkube.proto.gnostic.openapiv2.NamedAny;
import io.quarkube.proto.gnostic.openapiv2.NamedPathItem;
import io.quarkube.proto.gnostic.openapiv2.NamedSchema;
import io.quarkube.proto.gnostic.openapiv2.Operation;
import io.quarkube.proto.gnostic.openapiv2.ParametersItem;
import io.quarkube.proto.gnostic.openapiv2.Schema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shape of the Swagger 2.0 document, its protobuf form, and the per-generation cache. */
class OpenApiV2DocumentsTest {
  private static final OpenApiV2Documents DOCS = new OpenApiV2Documents(ResourceCatalog.builtIn());
  private static final String POD_ITEM = "/api/v1/namespaces/{namespace}/pods/{name}";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void definitionsAreNamedAndMarkedLikeUpstream() {
    ObjectNode doc = DOCS.document();
    assertEquals("2.0", doc.path("swagger").asText());
    assertEquals("Kubernetes", doc.at("/info/title").asText());
    JsonNode defs = doc.path("definitions");
    JsonNode pod = defs.path("io.k8s.api.core.v1.Pod");
    assertEquals("[{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}]",
        pod.path("x-kubernetes-group-version-kind").toString());
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        pod.at("/properties/metadata/$ref").asText());
    assertFalse(pod.at("/properties/metadata/description").asText().isEmpty(), "described reference");
    assertEquals("#/definitions/io.k8s.api.core.v1.PodSpec", pod.at("/properties/spec/$ref").asText());
    assertEquals("[{\"group\":\"\",\"kind\":\"PodList\",\"version\":\"v1\"}]",
        defs.at("/io.k8s.api.core.v1.PodList/x-kubernetes-group-version-kind").toString());
    assertEquals("[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]",
        defs.at("/io.k8s.api.apps.v1.Deployment/x-kubernetes-group-version-kind").toString());

    JsonNode spec = defs.path("io.k8s.api.core.v1.PodSpec");
    JsonNode containers = spec.at("/properties/containers");
    assertEquals("array", containers.path("type").asText());
    assertEquals("#/definitions/io.k8s.api.core.v1.Container", containers.at("/items/$ref").asText());
    assertEquals("name", containers.path("x-kubernetes-patch-merge-key").asText());
    assertEquals("merge", containers.path("x-kubernetes-patch-strategy").asText());
    assertEquals("merge,retainKeys", spec.at("/properties/volumes/x-kubernetes-patch-strategy").asText());
    assertEquals("[\"containers\"]", spec.path("required").toString());

    // v2 has no oneOf: the number-or-string types are strings, as upstream publishes them
    assertEquals("string", defs.at("/io.k8s.apimachinery.pkg.api.resource.Quantity/type").asText());
    JsonNode intOrString = defs.path("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assertEquals("string", intOrString.path("type").asText());
    assertEquals("int-or-string", intOrString.path("format").asText());
    assertEquals("date-time", defs.at("/io.k8s.apimachinery.pkg.apis.meta.v1.Time/format").asText());

    // the meta kinds every group version speaks list every group version
    String deleteOptions = defs.at("/io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions/"
        + "x-kubernetes-group-version-kind").toString();
    assertTrue(deleteOptions.contains("{\"group\":\"\",\"kind\":\"DeleteOptions\",\"version\":\"v1\"}"),
        deleteOptions);
    assertTrue(deleteOptions.contains("{\"group\":\"apps\",\"kind\":\"DeleteOptions\",\"version\":\"v1\"}"),
        deleteOptions);
    assertEquals("apiKey", doc.at("/securityDefinitions/BearerToken/type").asText());
  }

  @Test
  void everySchemaIsOneKubectlCanRead() {
    ObjectNode doc = DOCS.document();
    String text = doc.toString();
    assertFalse(text.contains("#/components/"), "v3 references left");
    JsonNode defs = doc.path("definitions");
    List<String> problems = new ArrayList<>();
    defs.fields().forEachRemaining(e -> checkSchema(defs, e.getValue(), e.getKey(), problems));
    doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
      for (JsonNode param : op.getKey().equals("parameters") ? op.getValue() : op.getValue().path("parameters")) {
        if (param.has("schema")) {
          checkSchema(defs, param.get("schema"), p.getKey() + " " + op.getKey() + " body", problems);
        } else if (!Set.of("string", "integer", "boolean").contains(param.path("type").asText())) {
          problems.add(p.getKey() + " " + op.getKey() + " parameter " + param);
        }
      }
      op.getValue().path("responses").fields().forEachRemaining(r -> {
        if (r.getValue().has("schema")) {
          checkSchema(defs, r.getValue().get("schema"), p.getKey() + " " + op.getKey() + " " + r.getKey(), problems);
        }
      });
    }));
    assertEquals(List.of(), problems);
  }

  /** The rules of kube-openapi's {@code proto.NewOpenAPIData}, which kubectl parses the document with. */
  private static void checkSchema(JsonNode defs, JsonNode s, String where, List<String> problems) {
    if (s.has("$ref")) {
      String ref = s.get("$ref").asText();
      if (!ref.startsWith("#/definitions/") || !defs.has(ref.substring("#/definitions/".length()))) {
        problems.add(where + ": unknown model in reference " + ref);
      }
      return;
    }
    for (String v3Only : List.of("oneOf", "anyOf", "nullable", "not")) {
      if (s.has(v3Only)) {
        problems.add(where + ": " + v3Only);
      }
    }
    if (s.has("allOf")) {
      problems.add(where + ": allOf");
    }
    String type = s.path("type").asText("");
    if (s.path("type").isArray()) {
      problems.add(where + ": multiple types");
    }
    switch (type) {
      case "array" -> {
        if (!s.path("items").isObject()) {
          problems.add(where + ": array without one item schema");
        } else {
          checkSchema(defs, s.get("items"), where + "[]", problems);
        }
      }
      case "object", "" -> {
        s.path("properties").fields().forEachRemaining(
            e -> checkSchema(defs, e.getValue(), where + "." + e.getKey(), problems));
        if (s.path("additionalProperties").isObject()) {
          checkSchema(defs, s.get("additionalProperties"), where + "{}", problems);
        }
      }
      case "string", "number", "integer", "boolean" -> {
      }
      default -> problems.add(where + ": unknown primitive type " + type);
    }
  }

  @Test
  void operationsCarryKindsAndFieldValidation() {
    ObjectNode doc = DOCS.document();
    JsonNode item = doc.path("paths").path(POD_ITEM);
    assertTrue(item.path("parameters").toString().contains("\"name\":\"namespace\""), item.toString());
    JsonNode patch = item.path("patch");
    assertEquals("{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}",
        patch.path("x-kubernetes-group-version-kind").toString());
    assertEquals("patch", patch.path("x-kubernetes-action").asText());
    assertEquals("patchCoreV1NamespacedPod", patch.path("operationId").asText());
    assertTrue(patch.path("consumes").toString().contains("application/strategic-merge-patch+json"));
    JsonNode body = patch.path("parameters").get(0);
    assertEquals("body", body.path("in").asText());
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch", body.at("/schema/$ref").asText());
    assertTrue(body.path("required").asBoolean());
    JsonNode fieldValidation = null;
    for (JsonNode p : patch.path("parameters")) {
      if (p.path("name").asText().equals("fieldValidation")) {
        fieldValidation = p;
      }
    }
    assertEquals("{\"name\":\"fieldValidation\",\"in\":\"query\",\"description\":"
        + "\"What to do with unknown or duplicate fields in the body: Ignore, Warn or Strict.\","
        + "\"type\":\"string\",\"uniqueItems\":true}", String.valueOf(fieldValidation));
    assertEquals("#/definitions/io.k8s.api.core.v1.Pod", patch.at("/responses/200/schema/$ref").asText());
    assertTrue(patch.path("produces").toString().contains("application/json"));
    assertEquals("[\"https\"]", patch.path("schemes").toString());

    JsonNode list = doc.at("/paths/~1api~1v1~1namespaces~1{namespace}~1pods/get");
    assertEquals("#/definitions/io.k8s.api.core.v1.PodList", list.at("/responses/200/schema/$ref").asText());
    assertTrue(list.path("produces").toString().contains("application/json;stream=watch"));
    assertEquals("[\"*/*\"]", list.path("consumes").toString());
    JsonNode deploymentPatch = doc.at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
    assertEquals("{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}",
        deploymentPatch.path("x-kubernetes-group-version-kind").toString());
    JsonNode scale = doc.at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}~1scale/put");
    assertEquals("#/definitions/io.k8s.api.autoscaling.v1.Scale", scale.at("/parameters/0/schema/$ref").asText());
    assertTrue(doc.path("paths").has("/version/"));
    assertTrue(doc.path("paths").has("/apis/apps/"));
    assertTrue(doc.path("paths").has("/api/v1/"));
  }

  @Test
  void protobufHoldsExactlyTheJsonDocument() throws Exception {
    byte[] bytes = DOCS.protobuf().body();
    Document parsed = Document.parseFrom(bytes);
    JsonNode json = Json.MAPPER.readTree(DOCS.json().body());
    JsonNode back = GnosticJson.toJson(parsed);
    if (!json.equals(back)) {
      // name the first difference rather than print two large documents
      throw new AssertionError("round trip differs at " + firstDifference(json, back, ""));
    }
  }

  @Test
  void protobufReadsAsKubectlReadsIt() throws Exception {
    Document doc = Document.parseFrom(DOCS.protobuf().body());
    assertEquals("2.0", doc.getSwagger());
    Schema pod = definition(doc, "io.k8s.api.core.v1.Pod");
    // kubectl yaml.Unmarshals the extension values
    JsonNode gvk = YAML.readTree(extension(pod.getVendorExtensionList(), "x-kubernetes-group-version-kind"));
    assertEquals("[{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}]", gvk.toString());
    Schema spec = definition(doc, "io.k8s.api.core.v1.PodSpec");
    Schema containers = spec.getProperties().getAdditionalPropertiesList().stream()
        .filter(p -> p.getName().equals("containers")).findFirst().orElseThrow().getValue();
    assertEquals(List.of("array"), containers.getType().getValueList());
    assertEquals("#/definitions/io.k8s.api.core.v1.Container", containers.getItems().getSchema(0).getRef());
    assertEquals("name", YAML.readTree(extension(containers.getVendorExtensionList(),
        "x-kubernetes-patch-merge-key")).asText());
    assertEquals("merge", YAML.readTree(extension(containers.getVendorExtensionList(),
        "x-kubernetes-patch-strategy")).asText());
    Schema metadata = pod.getProperties().getAdditionalPropertiesList().stream()
        .filter(p -> p.getName().equals("metadata")).findFirst().orElseThrow().getValue();
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", metadata.getRef());

    // client-go's supportsQueryParam: the PATCH operation of the kind has a fieldValidation query parameter
    assertTrue(supportsQueryParam(doc, "", "v1", "Pod", "fieldValidation"));
    assertTrue(supportsQueryParam(doc, "apps", "v1", "Deployment", "fieldValidation"));
    assertFalse(supportsQueryParam(doc, "apps", "v1", "Deployment", "noSuchParam"));
  }

  private static boolean supportsQueryParam(Document doc, String group, String version, String kind, String param)
      throws Exception {
    for (NamedPathItem path : doc.getPaths().getPathList()) {
      Operation op = path.getValue().getPatch();
      if (!path.getValue().hasPatch()) {
        continue;
      }
      String gvk = extension(op.getVendorExtensionList(), "x-kubernetes-group-version-kind");
      @SuppressWarnings("unchecked")
      Map<String, String> value = gvk == null ? Map.of() : YAML.readValue(gvk, Map.class);
      if (group.equals(value.get("group")) && version.equals(value.get("version")) && kind.equals(value.get("kind"))) {
        for (ParametersItem p : op.getParametersList()) {
          if (p.getParameter().getNonBodyParameter().getQueryParameterSubSchema().getName().equals(param)) {
            return true;
          }
        }
        return false;
      }
    }
    throw new AssertionError("no PATCH operation for " + group + "/" + version + " " + kind);
  }

  private static Schema definition(Document doc, String name) {
    return doc.getDefinitions().getAdditionalPropertiesList().stream().filter(d -> d.getName().equals(name))
        .map(NamedSchema::getValue).findFirst().orElseThrow(() -> new AssertionError("no definition " + name));
  }

  private static String extension(List<NamedAny> extensions, String name) {
    return extensions.stream().filter(e -> e.getName().equals(name)).map(e -> e.getValue().getYaml()).findFirst()
        .orElse(null);
  }

  @Test
  void yamlOfExtensionValuesIsWhatGoYamlWrites() {
    assertEquals("merge\n", GnosticV2.yaml(Json.MAPPER.valueToTree("merge")));
    assertEquals("- group: \"\"\n  kind: Pod\n  version: v1\n",
        GnosticV2.yaml(Json.MAPPER.createArrayNode().add(OpenApiDocuments.gvk("", "v1", "Pod"))));
  }

  @Test
  void builtOncePerCatalogGenerationAndRebuiltWhenCustomResourcesComeAndGo() throws Exception {
    ResourceCatalog catalog = ResourceCatalog.builtIn();
    OpenApiV2Documents docs = new OpenApiV2Documents(catalog);
    String etag = docs.json().etag();
    assertTrue(etag.matches("\"[0-9A-F]{128}\""), etag);
    assertNotEquals(etag, docs.protobuf().etag());
    byte[] proto = docs.protobuf().body();
    docs.document();
    docs.negotiate("application/json");
    assertEquals(1, docs.builds());
    assertArrayEquals(proto, docs.protobuf().body());

    ResourceDefinition crd = new ResourceDefinition("stable.example.com", "v1", "crontabs", "crontab", "CronTab",
        true, List.of("ct"), List.of(), Set.of("status"), GenericKubernetesResource.class,
        "stable.example.com/crontabs", ResourceDefinition.VERBS);
    catalog.register(crd);
    ObjectNode doc = docs.document();
    assertEquals(2, docs.builds());
    assertNotEquals(etag, docs.json().etag());
    JsonNode defs = doc.path("definitions");
    assertEquals("[{\"group\":\"stable.example.com\",\"kind\":\"CronTab\",\"version\":\"v1\"}]",
        defs.at("/com.example.stable.v1.CronTab/x-kubernetes-group-version-kind").toString());
    assertEquals("#/definitions/com.example.stable.v1.CronTab",
        defs.at("/com.example.stable.v1.CronTabList/properties/items/items/$ref").asText());
    assertFalse(defs.has("io.k8s.api.core.v1.GenericKubernetesResource"));
    JsonNode patch = doc.at("/paths/~1apis~1stable.example.com~1v1~1namespaces~1{namespace}~1crontabs~1{name}/patch");
    assertEquals("{\"group\":\"stable.example.com\",\"kind\":\"CronTab\",\"version\":\"v1\"}",
        patch.path("x-kubernetes-group-version-kind").toString());
    assertEquals("#/definitions/com.example.stable.v1.CronTab", patch.at("/responses/200/schema/$ref").asText());
    assertTrue(doc.at("/paths/~1apis~1stable.example.com~1v1~1namespaces~1{namespace}~1crontabs~1{name}~1status")
        .has("put"));
    String deleteOptions = defs.at("/io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions/"
        + "x-kubernetes-group-version-kind").toString();
    assertTrue(deleteOptions.contains("\"group\":\"stable.example.com\""), deleteOptions);
    // the protobuf form follows, and still holds exactly the JSON
    assertEquals(Json.MAPPER.readTree(docs.json().body()),
        GnosticJson.toJson(Document.parseFrom(docs.protobuf().body())));
    assertEquals(2, docs.builds());

    catalog.unregister("stable.example.com", "v1", "crontabs");
    assertFalse(docs.document().path("definitions").has("com.example.stable.v1.CronTab"));
    assertEquals(3, docs.builds());
    assertEquals(etag, docs.json().etag(), "the same catalog makes the same bytes");
  }

  @Test
  void customNamesReverseTheGroup() {
    assertEquals("com.example.stable.v1.CronTab", CustomResourceDocs.name("stable.example.com", "v1", "CronTab"));
    assertEquals("io.cert-manager.v1.Certificate", CustomResourceDocs.name("cert-manager.io", "v1",
        "Certificate"));
  }

  @Test
  void acceptPicksTheFormLikeUpstream() {
    String pb = OpenApiV2Documents.PROTOBUF_DOTTED;
    assertEquals(pb, DOCS.negotiate(OpenApiV2Documents.PROTOBUF).orElseThrow().contentType());
    assertEquals(pb, DOCS.negotiate(OpenApiV2Documents.PROTOBUF_DOTTED).orElseThrow().contentType());
    assertEquals(pb, DOCS.negotiate(OpenApiV2Documents.PROTOBUF + ", application/json").orElseThrow()
        .contentType());
    assertEquals("application/json", DOCS.negotiate("application/json").orElseThrow().contentType());
    assertEquals("application/json", DOCS.negotiate(null).orElseThrow().contentType());
    assertEquals("application/json", DOCS.negotiate("*/*").orElseThrow().contentType());
    assertEquals("application/json", DOCS.negotiate("application/*").orElseThrow().contentType());
    assertEquals(pb, DOCS.negotiate("application/json;q=0.5, " + pb).orElseThrow().contentType());
    assertEquals(pb, DOCS.negotiate("*/*;q=0.8, " + pb).orElseThrow().contentType());
    assertEquals(Optional.empty(), DOCS.negotiate("text/html"));
    assertEquals(Optional.empty(), DOCS.negotiate("application/json;q=0"));
  }

  @Test
  void ifNoneMatch() {
    assertTrue(OpenApiV2Routes.matches("\"AB\"", "\"AB\""));
    assertTrue(OpenApiV2Routes.matches("W/\"AB\", \"CD\"", "\"AB\""));
    assertTrue(OpenApiV2Routes.matches("*", "\"AB\""));
    assertFalse(OpenApiV2Routes.matches("\"CD\"", "\"AB\""));
    assertFalse(OpenApiV2Routes.matches(null, "\"AB\""));
  }

  private static String firstDifference(JsonNode a, JsonNode b, String at) {
    if (a.isObject() && b.isObject()) {
      Iterator<String> names = a.fieldNames();
      while (names.hasNext()) {
        String n = names.next();
        if (!b.has(n)) {
          return at + "/" + n + " (missing after the round trip: " + a.get(n) + ")";
        }
        if (!a.get(n).equals(b.get(n))) {
          return firstDifference(a.get(n), b.get(n), at + "/" + n);
        }
      }
      Iterator<String> extra = b.fieldNames();
      while (extra.hasNext()) {
        String n = extra.next();
        if (!a.has(n)) {
          return at + "/" + n + " (added by the round trip: " + b.get(n) + ")";
        }
      }
    } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        if (!a.get(i).equals(b.get(i))) {
          return firstDifference(a.get(i), b.get(i), at + "/" + i);
        }
      }
    }
    return at + ": " + a + " became " + b;
  }
}

package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceValidation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's server-side field validation tests on custom resources (test/e2e/apimachinery/field_validation.go):
 * server-side applies with {@code fieldValidation=Strict} of YAML bodies against a cluster-scoped CRD with or without
 * a schema: valid and preserved-unknown fields pass; a field the schema does not declare and unknown metadata in an
 * embedded resource fail the typed conversion of the configuration (upstream's plain 500 "failed to create typed
 * patch object"), a duplicate key is a 400 naming its line.
 */
@ExtendWith(TestNamespace.class)
class CustomResourceFieldValidationTest {
  private static final String APPLY = "application/apply-patch+yaml";
  /** Upstream's schema (spec.foo, a cron pattern, a map-list of ports), its root given by the test. */
  private static final String SPEC = """
      "spec": {"type": "object", %s "properties": {
        %s
        "foo": {"type": "string"},
        "cronSpec": {"type": "string", "pattern": "^(\\\\d+|\\\\*)(/\\\\d+)?(\\\\s+(\\\\d+|\\\\*)(/\\\\d+)?){4}$"},
        "ports": {"type": "array", "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
          "x-kubernetes-list-type": "map", "items": {"type": "object", "required": ["containerPort", "protocol"],
          "properties": {"containerPort": {"type": "integer", "format": "int32"}, "hostIP": {"type": "string"},
            "hostPort": {"type": "integer", "format": "int32"}, "name": {"type": "string"},
            "protocol": {"type": "string"}}}}}}""";
  private static final String EMBEDDED_TEMPLATE = """
      "template": {"type": "object", "x-kubernetes-embedded-resource": true, "properties": {
        "metadata": {"type": "object", "properties": {"name": {"type": "string"}}},
        "spec": {"type": "object"}}},""";

  private final KubernetesClient client = Cluster.client();
  private final String group = "f" + UUID.randomUUID().toString().substring(0, 8) + ".e2e.quarkube.io";

  @AfterEach
  void cleanUp() {
    client.apiextensions().v1().customResourceDefinitions().withName("noxus." + group).delete();
  }

  /** A cluster-scoped CRD with the given schema (null: upstream's fixture without one, preserving everything). */
  private void crd(String schema) {
    CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal("""
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "noxus.%s"},
         "spec": {"group": "%s", "scope": "Cluster",
           "names": {"plural": "noxus", "singular": "nonenglishnoxu", "kind": "WishIHadChosenNoxu",
             "listKind": "NoxuItemList"},
           "versions": [{"name": "v1beta1", "served": true, "storage": true,
             "schema": {"openAPIV3Schema": %s}}]}}"""
        .formatted(group, group, schema == null ? "{\"type\": \"object\", \"x-kubernetes-preserve-unknown-fields\": true}"
            : "{\"type\": \"object\", \"properties\": {" + schema + "}}"), CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    Await.until(Duration.ofSeconds(30), "noxus served", () -> Api.get("/apis/" + group + "/v1beta1/noxus",
        "application/json").code() == 200);
  }

  private Api.Response apply(String yaml) {
    return Api.send("PATCH", "/apis/" + group + "/v1beta1/noxus/mytest?fieldManager=field_validation_mgr"
        + "&fieldValidation=Strict", APPLY, yaml, "application/json");
  }

  private String body(String metadataExtra, String spec) {
    return "\napiVersion: " + group + "/v1beta1\nkind: WishIHadChosenNoxu\nmetadata:\n  name: mytest\n"
        + metadataExtra + "spec:\n" + spec + "  cronSpec: \"* * * * */5\"\n  ports:\n  - name: x\n"
        + "    containerPort: 80\n    protocol: TCP";
  }

  @Conformance("api-machinery.field-validation-custom-resources")
  @Test
  void aValidCustomResourceIsApplied() {
    crd(SPEC.formatted("", ""));
    Api.Response r = apply(body("", "  foo: foo1\n"));
    assertEquals(201, r.code(), r.toString());
  }

  @Conformance("api-machinery.field-validation-custom-resources")
  @Test
  void unknownFieldsPassWithoutASchema() {
    crd(null);
    Api.Response r = apply(body("", "  unknown: uk1\n"));
    assertEquals(201, r.code(), r.toString());
  }

  @Conformance("api-machinery.field-validation-custom-resources")
  @Test
  void aFieldTheSchemaDoesNotDeclareIsRefused() {
    crd(SPEC.formatted("", ""));
    Api.Response r = apply(body("", "  foo: foo1\n").replace("spec:\n", "unknownField: unknown\nspec:\n"));
    // Upstream's typed conversion fails with a plain error: 500 without a reason, as it answers.
    assertEquals(500, r.code(), r.toString());
    assertTrue(r.body().contains("failed to create typed patch object"), r.toString());
    assertTrue(r.body().contains(".unknownField: field not declared in schema"), r.toString());
  }

  @Conformance("api-machinery.field-validation-custom-resources")
  @Test
  void unknownMetadataAtTheRootAndInAnEmbeddedResourceIsRefused(String ns) {
    crd(SPEC.formatted("\"x-kubernetes-preserve-unknown-fields\": true,", EMBEDDED_TEMPLATE));
    Api.Response r = apply(body("  unknownMeta: unknown\n", "  template:\n    apiversion: foo/v1\n    kind: Sub\n"
        + "    metadata:\n        unknownSubMeta: unknown\n        name: subobject\n        namespace: " + ns
        + "\n  foo: foo1\n"));
    assertEquals(500, r.code(), r.toString());
    assertTrue(r.body().contains(".spec.template.metadata.unknownSubMeta: field not declared in schema")
        || r.body().contains(".metadata.unknownMeta: field not declared in schema"), r.toString());
  }

  @Conformance("api-machinery.field-validation-custom-resources")
  @Test
  void aDuplicateKeyIsRefusedEvenWhereUnknownFieldsArePreserved() {
    crd(SPEC.formatted("\"x-kubernetes-preserve-unknown-fields\": true,", ""));
    Api.Response r = apply(body("", "  unknown: uk1\n  foo: foo1\n  foo: foo2\n"));
    assertEquals(400, r.code(), r.toString());
    assertTrue(r.body().contains("line 9: key \\\"foo\\\" already set in map"), r.toString());
  }
}

package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's CustomResourcePublishOpenAPI tests: a CRD version's schema is published in {@code /openapi/v2} under
 * upstream's definition name, exactly (apart from apiVersion, kind, metadata and the group-version-kind) as the CRD
 * says it, follows the CRD when versions are renamed or no longer served, and goes with it; CRDs whose schemas keep
 * unknown fields take any field through kubectl create and apply, and kubectl explain describes them.
 */
@ExtendWith(TestNamespace.class)
class CustomResourcePublishOpenApiTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final Kubectl kubectl = Kubectl.stock();

  /** Upstream's schemas (crd_publish_openapi.go), as they are. */
  static final String FOO = """
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
                required:
                - name
                properties:
                  name:
                    description: Name of Bar.
                    type: string
                  age:
                    description: Age of Bar.
                    type: string
                  feeling:
                    description: Whether Bar is feeling great.
                    type: string
                    enum:
                    - Great
                    - Down
                  bazs:
                    description: List of Bazs.
                    items:
                      type: string
                    type: array
        status:
          description: Status of Foo
          type: object
          properties:
            bars:
              description: List of Bars and their statuses.
              type: array
              items:
                type: object
                properties:
                  name:
                    description: Name of Bar.
                    type: string
                  available:
                    description: Whether the Bar is installed.
                    type: boolean
                  quxType:
                    description: Indicates to external qux type.
                    pattern: in-tree|out-of-tree
                    type: string
      """;
  static final String WALDO = """
      description: Waldo CRD for Testing
      type: object
      properties:
        spec:
          description: Specification of Waldo
          type: object
          properties:
            dummy:
              description: Dummy property.
              type: object
        status:
          description: Status of Waldo
          type: object
          properties:
            bars:
              description: List of Bars and their statuses.
              type: array
              items:
                type: object
      """;
  static final String PRESERVE_ROOT = """
      description: preserve-unknown-properties at root for Testing
      x-kubernetes-preserve-unknown-fields: true
      type: object
      properties:
        spec:
          description: Specification of Waldo
          type: object
          properties:
            dummy:
              description: Dummy property.
              type: object
      """;
  static final String PRESERVE_NESTED = """
      description: preserve-unknown-properties in nested field for Testing
      type: object
      properties:
        spec:
          description: Specification of Waldo
          type: object
          x-kubernetes-preserve-unknown-fields: true
          properties:
            dummy:
              description: Dummy property.
              type: object
      """;
  /** What upstream's test gives a CRD "without validation schema" (v1 needs one). */
  static final String NO_SCHEMA = "type: object\nx-kubernetes-preserve-unknown-fields: true\n";

  /** A test CRD as upstream's CreateMultiVersionTestCRD makes it: random kind, first version stored. */
  private record TestCrd(String group, String kind, String plural, List<String> versions) {
    static TestCrd of(String group, String... versions) {
      String id = UUID.randomUUID().toString().substring(0, 6);
      return new TestCrd(group, "E2e-test-crd-publish-openapi-" + id + "-crd",
          "e2e-test-crd-publish-openapi-" + id + "-crds", List.of(versions));
    }

    String name() {
      return plural + "." + group;
    }

    String yaml(String schema) {
      StringBuilder b = new StringBuilder("""
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata: {name: %s}
          spec:
            group: %s
            scope: Namespaced
            names: {plural: %s, singular: %s, kind: %s, listKind: %sList}
            versions:
          """.formatted(name(), group, plural, plural.substring(0, plural.length() - 1), kind, kind));
      for (int i = 0; i < versions.size(); i++) {
        b.append("  - name: ").append(versions.get(i)).append("\n    served: true\n    storage: ").append(i == 0)
            .append("\n    schema:\n      openAPIV3Schema:\n").append(schema.indent(8));
      }
      return b.toString();
    }

    /** upstream's definitionName: ToRESTFriendlyName of group/version/kind, the group's labels reversed. */
    String definition(String version) {
      List<String> labels = new ArrayList<>(List.of(group.split("\\.")));
      java.util.Collections.reverse(labels);
      return String.join(".", labels) + "." + version + "." + kind;
    }

    String cr(String name, String body) {
      return "{\"kind\":\"%s\",\"apiVersion\":\"%s/%s\",\"metadata\":{\"name\":\"%s\"}%s}"
          .formatted(kind, group, versions.get(0), name, body);
    }
  }

  private static String group(String suffix) {
    return "crd-publish-openapi-" + UUID.randomUUID().toString().substring(0, 6) + "-" + suffix + ".example.com";
  }

  private void create(TestCrd crd, String schema) {
    kubectl.runWithInput(crd.yaml(schema), "create", "-f", "-").ok();
    kubectl.run("wait", "--for=condition=Established", "crd/" + crd.name(), "--timeout=60s").ok();
  }

  /** Deletes the CRD and waits for every one of its definitions to leave the document (upstream's cleanupCRD). */
  private void cleanUp(TestCrd crd, String... versions) {
    kubectl.run("delete", "crd", crd.name(), "--wait=false").ok();
    for (String v : versions) {
      awaitNoDefinition(crd.definition(v));
    }
  }

  /**
   * Waits until /openapi/v2 defines {@code name} as {@code schema} (YAML) once upstream's dropDefaults took
   * apiVersion, kind, metadata and the group-version-kind out; a null schema only waits for the definition.
   */
  static void awaitDefinition(String name, String schema) {
    JsonNode expected = schema == null ? null : yaml(schema);
    Await.until(WAIT, "definition " + name + " published as the CRD's schema", () -> {
      JsonNode def = Api.get("/openapi/v2", "application/json").json().path("definitions").get(name);
      if (def == null) {
        return false;
      }
      if (expected == null) {
        return true;
      }
      ObjectNode d = def.deepCopy();
      d.remove("x-kubernetes-group-version-kind");
      if (d.get("properties") instanceof ObjectNode props) {
        props.remove(List.of("apiVersion", "kind", "metadata"));
        if (props.isEmpty()) {
          d.remove("properties"); // upstream compares semantically: an empty map is no map
        }
      }
      return d.equals(expected);
    });
  }

  static void awaitNoDefinition(String name) {
    Await.until(WAIT, "definition " + name + " gone from /openapi/v2", () -> !Api.get("/openapi/v2",
        "application/json").json().path("definitions").has(name));
  }

  private static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void explainMatches(TestCrd crd, String field, String regex) {
    String out = kubectl.run("explain", field, "--api-version=" + crd.group() + "/" + crd.versions().get(0)).ok()
        .out();
    assertTrue(Pattern.compile(regex).matcher(out).find(), "kubectl explain " + field + " matches " + regex
        + ":\n" + out);
  }

  /** kubectl create and apply both take the CR, which is deleted after each (upstream's sequence). */
  private void createAndApply(TestCrd crd, String ns, String cr) {
    for (String verb : List.of("create", "apply")) {
      kubectl.runWithInput(cr, verb, "-n", ns, "-f", "-").ok();
      kubectl.run("delete", "-n", ns, crd.plural(), "test-cr").ok();
    }
  }

  @Conformance("api-machinery.crd-openapi-publishing")
  @Test
  void schemasKeepingUnknownFieldsTakeAnyFieldAndAreExplained(String ns) {
    TestCrd empty = TestCrd.of(group("empty"), "v1");
    TestCrd root = TestCrd.of(group("unknown-at-root"), "v1");
    TestCrd nested = TestCrd.of(group("unknown-in-nested"), "v1");
    create(empty, NO_SCHEMA);
    create(root, PRESERVE_ROOT);
    create(nested, PRESERVE_NESTED);
    try {
      awaitDefinition(empty.definition("v1"), "type: object");
      awaitDefinition(root.definition("v1"), null);
      awaitDefinition(nested.definition("v1"), null);

      createAndApply(empty, ns, empty.cr("test-cr", ",\"a\":{\"b\":[{\"c\":\"d\"}]}"));
      explainMatches(empty, empty.plural(), "(?s)DESCRIPTION:.*<empty>");
      createAndApply(root, ns, root.cr("test-cr", ",\"a\":{\"b\":[{\"c\":\"d\"}]}"));
      explainMatches(root, root.plural(), "(?s)KIND:.*" + Pattern.quote(root.kind()));
      createAndApply(nested, ns, nested.cr("test-cr", ",\"spec\":{\"a\":null,\"b\":[{\"c\":\"d\"}]}"));
      explainMatches(nested, nested.plural(), "(?s)DESCRIPTION:.*preserve-unknown-properties in nested field for "
          + "Testing");
    } finally {
      cleanUp(empty, "v1");
      cleanUp(root, "v1");
      cleanUp(nested, "v1");
    }
  }

  @Conformance("api-machinery.crd-openapi-publishing")
  @Test
  void crdsOfDifferentGroupsVersionsAndKindsArePublished() {
    // different groups
    TestCrd foo = TestCrd.of(group("foo"), "v1");
    TestCrd waldo = TestCrd.of(group("waldo"), "v1beta1");
    // one CRD, two versions
    TestCrd multi = TestCrd.of(group("multi-ver"), "v2", "v3");
    // one group, two CRDs of different versions; one group and version, two kinds
    String common = group("common-group");
    TestCrd fooV4 = TestCrd.of(common, "v4");
    TestCrd waldoV5 = TestCrd.of(common, "v5");
    TestCrd fooV6 = TestCrd.of(common, "v6");
    TestCrd waldoV6 = TestCrd.of(common, "v6");
    create(foo, FOO);
    create(waldo, WALDO);
    create(multi, FOO);
    create(fooV4, FOO);
    create(waldoV5, WALDO);
    create(fooV6, FOO);
    create(waldoV6, WALDO);
    try {
      awaitDefinition(waldo.definition("v1beta1"), WALDO);
      awaitDefinition(foo.definition("v1"), FOO);
      awaitDefinition(multi.definition("v3"), FOO);
      awaitDefinition(multi.definition("v2"), FOO);
      awaitDefinition(waldoV5.definition("v5"), WALDO);
      awaitDefinition(fooV4.definition("v4"), FOO);
      awaitDefinition(waldoV6.definition("v6"), WALDO);
      awaitDefinition(fooV6.definition("v6"), FOO);
    } finally {
      cleanUp(foo, "v1");
      cleanUp(waldo, "v1beta1");
      cleanUp(multi, "v2", "v3");
      cleanUp(fooV4, "v4");
      cleanUp(waldoV5, "v5");
      cleanUp(fooV6, "v6");
      cleanUp(waldoV6, "v6");
    }
  }

  @Conformance("api-machinery.crd-openapi-publishing")
  @Test
  void renamedAndUnservedVersionsFollowInThePublishedSpec() {
    TestCrd renamed = TestCrd.of(group("multi-ver"), "v2", "v3");
    TestCrd unserved = TestCrd.of(group("multi-to-single-ver"), "v5", "v6alpha1");
    create(renamed, FOO);
    create(unserved, FOO);
    try {
      awaitDefinition(renamed.definition("v3"), FOO);
      awaitDefinition(renamed.definition("v2"), FOO);
      kubectl.run("patch", "crd", renamed.name(), "--type=json", "-p", "[{\"op\":\"test\",\"path\":"
          + "\"/spec/versions/1/name\",\"value\":\"v3\"},{\"op\":\"replace\",\"path\":\"/spec/versions/1/name\","
          + "\"value\":\"v4\"}]").ok();
      awaitDefinition(renamed.definition("v4"), FOO);
      awaitNoDefinition(renamed.definition("v3"));
      awaitDefinition(renamed.definition("v2"), FOO);

      awaitDefinition(unserved.definition("v6alpha1"), FOO);
      awaitDefinition(unserved.definition("v5"), FOO);
      kubectl.run("patch", "crd", unserved.name(), "--type=json", "-p",
          "[{\"op\":\"replace\",\"path\":\"/spec/versions/1/served\",\"value\":false}]").ok();
      awaitNoDefinition(unserved.definition("v6alpha1"));
      awaitDefinition(unserved.definition("v5"), FOO);
    } finally {
      cleanUp(renamed, "v2", "v4");
      cleanUp(unserved, "v5");
    }
  }

  /** Upstream's "works for CRD with validation schema": kubectl create and apply take a valid CR; explain, nested. */
  @Conformance("api-machinery.crd-openapi-explain")
  @Test
  void validationSchemaIsExplainedToTheLeaves(String ns) {
    TestCrd foo = TestCrd.of(group("foo"), "v1");
    create(foo, FOO);
    try {
      awaitDefinition(foo.definition("v1"), FOO);
      String valid = foo.cr("test-cr", ",\"spec\":{\"bars\":[{\"name\":\"test-bar\"}]}");
      createAndApply(foo, ns, valid);
      String p = foo.plural();
      explainMatches(foo, p, "(?s)DESCRIPTION:.*Foo CRD for Testing.*FIELDS:.*apiVersion.*<string>.*APIVersion "
          + "defines.*spec.*<Object>.*Specification of Foo");
      explainMatches(foo, p + ".metadata", "(?s)DESCRIPTION:.*Standard object's metadata.*FIELDS:.*"
          + "creationTimestamp.*<string>.*CreationTimestamp is a timestamp");
      explainMatches(foo, p + ".spec", "(?s)DESCRIPTION:.*Specification of Foo.*FIELDS:.*bars.*<\\[\\]Object>.*List "
          + "of Bars and their specs");
      // kubectl before 1.27 (OpenAPI v2) heads a field with RESOURCE:, later ones with FIELD:
      explainMatches(foo, p + ".spec.bars", "(?s)(RESOURCE|FIELD):.*bars.*<\\[\\]Object>.*DESCRIPTION:.*List of "
          + "Bars and their specs.*FIELDS:.*bazs.*<\\[\\]string>.*List of Bazs.*name.*<string>.*Name of Bar");
      Kubectl.Result missing = kubectl.run("explain", p + ".spec.bars2", "--api-version=" + foo.group() + "/v1")
          .fails();
      assertTrue(missing.err().contains("field \"bars2\" does not exist"), missing.err());
    } finally {
      cleanUp(foo, "v1");
    }
  }
}

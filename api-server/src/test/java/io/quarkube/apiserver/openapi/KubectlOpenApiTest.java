package io.quarkube.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.discovery.KubectlHarness;
import io.quarkube.apiserver.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real kubectl 1.32 reading these OpenAPI documents. */
class KubectlOpenApiTest {

  @Test
  void explainWalksTheSchemas() throws Exception {
    assumeTrue(KubectlHarness.kubectl().isPresent(), "kubectl 1.32 is not installed");
    try (KubectlHarness h = new KubectlHarness(Instant.now())) {
      String pods = h.run("explain", "pods");
      assertTrue(pods.contains("KIND:       Pod"), pods);
      assertTrue(pods.contains("VERSION:    v1"), pods);
      assertTrue(pods.contains("spec\t<PodSpec>"), pods);
      assertTrue(pods.contains("metadata\t<ObjectMeta>"), pods);
      assertTrue(pods.contains("A Pod is a group of containers"), pods);

      String containers = h.run("explain", "pods.spec.containers");
      assertTrue(containers.contains("FIELD: containers <[]Container>"), containers);
      assertTrue(containers.contains("name\t<string> -required-"), containers);
      assertTrue(containers.contains("ports\t<[]ContainerPort>"), containers);

      String spec = h.run("explain", "pods.spec");
      assertTrue(spec.contains("containers\t<[]Container> -required-"), spec);
      assertTrue(spec.contains("nodeSelector\t<map[string]string>"), spec);

      String replicas = h.run("explain", "deployment.spec.replicas");
      assertTrue(replicas.contains("GROUP:      apps"), replicas);
      assertTrue(replicas.contains("FIELD: replicas <integer>"), replicas);

      String limits = h.run("explain", "pod.spec.containers.resources.limits");
      assertTrue(limits.contains("FIELD: limits <map[string]Quantity>"), limits);
      String created = h.run("explain", "pods.metadata.creationTimestamp");
      assertTrue(created.contains("FIELD: creationTimestamp <string>"), created);
      String port = h.run("explain", "pods.spec.containers.livenessProbe.httpGet.port");
      assertTrue(port.contains("FIELD: port <IntOrString>"), port);

      String recursive = h.run("explain", "cronjobs.spec", "--recursive");
      assertTrue(recursive.contains("jobTemplate\t<JobTemplateSpec> -required-"), recursive);
      assertTrue(h.run("explain", "leases.spec.renewTime").contains("<string>"));
    }
  }

  @Test
  void createLeavesValidationToTheServer() throws Exception {
    assumeTrue(KubectlHarness.kubectl().isPresent(), "kubectl 1.32 is not installed");
    try (KubectlHarness h = new KubectlHarness(Instant.now())) {
      Path manifest = Files.createTempFile("pod", ".yaml");
      Files.writeString(manifest, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
          + "  - name: web\n    image: nginx\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
          + "spec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n"
          + "    spec:\n      containers:\n      - name: d\n        image: nginx\n");
      h.run("create", "-f", manifest.toString());
      assertTrue(h.requests().stream().anyMatch(r -> r.startsWith("GET /openapi/v3/api/v1?hash=")),
          h.requests().toString());
      assertTrue(h.requests().stream().anyMatch(r -> r.startsWith("POST /api/v1/namespaces/default/pods?")
          && r.contains("fieldValidation=Strict")), h.requests().toString());
      assertTrue(h.requests().stream().anyMatch(r -> r.startsWith("POST /apis/apps/v1/namespaces/default/deployments?")
          && r.contains("fieldValidation=Strict")), h.requests().toString());
      // no fallback to the protobuf v2 document
      assertTrue(h.requests().stream().noneMatch(r -> r.contains("/openapi/v2")), h.requests().toString());
    }
  }

  @Test
  void clientSideApplyPatchesContainersByName() throws Exception {
    assumeTrue(KubectlHarness.kubectl().isPresent(), "kubectl 1.32 is not installed");
    try (KubectlHarness h = new KubectlHarness(Instant.now())) {
      String applied = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\","
          + "\"namespace\":\"default\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":"
          + "{\"metadata\":{\"labels\":{\"app\":\"d\"}},\"spec\":{\"containers\":[{\"name\":\"a\","
          + "\"image\":\"nginx:1\"},{\"name\":\"b\",\"image\":\"busybox\"}]}}}}";
      ObjectNode current = (ObjectNode) Json.MAPPER.readTree(applied);
      ((ObjectNode) current.get("metadata")).putObject("annotations")
          .put("kubectl.kubernetes.io/last-applied-configuration", applied);
      h.serve("apps", "deployments", List.of(current));
      Path manifest = Files.createTempFile("deployment", ".json");
      Files.writeString(manifest, applied.replace("nginx:1", "nginx:2"));
      h.run("apply", "-f", manifest.toString());
      assertTrue(h.requests().stream().anyMatch(r -> r.startsWith("PATCH /apis/apps/v1/namespaces/default/"
          + "deployments/d?") && r.contains("fieldValidation=Strict")), h.requests().toString());
      String patch = h.bodies().get(h.bodies().size() - 1);
      assertTrue(patch.contains("\"$setElementOrder/containers\":[{\"name\":\"a\"},{\"name\":\"b\"}],"
          + "\"containers\":[{\"image\":\"nginx:2\",\"name\":\"a\"}]"), patch);
      assertTrue(h.requests().stream().noneMatch(r -> r.contains("/openapi/v2")), h.requests().toString());
    }
  }
}

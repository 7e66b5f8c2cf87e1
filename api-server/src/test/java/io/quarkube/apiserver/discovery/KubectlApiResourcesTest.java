package io.quarkube.apiserver.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkube.apiserver.resource.ResourceCatalog;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real kubectl 1.32 reading this server's discovery documents. */
class KubectlApiResourcesTest {

  @Test
  void apiResourcesPrintsUpstreamsColumns() throws Exception {
    assumeTrue(KubectlHarness.kubectl().isPresent(), "kubectl 1.32 is not installed");
    try (KubectlHarness h = new KubectlHarness(Instant.now())) {
      List<String> lines = h.run("api-resources").lines().toList();
      assertEquals(List.of("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"), words(lines.get(0)));
      assertTrue(lines.contains(row(lines, "pods")), lines.toString());
      assertEquals(List.of("pods", "po", "v1", "true", "Pod"), words(row(lines, "pods")));
      assertEquals(List.of("namespaces", "ns", "v1", "false", "Namespace"), words(row(lines, "namespaces")));
      assertEquals(List.of("secrets", "v1", "true", "Secret"), words(row(lines, "secrets")));
      assertEquals(List.of("deployments", "deploy", "apps/v1", "true", "Deployment"),
          words(row(lines, "deployments")));
      assertEquals(List.of("componentstatuses", "cs", "v1", "false", "ComponentStatus"),
          words(row(lines, "componentstatuses")));
      assertEquals(List.of("runtimeclasses", "node.k8s.io/v1", "false", "RuntimeClass"),
          words(row(lines, "runtimeclasses")));
      assertEquals(List.of("csistoragecapacities", "storage.k8s.io/v1", "true", "CSIStorageCapacity"),
          words(row(lines, "csistoragecapacities")));
      assertEquals(List.of("volumeattachments", "storage.k8s.io/v1", "false", "VolumeAttachment"),
          words(row(lines, "volumeattachments")));
      assertEquals(List.of("clusterroles", "rbac.authorization.k8s.io/v1", "false", "ClusterRole"),
          words(row(lines, "clusterroles")));
      // autoscaling/v2 is the group's preferred version: kubectl lists horizontalpodautoscalers once, in v2
      assertEquals(List.of("horizontalpodautoscalers", "hpa", "autoscaling/v2", "true", "HorizontalPodAutoscaler"),
          words(row(lines, "horizontalpodautoscalers")));
      // one line per resource of each group's preferred version: subresources are not listed
      assertEquals(1 + ResourceCatalog.builtIn().all().stream().map(d -> d.group() + "/" + d.resource()).distinct()
          .count(), lines.size());
      // aggregated discovery answered everything: no per-group-version requests
      assertTrue(h.requests().stream().noneMatch(r -> r.startsWith("GET /apis/apps")), h.requests().toString());

      List<String> wide = h.run("api-resources", "-o", "wide", "--api-group=apps").lines().toList();
      assertEquals(List.of("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES"),
          words(wide.get(0)));
      assertTrue(row(wide, "deployments").contains(" create,delete,deletecollection,get,list,patch,update,watch "),
          wide.toString());
      assertTrue(row(wide, "deployments").endsWith("all"), row(wide, "deployments"));
    }
  }

  @Test
  void drainFindsTheEvictionSubresource() throws Exception {
    assumeTrue(KubectlHarness.kubectl().isPresent(), "kubectl 1.32 is not installed");
    try (KubectlHarness h = new KubectlHarness(Instant.now())) {
      String raw = h.run("get", "--raw", "/api/v1");
      assertTrue(raw.contains("\"name\":\"pods/eviction\",\"singularName\":\"\",\"namespaced\":true,"
          + "\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\""), raw);
    }
  }

  private static String row(List<String> lines, String name) {
    return lines.stream().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow(() ->
        new AssertionError(name + " missing from " + lines));
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.trim().split("\\s+"));
  }
}

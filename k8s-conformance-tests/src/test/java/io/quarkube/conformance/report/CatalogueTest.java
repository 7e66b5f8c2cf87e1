package io.quarkube.conformance.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalogue is well formed and every id a test names is in it (no cluster needed). */
class CatalogueTest {
  private final Catalogue catalogue = Catalogue.load();

  @Test
  void idsAreUniqueAndAreasKnown() {
    Set<String> seen = new HashSet<>();
    for (Catalogue.Behaviour b : catalogue.behaviours()) {
      assertTrue(seen.add(b.id()), "duplicate id " + b.id());
      assertTrue(Catalogue.AREAS.contains(b.area()), b.id() + ": unknown area " + b.area());
      assertTrue(b.id().startsWith(b.area() + "."), b.id() + " should start with its area " + b.area());
      assertTrue(!b.description().isBlank(), b.id() + " has no description");
    }
  }

  @Test
  void upstreamCodenamesLookLikeConformanceYaml() {
    for (Catalogue.Behaviour b : catalogue.behaviours()) {
      for (String u : b.upstream()) {
        assertTrue(u.matches("\\[sig-[a-z-]+\\] .+ \\[Conformance\\]"), b.id() + ": not a codename: " + u);
      }
    }
  }

  @Test
  void everyIdATestNamesIsInTheCatalogue() {
    Set<String> named = ConformanceListener.idsWithTests();
    assertTrue(!named.isEmpty(), "the scan found the annotated tests");
    Set<String> unknown = new HashSet<>(named);
    unknown.removeAll(catalogue.byId().keySet());
    assertEquals(Set.of(), unknown, "ids named by tests but missing from conformance-subset.yaml");
  }

  @Test
  void theIssueSubsetIsListed() {
    for (String id : List.of("api-machinery.version", "api-machinery.aggregated-discovery",
        "api-machinery.pagination", "api-machinery.table", "api-machinery.watch-from-rv",
        "api-machinery.watch-restart", "api-machinery.watch-selector", "api-machinery.watch-concurrent-order",
        "api-machinery.namespace-deletion", "api-machinery.gc-foreground", "api-machinery.field-validation",
        "api-machinery.resource-quota", "api-machinery.crd-lifecycle", "api-machinery.deletecollection",
        "apps.statefulset-scaling", "apps.daemonset", "apps.pdb-eviction", "node.probes", "node.lease",
        "network.proxy-subresources", "auth.token-request", "cli.top", "cli.drain", "cli.auth-can-i",
        "scheduling.node-selector", "scheduling.limitrange-defaults")) {
      assertTrue(catalogue.find(id).isPresent(), id);
    }
  }
}

package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PodTemplateBuilder;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How lists come back: in chunks (limit/continue/remainingItemCount), as Tables, or refused with 406. */
@ExtendWith(TestNamespace.class)
class ListingTest {
  static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

  private static void podTemplates(String ns, int count) {
    for (int i = 0; i < count; i++) {
      Cluster.client().resources(io.fabric8.kubernetes.api.model.PodTemplate.class).inNamespace(ns).resource(new PodTemplateBuilder().withNewMetadata()
          .withName(String.format("template-%02d", i)).addToLabels("set", "chunking").endMetadata()
          .withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer()
          .endSpec().endTemplate().build()).create();
    }
  }

  @Conformance("api-machinery.pagination")
  @Test
  void listsComeInChunksAtOneResourceVersion(String ns) {
    podTemplates(ns, 25);
    String base = "/api/v1/namespaces/" + ns + "/podtemplates?limit=10";
    List<String> names = new ArrayList<>();
    String cont = null;
    String rv = null;
    int pages = 0;
    int[] remaining = {15, 5};
    do {
      Api.Response r = Api.get(base + (cont == null ? "" : "&continue=" + cont), "application/json");
      assertEquals(200, r.code(), r.toString());
      JsonNode list = r.json();
      JsonNode items = list.path("items");
      assertTrue(items.size() <= 10, "page larger than the limit: " + items.size());
      items.forEach(i -> names.add(i.path("metadata").path("name").asText()));
      JsonNode meta = list.path("metadata");
      if (rv == null) {
        rv = meta.path("resourceVersion").asText();
      } else {
        assertEquals(rv, meta.path("resourceVersion").asText(), "every page is read at the first page's RV");
      }
      cont = meta.path("continue").asText("");
      if (pages < 2) {
        assertEquals(10, items.size());
        assertFalse(cont.isEmpty(), "page " + pages + " has a continue token");
        assertEquals(remaining[pages], meta.path("remainingItemCount").asInt(-1), meta.toString());
      } else {
        assertEquals(5, items.size());
        assertTrue(cont.isEmpty(), "the last page has no continue token: " + meta);
        assertFalse(meta.has("remainingItemCount") && meta.path("remainingItemCount").asInt() != 0, meta.toString());
      }
      pages++;
    } while (!cont.isEmpty());
    assertEquals(3, pages);
    assertEquals(25, names.size());
    assertEquals(names.stream().sorted().toList(), names, "in key order, no repeats");
    assertEquals(25, new java.util.HashSet<>(names).size());

    // Without a limit: everything at once.
    JsonNode all = Api.get("/api/v1/namespaces/" + ns + "/podtemplates", "application/json").json();
    assertEquals(25, all.path("items").size());
    assertTrue(all.path("metadata").path("continue").asText("").isEmpty());
  }

  /**
   * Upstream's "should support continue listing from the last key if the original version has been compacted away,
   * though the list is inconsistent": once the first page's revision is compacted, its continue token is answered
   * with 410 Expired carrying a new token that lists the rest at a newer resourceVersion, page after page. Upstream
   * waits for the API server's 5-minute compaction; the test compacts etcd itself.
   */
  @Conformance("api-machinery.pagination-after-compaction")
  @Test
  void aCompactedContinueTokenGetsAnInconsistentOne(String ns) {
    int total = 400;
    int limit = total / 10;
    java.util.stream.IntStream.range(0, total).parallel().forEach(i -> Cluster.client()
        .resources(io.fabric8.kubernetes.api.model.PodTemplate.class).inNamespace(ns).resource(
            new PodTemplateBuilder().withNewMetadata().withName(String.format("template-%04d", i)).endMetadata()
                .withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().endTemplate().build()).create());
    String base = "/api/v1/namespaces/" + ns + "/podtemplates?limit=" + limit;
    JsonNode first = Api.get(base, "application/json").json();
    String firstToken = first.path("metadata").path("continue").asText("");
    String firstRv = first.path("metadata").path("resourceVersion").asText();
    assertFalse(firstToken.isEmpty());

    // A write after the first page, then everything up to it compacted away.
    Cluster.client().configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName("after-first-page").endMetadata().build()).create();
    String status = Cluster.etcdctl("endpoint", "status", "--write-out=json");
    long revision = Api.parse(status).get(0).path("Status").path("header").path("revision").asLong();
    Cluster.etcdctl("compaction", Long.toString(revision));

    Api.Response expired = Api.get(base + "&continue=" + firstToken, "application/json");
    assertEquals(410, expired.code(), expired.toString());
    JsonNode statusJson = expired.json();
    assertEquals("Expired", statusJson.path("reason").asText());
    String inconsistent = statusJson.path("metadata").path("continue").asText("");
    assertFalse(inconsistent.isEmpty(), "the 410 carries a continue token: " + statusJson);

    List<String> names = new ArrayList<>();
    first.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    String cont = inconsistent;
    String lastRv = null;
    int found = limit;
    while (!cont.isEmpty()) {
      JsonNode page = Api.get(base + "&continue=" + cont, "application/json").json();
      JsonNode meta = page.path("metadata");
      if (lastRv == null) {
        lastRv = meta.path("resourceVersion").asText();
        assertFalse(lastRv.equals(firstRv), "the rest is read at a newer resourceVersion");
        assertEquals(limit, page.path("items").size());
      } else {
        assertEquals(lastRv, meta.path("resourceVersion").asText(), "the following pages keep it");
      }
      page.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
      found += page.path("items").size();
      cont = meta.path("continue").asText("");
      if (!cont.isEmpty()) {
        assertEquals(total - found, meta.path("remainingItemCount").asInt(-1), meta.toString());
      }
    }
    assertEquals(total, names.size());
    assertEquals(total, new java.util.HashSet<>(names).size(), "no repeats");
  }

  @Conformance("api-machinery.table")
  @Test
  void tablesForListsAndGetsAnd406WhenNoTableCanBeMade(String ns) {
    podTemplates(ns, 2);
    Api.Response list = Api.get("/api/v1/namespaces/" + ns + "/podtemplates", TABLE);
    assertEquals(200, list.code(), list.toString());
    JsonNode table = list.json();
    assertEquals("Table", table.path("kind").asText());
    assertEquals("meta.k8s.io/v1", table.path("apiVersion").asText());
    assertEquals("Name", table.path("columnDefinitions").get(0).path("name").asText());
    assertEquals(2, table.path("rows").size());
    JsonNode row = table.path("rows").get(0);
    assertEquals("template-00", row.path("cells").get(0).asText());
    assertEquals("PartialObjectMetadata", row.path("object").path("kind").asText(), row.toString());

    JsonNode one = Api.get("/api/v1/namespaces/" + ns + "/podtemplates/template-01", TABLE).json();
    assertEquals("Table", one.path("kind").asText());
    assertEquals(1, one.path("rows").size());

    // Cluster-scoped, built-in: namespaces as a Table too.
    assertEquals("Table", Api.get("/api/v1/namespaces/" + ns, TABLE).json().path("kind").asText());

    // An access review has no Table form: a client that accepts nothing else gets 406 NotAcceptable.
    Api.Response refused = Api.send("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "application/json", """
            {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
             "spec":{"resourceAttributes":{"verb":"get","resource":"pods","namespace":"%s"}}}""".formatted(ns),
        TABLE);
    assertEquals(406, refused.code(), refused.toString());
    assertEquals("NotAcceptable", refused.json().path("reason").asText(), refused.toString());
    // ...and gets JSON when it also accepts JSON.
    Api.Response fallback = Api.send("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "application/json", """
            {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
             "spec":{"resourceAttributes":{"verb":"get","resource":"pods","namespace":"%s"}}}""".formatted(ns),
        TABLE + ",application/json");
    assertEquals(201, fallback.code(), fallback.toString());
    assertTrue(fallback.json().path("status").path("allowed").asBoolean(), fallback.toString());
  }
}

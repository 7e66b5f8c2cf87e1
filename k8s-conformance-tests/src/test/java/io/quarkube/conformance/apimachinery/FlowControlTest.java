package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaCondition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * API priority and fairness (flowcontrol.apiserver.k8s.io): upstream's conformance tests of the FlowSchema and
 * PriorityLevelConfiguration APIs (discovery, create, get, list, watch, patch, update, the status subresource,
 * delete, deletecollection), upstream's e2e test that a request is classified by a user-specific FlowSchema (its UIDs
 * in the X-Kubernetes-PF-* response headers), the bootstrap objects and kubectl's columns.
 */
@ExtendWith(TestNamespace.class)
class FlowControlTest {
  private static final String GROUP = "flowcontrol.apiserver.k8s.io";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private static FlowSchema flowSchema(String name, String label, int precedence, String level, String user) {
    return read(FlowSchema.class, """
        {"apiVersion":"flowcontrol.apiserver.k8s.io/v1","kind":"FlowSchema",
         "metadata":{"name":"%s","labels":{"e2e":"%s"}},
         "spec":{"matchingPrecedence":%d,"priorityLevelConfiguration":{"name":"%s"},
                 "distinguisherMethod":{"type":"ByUser"},
                 "rules":[{"subjects":[{"kind":"User","user":{"name":"%s"}}],
                           "nonResourceRules":[{"verbs":["*"],"nonResourceURLs":["*"]}]}]}}"""
        .formatted(name, label, precedence, level, user));
  }

  private static PriorityLevelConfiguration priorityLevel(String name, String label) {
    return read(PriorityLevelConfiguration.class, """
        {"apiVersion":"flowcontrol.apiserver.k8s.io/v1","kind":"PriorityLevelConfiguration",
         "metadata":{"name":"%s","labels":{"e2e":"%s"}},
         "spec":{"type":"Limited","limited":{"nominalConcurrencyShares":2,"limitResponse":{"type":"Reject"}}}}"""
        .formatted(name, label));
  }

  private static <T> T read(Class<T> type, String json) {
    try {
      return JSON.readValue(json, type);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Conformance("api-machinery.flowcontrol-flowschema-api")
  @Test
  void flowSchemaApiOperations(String ns) {
    assertDiscovered("flowschemas");
    apiOperations(client.resources(FlowSchema.class), "flowschemas", ns,
        name -> flowSchema(name, ns, 1000, "global-default", "e2e-nobody-" + ns),
        """
            {"status":{"conditions":[{"type":"StatusPatched","status":"True","reason":"E2E",
              "lastTransitionTime":"2024-01-01T00:00:00Z"}]}}""",
        o -> ((FlowSchema) o).getStatus().getConditions().stream().map(FlowSchemaCondition::getType).toList());
    // the server's own Dangling condition is kept beside the patched one
    FlowSchema defaulted = client.resources(FlowSchema.class).resource(
        flowSchema("e2e-defaults-" + ns, ns, 0, "global-default", "u")).create();
    try {
      assertEquals(1000, defaulted.getSpec().getMatchingPrecedence()); // upstream's default
      // v1beta3 serves the same object
      var beta = client.resources(io.fabric8.kubernetes.api.model.flowcontrol.v1beta3.FlowSchema.class)
          .withName("e2e-defaults-" + ns).get();
      assertEquals(defaulted.getMetadata().getUid(), beta.getMetadata().getUid());
      assertEquals(GROUP + "/v1beta3", beta.getApiVersion());
      KubernetesClientException invalid = org.junit.jupiter.api.Assertions.assertThrows(
          KubernetesClientException.class, () -> client.resources(FlowSchema.class).resource(
              flowSchema("e2e-invalid-" + ns, ns, 1, "", "u")).create());
      assertEquals(422, invalid.getCode());
      assertTrue(invalid.getMessage().contains("only the schema named 'exempt' may have matchingPrecedence 1"),
          invalid.getMessage());
      assertTrue(invalid.getMessage().contains("spec.priorityLevelConfiguration.name: Required value: must "
          + "reference a priority level"), invalid.getMessage());
      // the mandatory schemas keep their fixed spec
      KubernetesClientException fixed = org.junit.jupiter.api.Assertions.assertThrows(
          KubernetesClientException.class, () -> client.resources(FlowSchema.class).withName("catch-all").edit(
              fs -> {
                fs.getSpec().setMatchingPrecedence(9999);
                return fs;
              }));
      assertEquals(422, fixed.getCode());
      assertTrue(fixed.getMessage().contains("spec of 'catch-all' must equal the fixed value"), fixed.getMessage());
    } finally {
      client.resources(FlowSchema.class).withName("e2e-defaults-" + ns).delete();
    }
  }

  @Conformance("api-machinery.flowcontrol-prioritylevel-api")
  @Test
  void priorityLevelConfigurationApiOperations(String ns) {
    assertDiscovered("prioritylevelconfigurations");
    apiOperations(client.resources(PriorityLevelConfiguration.class), "prioritylevelconfigurations", ns, name -> priorityLevel(name, ns),
        """
            {"status":{"conditions":[{"type":"StatusPatched","status":"True","reason":"E2E",
              "lastTransitionTime":"2024-01-01T00:00:00Z"}]}}""",
        o -> ((PriorityLevelConfiguration) o).getStatus().getConditions().stream()
            .map(c -> c.getType()).toList());
    String name = "e2e-defaults-" + ns;
    PriorityLevelConfiguration pl = client.resources(PriorityLevelConfiguration.class).resource(read(
        PriorityLevelConfiguration.class, """
            {"apiVersion":"flowcontrol.apiserver.k8s.io/v1","kind":"PriorityLevelConfiguration",
             "metadata":{"name":"%s"},"spec":{"type":"Limited","limited":{"limitResponse":{"type":"Queue",
             "queuing":{}}}}}""".formatted(name))).create();
    try {
      // upstream's v1 defaults
      assertEquals(30, pl.getSpec().getLimited().getNominalConcurrencyShares());
      assertEquals(0, pl.getSpec().getLimited().getLendablePercent());
      assertEquals(List.of(64, 8, 50), List.of(pl.getSpec().getLimited().getLimitResponse().getQueuing().getQueues(),
          pl.getSpec().getLimited().getLimitResponse().getQueuing().getHandSize(),
          pl.getSpec().getLimited().getLimitResponse().getQueuing().getQueueLengthLimit()));
      KubernetesClientException invalid = org.junit.jupiter.api.Assertions.assertThrows(
          KubernetesClientException.class, () -> client.resources(PriorityLevelConfiguration.class).withName(name)
              .edit(p -> {
                p.getSpec().getLimited().getLimitResponse().getQueuing().setHandSize(65);
                return p;
              }));
      assertEquals(422, invalid.getCode());
      assertTrue(invalid.getMessage().contains("spec.limited.limitResponse.queuing.handSize: Invalid value: 65: "
          + "should not be greater than queues (64)"), invalid.getMessage());
    } finally {
      client.resources(PriorityLevelConfiguration.class).withName(name).delete();
    }
  }

  /** What upstream's two conformance tests do, for either resource. */
  private <T extends HasMetadata, L extends KubernetesResourceList<T>> void apiOperations(
      MixedOperation<T, L, Resource<T>> api, String plural, String ns, Function<String, T> make,
      String statusPatch,
      Function<HasMetadata, List<String>> conditionTypes) {
    List<String> names = List.of("e2e-example-1-" + ns, "e2e-example-2-" + ns, "e2e-example-3-" + ns);
    try {
      for (String n : names) {
        api.resource(make.apply(n)).create();
      }
      T first = api.withName(names.get(0)).get();
      assertEquals(names.get(0), first.getMetadata().getName());
      L list = api.withLabel("e2e", ns).list();
      assertEquals(names, list.getItems().stream().map(o -> o.getMetadata().getName()).sorted().toList());

      BlockingQueue<String> events = new LinkedBlockingQueue<>();
      try (Watch ignored = api.watch(new ListOptionsBuilder().withLabelSelector("e2e=" + ns)
          .withResourceVersion(list.getMetadata().getResourceVersion()).build(), new Watcher<T>() {
            @Override
            public void eventReceived(Action action, T resource) {
              events.add(action + " " + resource.getMetadata().getName() + " "
                  + resource.getMetadata().getAnnotations());
            }

            @Override
            public void onClose(WatcherException cause) {}
          })) {
        T patched = api.withName(names.get(0)).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"patched\":\"true\"}}}");
        assertEquals("true", patched.getMetadata().getAnnotations().get("patched"));
        T current = api.withName(names.get(0)).get();
        current.getMetadata().getAnnotations().put("updated", "true");
        T updated = api.resource(current).update();
        assertEquals("true", updated.getMetadata().getAnnotations().get("updated"));
        // the watch from the list's resourceVersion sees modifications only (no replayed creates; the server's
        // own Dangling condition writes may come in between), up to the one with both annotations
        for (String e = poll(events); ; e = poll(events)) {
          assertTrue(e.startsWith("MODIFIED "), e);
          if (e.startsWith("MODIFIED " + names.get(0) + " ") && e.contains("patched=true")
              && e.contains("updated=true")) {
            break;
          }
        }
      }

      // the status subresource
      JsonNode status = json(client.raw("/apis/" + GROUP + "/v1/" + plural + "/" + names.get(0) + "/status"));
      assertEquals(names.get(0), status.path("metadata").path("name").asText());
      T statusPatched = api.withName(names.get(0)).subresource("status").patch(
          PatchContext.of(PatchType.JSON_MERGE), statusPatch);
      assertTrue(conditionTypes.apply(statusPatched).contains("StatusPatched"), statusPatched.toString());
      // the server writes a FlowSchema's Dangling condition too: an update that lost that race is made again
      T statusUpdated = null;
      for (int attempt = 0; statusUpdated == null; attempt++) {
        try {
          statusUpdated = api.resource(api.withName(names.get(0)).get()).updateStatus();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409 || attempt >= 5) {
            throw e;
          }
        }
      }
      assertTrue(conditionTypes.apply(statusUpdated).contains("StatusPatched"), statusUpdated.toString());

      api.withName(names.get(0)).delete();
      Await.until(TIMEOUT, names.get(0) + " gone", () -> api.withName(names.get(0)).get() == null);
      assertEquals(2, api.withLabel("e2e", ns).list().getItems().size());
      // deletecollection by label
      api.withLabel("e2e", ns).delete();
      Await.until(TIMEOUT, "the labelled objects gone", () -> api.withLabel("e2e", ns).list().getItems().isEmpty());
    } finally {
      for (String n : names) {
        api.withName(n).delete();
      }
    }
  }

  private static String poll(BlockingQueue<String> events) {
    try {
      String e = events.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertNotNull(e, "no watch event within " + TIMEOUT);
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void assertDiscovered(String resource) {
    JsonNode groups = json(client.raw("/apis"));
    boolean found = false;
    for (JsonNode g : groups.path("groups")) {
      if (g.path("name").asText().equals(GROUP)) {
        found = true;
        assertEquals(GROUP + "/v1", g.path("preferredVersion").path("groupVersion").asText());
      }
    }
    assertTrue(found, "the group is in /apis");
    List<String> names = new ArrayList<>();
    json(client.raw("/apis/" + GROUP + "/v1")).path("resources").forEach(r -> names.add(r.path("name").asText()));
    assertTrue(names.contains(resource) && names.contains(resource + "/status"), names.toString());
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Conformance("api-machinery.flowcontrol-classification")
  @Test
  void requestsAreClassifiedByAUserSpecificFlowSchema(String ns) throws Exception {
    String levelName = "e2e-testing-prioritylevel-" + ns;
    String schemaName = "e2e-testing-flowschema-" + ns;
    String matching = "noxu-" + ns;
    try {
      PriorityLevelConfiguration level = client.resources(PriorityLevelConfiguration.class)
          .resource(priorityLevel(levelName, ns)).create();
      FlowSchema schema = client.resources(FlowSchema.class)
          .resource(flowSchema(schemaName, ns, 1000, levelName, matching)).create();
      // upstream's waitForSteadyState: the server has seen both once the schema is not Dangling
      Await.until(TIMEOUT, "FlowSchema " + schemaName + " Dangling=False", () -> danglingStatus(schemaName)
          .equals("False"));

      HttpResponse<String> asMatching = requestAs(matching);
      assertEquals(schema.getMetadata().getUid(), asMatching.header("X-Kubernetes-PF-FlowSchema-UID"),
          asMatching.headers().toString());
      assertEquals(level.getMetadata().getUid(), asMatching.header("X-Kubernetes-PF-PriorityLevel-UID"));

      HttpResponse<String> asOther = requestAs("foo-" + ns);
      String otherSchema = asOther.header("X-Kubernetes-PF-FlowSchema-UID");
      assertNotNull(otherSchema, asOther.headers().toString());
      assertFalse(otherSchema.isEmpty());
      assertFalse(otherSchema.equals(schema.getMetadata().getUid()));
      // an ordinary authenticated user falls to the suggested global-default schema and level
      assertEquals(client.resources(FlowSchema.class).withName("global-default").get().getMetadata().getUid(),
          otherSchema);
      assertEquals(client.resources(PriorityLevelConfiguration.class).withName("global-default").get()
          .getMetadata().getUid(), asOther.header("X-Kubernetes-PF-PriorityLevel-UID"));

      // a schema whose level is deleted turns Dangling (and is passed over), and back when the level returns
      client.resources(PriorityLevelConfiguration.class).withName(levelName).delete();
      Await.until(TIMEOUT, schemaName + " Dangling=True", () -> danglingStatus(schemaName).equals("True"));
      FlowSchema dangling = client.resources(FlowSchema.class).withName(schemaName).get();
      FlowSchemaCondition c = dangling.getStatus().getConditions().stream()
          .filter(x -> x.getType().equals("Dangling")).findFirst().orElseThrow();
      assertEquals("NotFound", c.getReason());
      assertEquals("This FlowSchema references the PriorityLevelConfiguration object named \"" + levelName
          + "\" but there is no such object", c.getMessage());
      Await.until(TIMEOUT, "requests of " + matching + " no longer classified by the dangling schema",
          () -> !schema.getMetadata().getUid().equals(requestAs(matching).header("X-Kubernetes-PF-FlowSchema-UID")));
    } finally {
      client.resources(FlowSchema.class).withName(schemaName).delete();
      client.resources(PriorityLevelConfiguration.class).withName(levelName).delete();
    }
  }

  private String danglingStatus(String schemaName) {
    FlowSchema fs = client.resources(FlowSchema.class).withName(schemaName).get();
    if (fs == null || fs.getStatus() == null || fs.getStatus().getConditions() == null) {
      return "";
    }
    return fs.getStatus().getConditions().stream().filter(c -> c.getType().equals("Dangling"))
        .map(FlowSchemaCondition::getStatus).findFirst().orElse("");
  }

  /** GET /api as another user (impersonated by the admin, as upstream's e2e test does). */
  private HttpResponse<String> requestAs(String user) {
    Config config = new ConfigBuilder(client.getConfiguration()).withImpersonateUsername(user).build();
    try (KubernetesClient as = new KubernetesClientBuilder().withConfig(config).build()) {
      HttpClient http = as.getHttpClient();
      return http.sendAsync(http.newHttpRequestBuilder().uri(config.getMasterUrl().replaceAll("/$", "") + "/api")
          .build(), String.class).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Conformance("api-machinery.flowcontrol-bootstrap")
  @Test
  void suggestedConfigurationExistsAndKubectlPrintsUpstreamsColumns() {
    List<String> levels = kubectl.run("get", "prioritylevelconfigurations").ok().out().lines().toList();
    assertEquals(List.of("NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT", "AGE"),
        words(levels.get(0)));
    assertEquals(List.of("exempt", "Exempt", "<none>", "<none>", "<none>", "<none>"),
        row(levels, "exempt").subList(0, 6));
    assertEquals(List.of("catch-all", "Limited", "5", "<none>", "<none>", "<none>"),
        row(levels, "catch-all").subList(0, 6));
    assertEquals(List.of("workload-low", "Limited", "100", "128", "6", "50"), row(levels, "workload-low").subList(0, 6));
    for (String name : List.of("system", "node-high", "leader-election", "workload-high", "global-default")) {
      assertFalse(row(levels, name).isEmpty(), name);
    }

    List<String> schemas = kubectl.run("get", "flowschemas").ok().out().lines().toList();
    assertEquals(List.of("NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE", "DISTINGUISHERMETHOD", "AGE", "MISSINGPL"),
        words(schemas.get(0)));
    // exempt, 1, no distinguisher; the server has written its Dangling condition
    Await.until(TIMEOUT, "the exempt schema's Dangling condition", () -> {
      List<String> exempt = row(kubectl.run("get", "flowschemas").ok().out().lines().toList(), "exempt");
      return exempt.get(exempt.size() - 1).equals("False");
    });
    assertEquals(List.of("exempt", "exempt", "1", "<none>"), row(schemas, "exempt").subList(0, 4));
    assertEquals(List.of("global-default", "global-default", "9900", "ByUser"),
        row(schemas, "global-default").subList(0, 4));
    for (String name : List.of("system-nodes", "system-node-high", "probes", "system-leader-election",
        "endpoint-controller", "workload-leader-election", "kube-controller-manager", "kube-scheduler",
        "kube-system-service-accounts", "service-accounts", "catch-all")) {
      assertFalse(row(schemas, name).isEmpty(), name);
      assertEquals("true", client.resources(FlowSchema.class).withName(name).get().getMetadata().getAnnotations()
          .get("apf.kubernetes.io/autoupdate-spec"), name);
    }
    String both = kubectl.run("get", "flowschemas,prioritylevelconfigurations").ok().out();
    assertTrue(both.contains("flowschema.flowcontrol.apiserver.k8s.io/probes")
        && both.contains("prioritylevelconfiguration.flowcontrol.apiserver.k8s.io/exempt"), both);
    String explain = kubectl.run("explain", "flowschemas.spec.matchingPrecedence").ok().out();
    assertTrue(explain.contains("FlowSchema") && explain.contains("matchingPrecedence"), explain);
    assertNull(client.resources(FlowSchema.class).withName("no-such-schema").get());
  }

  private static List<String> row(List<String> lines, String name) {
    return lines.stream().map(FlowControlTest::words).filter(w -> w.get(0).equals(name)).findFirst()
        .orElse(List.of());
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.trim().split("\\s+"));
  }
}

package io.quarkube.apiserver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.selection.FieldSelector;
import io.quarkube.apiserver.selection.LabelSelector;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The generic store against a real etcd: CRUD, conflicts, status split, finalizers, lists and watches. */
class GenericStoreTest extends EtcdRegistryFixture {
  private static GenericStore<HasMetadata> store(String group, String resource) {
    return registry.store(group, "v1", resource).orElseThrow();
  }

  private static String ns() {
    return "ns-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static ConfigMap configMap(String name, Map<String, String> labels) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withData(Map.of("k", "v")).build();
  }

  @Test
  void createSetsServerFieldsAndRefusesDuplicates() {
    var cms = store("", "configmaps");
    String ns = ns();
    HasMetadata created = cms.create(ns, configMap("a", Map.of()), false);
    assertNotNull(created.getMetadata().getUid());
    assertNotNull(created.getMetadata().getCreationTimestamp());
    assertEquals(ns, created.getMetadata().getNamespace());
    long rv = Long.parseLong(created.getMetadata().getResourceVersion());
    assertTrue(rv > 0);
    assertEquals(created.getMetadata().getResourceVersion(), cms.get(ns, "a").getMetadata().getResourceVersion());
    ApiException dup = assertThrows(ApiException.class, () -> cms.create(ns, configMap("a", Map.of()), false));
    assertEquals(409, dup.code());
    assertEquals("AlreadyExists", dup.reason());
    assertEquals("configmaps \"a\" already exists", dup.getMessage());
  }

  @Test
  void generateNameMakesUniqueNames() {
    var cms = store("", "configmaps");
    String ns = ns();
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withGenerateName("gen-").endMetadata().build();
    String a = cms.create(ns, cm, false).getMetadata().getName();
    ConfigMap cm2 = new ConfigMapBuilder().withNewMetadata().withGenerateName("gen-").endMetadata().build();
    String b = cms.create(ns, cm2, false).getMetadata().getName();
    assertTrue(a.startsWith("gen-") && a.length() == 9, a);
    assertFalse(a.equals(b));
  }

  @Test
  void staleUpdateIsAConflictAndChangesNothing() {
    var cms = store("", "configmaps");
    String ns = ns();
    ConfigMap created = (ConfigMap) cms.create(ns, configMap("c", Map.of()), false);
    ConfigMap first = new ConfigMapBuilder(created).withData(Map.of("k", "1")).build();
    ConfigMap updated = (ConfigMap) cms.update(ns, "c", first, null, false);
    assertTrue(Long.parseLong(updated.getMetadata().getResourceVersion())
        > Long.parseLong(created.getMetadata().getResourceVersion()));
    ConfigMap stale = new ConfigMapBuilder(created).withData(Map.of("k", "2")).build();
    ApiException e = assertThrows(ApiException.class, () -> cms.update(ns, "c", stale, null, false));
    assertEquals(409, e.code());
    assertEquals("Conflict", e.reason());
    assertEquals("1", ((ConfigMap) cms.get(ns, "c")).getData().get("k"));
    ApiException missing = assertThrows(ApiException.class, () -> cms.get(ns, "nope"));
    assertEquals(404, missing.code());
  }

  @Test
  void invalidObjectsAreRejectedWithFieldCauses() {
    var cms = store("", "configmaps");
    String ns = ns();
    ApiException e = assertThrows(ApiException.class,
        () -> cms.create(ns, configMap("Bad_Name", Map.of("ok", "-bad-")), false));
    assertEquals(422, e.code());
    assertEquals("Invalid", e.reason());
    List<String> fields = e.status().getDetails().getCauses().stream().map(c -> c.getField()).toList();
    assertTrue(fields.contains("metadata.name"), fields.toString());
    assertTrue(fields.contains("metadata.labels"), fields.toString());
    assertTrue(cms.find(ns, "Bad_Name").isEmpty());
  }

  @Test
  void statusAndSpecAreWrittenApartAndGenerationTracksSpec() {
    var deployments = registry.store("apps", "v1", "deployments").orElseThrow();
    String ns = ns();
    Deployment d = new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("nginx:1").endContainer().endSpec()
        .endTemplate().endSpec()
        .withNewStatus().withReplicas(99).endStatus().build();
    Deployment created = (Deployment) deployments.create(ns, d, false);
    assertEquals(1L, created.getMetadata().getGeneration());
    assertNull(created.getStatus(), "create clears status");
    assertEquals("RollingUpdate", created.getSpec().getStrategy().getType());
    assertEquals(10, created.getSpec().getRevisionHistoryLimit());

    Deployment withStatus = new DeploymentBuilder(created).withNewStatus().withReplicas(2).endStatus()
        .editSpec().withReplicas(5).endSpec().editMetadata().addToAnnotations("patchedstatus", "true")
        .endMetadata().build();
    Deployment afterStatus = (Deployment) deployments.update(ns, "web", withStatus, "status", false);
    assertEquals(2, afterStatus.getStatus().getReplicas());
    assertEquals(2, afterStatus.getSpec().getReplicas(), "status writes leave spec alone");
    assertEquals("true", afterStatus.getMetadata().getAnnotations().get("patchedstatus"),
        "status writes keep the request's annotations, as upstream");
    assertEquals(1L, afterStatus.getMetadata().getGeneration());

    Deployment specChange = new DeploymentBuilder(afterStatus).editSpec().withReplicas(3).endSpec()
        .withNewStatus().withReplicas(0).endStatus().build();
    Deployment afterSpec = (Deployment) deployments.update(ns, "web", specChange, null, false);
    assertEquals(3, afterSpec.getSpec().getReplicas());
    assertEquals(2, afterSpec.getStatus().getReplicas(), "main writes leave status alone");
    assertEquals(2L, afterSpec.getMetadata().getGeneration());
  }

  @Test
  void managedFieldsLeaveStatusToTheStatusEndpointAndSpecToTheMainOne() {
    var pods = store("", "pods");
    String ns = ns();
    Pod pod = new PodBuilder().withNewMetadata().withName("p").addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
    Pod created = (Pod) pods.create(ns, pod, false, "kubectl-run");
    // The create's status (phase Pending, QoS class) is the API server's: upstream's creator owns metadata and spec.
    var entries = created.getMetadata().getManagedFields();
    assertEquals(1, entries.size());
    assertEquals("kubectl-run", entries.get(0).getManager());
    assertEquals(List.of("f:metadata", "f:spec"),
        new ArrayList<>(entries.get(0).getFieldsV1().getAdditionalProperties().keySet()));

    Pod running = new PodBuilder(created).editStatus().withPhase("Running").withPodIP("10.0.0.9").endStatus()
        .editSpec().withActiveDeadlineSeconds(5L).endSpec().build();
    Pod afterStatus = (Pod) pods.update(ns, "p", running, "status", false, "kubelet");
    var kubelet = afterStatus.getMetadata().getManagedFields().stream()
        .filter(e -> e.getManager().equals("kubelet")).findFirst().orElseThrow();
    assertEquals("status", kubelet.getSubresource());
    assertEquals(List.of("f:status"), new ArrayList<>(kubelet.getFieldsV1().getAdditionalProperties().keySet()));
  }

  @Test
  void finalizersHoldAnObjectUntilRemoved() {
    var cms = store("", "configmaps");
    String ns = ns();
    ConfigMap cm = configMap("held", Map.of());
    cm.getMetadata().setFinalizers(List.of("example.com/hold"));
    cms.create(ns, cm, false);
    DeleteResult<HasMetadata> r = cms.delete(ns, "held", DeleteOptions.defaults());
    assertFalse(r.deleted());
    ConfigMap held = (ConfigMap) cms.get(ns, "held");
    assertNotNull(held.getMetadata().getDeletionTimestamp());
    held.getMetadata().setFinalizers(List.of("example.com/another"));
    assertEquals(422, assertThrows(ApiException.class, () -> cms.update(ns, "held", held, null, false)).code());
    ConfigMap current = (ConfigMap) cms.get(ns, "held");
    current.getMetadata().setFinalizers(null);
    cms.update(ns, "held", current, null, false);
    assertTrue(cms.find(ns, "held").isEmpty());
  }

  @Test
  void unboundPodsGoAtOnceBoundPodsWaitForTheirKubelet() {
    var pods = store("", "pods");
    String ns = ns();
    pods.create(ns, pod("unbound", null), false);
    assertTrue(pods.delete(ns, "unbound", DeleteOptions.defaults()).deleted());
    pods.create(ns, pod("bound", "node-1"), false);
    DeleteResult<HasMetadata> r = pods.delete(ns, "bound", DeleteOptions.defaults());
    assertFalse(r.deleted());
    assertEquals(30L, r.object().getMetadata().getDeletionGracePeriodSeconds());
    assertTrue(pods.delete(ns, "bound", new DeleteOptions(0L, null, null, null, false)).deleted());
  }

  @Test
  void anUpdateInStorageSkipsTheStrategyAndRedoesItsChangeAfterAConcurrentWrite() {
    var pods = store("", "pods");
    String ns = ns();
    pods.create(ns, pod("p", null), false);
    // The pod strategy refuses a changed restartPolicy; a write straight to storage (the binding's) does not ask it.
    ApiException refused = assertThrows(ApiException.class, () -> pods.guaranteedUpdate(ns, "p", null, null, false,
        p -> restartNever((Pod) p)));
    assertEquals(422, refused.code());
    int[] calls = {0};
    HasMetadata written = pods.updateInStorage(ns, "p", "binding", false, p -> {
      if (calls[0]++ == 0) { // someone else writes between this read and the write: redone on their version
        pods.guaranteedUpdate(ns, "p", null, null, false, q -> {
          q.getMetadata().setLabels(Map.of("meanwhile", "yes"));
          return q;
        });
      }
      return restartNever((Pod) p);
    });
    assertEquals(2, calls[0]);
    Pod stored = (Pod) pods.get(ns, "p");
    assertEquals("Never", stored.getSpec().getRestartPolicy());
    assertEquals("yes", stored.getMetadata().getLabels().get("meanwhile"));
    assertEquals(written.getMetadata().getResourceVersion(), stored.getMetadata().getResourceVersion());
  }

  private static Pod restartNever(Pod pod) {
    pod.getSpec().setRestartPolicy("Never");
    return pod;
  }

  private static Pod pod(String name, String node) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node)
        .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
  }

  @Test
  void aListWithoutLimitReadsEtcdInPagesAndHandsOutItemByItem() {
    var cms = store("", "configmaps");
    String ns = ns();
    for (int i = 0; i < 7; i++) {
      cms.create(ns, configMap("item-" + i, Map.of("parity", i % 2 == 0 ? "even" : "odd")), false);
    }
    cms.setListPageKeys(2);
    try {
      pagesOfTwo(cms, ns);
    } finally {
      cms.setListPageKeys(GenericStore.LIST_PAGE_KEYS);
    }
  }

  private static void pagesOfTwo(GenericStore<HasMetadata> cms, String ns) {
    List<String> seen = new ArrayList<>();
    ListPage<HasMetadata> page = cms.list(ns, ListOptions.all(), new GenericStore.ListSink<>() {
      @Override
      public void start(long resourceVersion) {
        assertTrue(seen.isEmpty(), "start comes once, before the items");
        seen.add("start@" + resourceVersion);
      }

      @Override
      public void item(HasMetadata item) {
        seen.add(item.getMetadata().getName());
      }
    });
    assertEquals(List.of("start@" + page.resourceVersion(), "item-0", "item-1", "item-2", "item-3", "item-4",
        "item-5", "item-6"), seen);
    assertTrue(page.items().isEmpty(), "the items went to the sink only");
    assertNull(page.continueToken());
    ListOptions even = new ListOptions(LabelSelector.parse("parity=even"), FieldSelector.everything(), 0, null,
        null, null);
    assertEquals(4, cms.list(ns, even).items().size(), "selectors across page boundaries");
    ListPage<HasMetadata> limited = cms.list(ns, new ListOptions(LabelSelector.everything(),
        FieldSelector.everything(), 5, null, null, null));
    assertEquals(5, limited.items().size(), "a limit is not the page size");
    assertEquals(2L, limited.remainingItemCount());
  }

  @Test
  void aJsonSinkGetsUnfilteredItemsAsTheirStoredJsonAndSelectedOnesDecoded() {
    var cms = store("", "configmaps");
    String ns = ns();
    for (int i = 0; i < 3; i++) {
      cms.create(ns, configMap("j-" + i, Map.of("n", Integer.toString(i))), false);
    }
    List<String> json = new ArrayList<>();
    List<String> decoded = new ArrayList<>();
    GenericStore.ListSink<HasMetadata> sink = new GenericStore.ListSink<>() {
      @Override
      public void start(long resourceVersion) {}

      @Override
      public void item(HasMetadata item) {
        decoded.add(item.getMetadata().getName());
      }

      @Override
      public boolean takesJson() {
        return true;
      }

      @Override
      public void itemJson(byte[] bytes) {
        json.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }
    };
    cms.list(ns, ListOptions.all(), sink);
    assertEquals(List.of(), decoded);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.add(new String(io.quarkube.apiserver.json.Json.bytes(cms.get(ns, "j-" + i)),
          java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(expected, json, "what decoding and encoding again gives, resourceVersion included");
    json.clear();
    cms.list(ns, new ListOptions(LabelSelector.parse("n=1"), FieldSelector.everything(), 0, null, null, null), sink);
    assertEquals(List.of(), json, "a selector looks into the items: decoded");
    assertEquals(List.of("j-1"), decoded);
  }

  @Test
  void listsFilterAndPageFromOneSnapshot() {
    var cms = store("", "configmaps");
    String ns = ns();
    for (int i = 0; i < 7; i++) {
      cms.create(ns, configMap("item-" + i, Map.of("parity", i % 2 == 0 ? "even" : "odd")), false);
    }
    ListOptions even = new ListOptions(LabelSelector.parse("parity=even"), FieldSelector.everything(), 0, null,
        null, null);
    assertEquals(4, cms.list(ns, even).items().size());
    ListOptions named = new ListOptions(LabelSelector.parse("parity notin (odd)"),
        FieldSelector.parse("metadata.name!=item-0", cms.selectableFields(), "ConfigMap"), 0, null, null, null);
    assertEquals(3, cms.list(ns, named).items().size());

    ListPage<HasMetadata> page1 = cms.list(ns, new ListOptions(LabelSelector.everything(),
        FieldSelector.everything(), 3, null, null, null));
    assertEquals(3, page1.items().size());
    assertNotNull(page1.continueToken());
    assertEquals(4L, page1.remainingItemCount(), "an unfiltered page says how many items follow");
    assertNull(cms.list(ns, new ListOptions(LabelSelector.parse("parity=even"), FieldSelector.everything(), 2,
        null, null, null)).remainingItemCount(), "a filtered one cannot know");
    cms.create(ns, configMap("item-9", Map.of()), false); // after the snapshot: must not show up
    List<String> names = new ArrayList<>();
    page1.items().forEach(i -> names.add(i.getMetadata().getName()));
    String token = page1.continueToken();
    while (token != null) {
      ListPage<HasMetadata> next = cms.list(ns, new ListOptions(LabelSelector.everything(),
          FieldSelector.everything(), 3, token, null, null));
      next.items().forEach(i -> names.add(i.getMetadata().getName()));
      assertEquals(page1.resourceVersion(), next.resourceVersion());
      token = next.continueToken();
      assertEquals(token == null ? null : Long.valueOf(7 - names.size()), next.remainingItemCount());
    }
    assertEquals(List.of("item-0", "item-1", "item-2", "item-3", "item-4", "item-5", "item-6"), names);
  }

  @Test
  void watchResumesFromAResourceVersionAndMapsSelectorMoves() throws Exception {
    var cms = store("", "configmaps");
    String ns = ns();
    HasMetadata a = cms.create(ns, configMap("w", Map.of("app", "x")), false);
    long start = Long.parseLong(a.getMetadata().getResourceVersion());
    ConfigMap moved = (ConfigMap) cms.get(ns, "w");
    moved.getMetadata().setLabels(Map.of("app", "y"));
    cms.update(ns, "w", moved, null, false);
    cms.create(ns, configMap("w2", Map.of("app", "x")), false);
    cms.delete(ns, "w2", DeleteOptions.defaults());

    BlockingQueue<WatchEvent<HasMetadata>> events = new LinkedBlockingQueue<>();
    ListOptions appX = new ListOptions(LabelSelector.parse("app=x"), FieldSelector.everything(), 0, null, null,
        null);
    try (var w = cms.watch(ns, appX, start, listener(events))) {
      assertEvent(events, "DELETED", "w"); // moved out of the selection
      assertEvent(events, "ADDED", "w2");
      assertEvent(events, "DELETED", "w2");
    }
  }

  @Test
  void watchFromACompactedRevisionIsGone() throws Exception {
    // Straight to etcd (no watch cache): a cache would still serve the revision from its window, as upstream's does.
    GenericStore<HasMetadata> cms = new Registry(ResourceCatalog.builtIn(), storage, Clock.systemUTC())
        .store("", "v1", "configmaps").orElseThrow();
    cms.enableWatchCache(0);
    String ns = ns();
    long first = Long.parseLong(cms.create(ns, configMap("old", Map.of()), false).getMetadata().getResourceVersion());
    cms.create(ns, configMap("new", Map.of()), false);
    HasMetadata latest = cms.create(ns, configMap("newest", Map.of()), false);
    storage.compact(Long.parseLong(latest.getMetadata().getResourceVersion()));
    BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    try (var w = cms.watch(ns, ListOptions.all(), first, new GenericStore.WatchListener<>() {
      @Override
      public void onEvent(WatchEvent<HasMetadata> event) {}

      @Override
      public void onError(Throwable error) {
        errors.add(error);
      }
    })) {
      Throwable t = errors.poll(20, TimeUnit.SECONDS);
      assertNotNull(t, "no error for a compacted start revision");
      assertTrue(t instanceof io.quarkube.apiserver.storage.StorageException.Compacted, t.toString());
    }
    ApiException gone = assertThrows(ApiException.class, () -> cms.list(ns,
        new ListOptions(LabelSelector.everything(), FieldSelector.everything(), 0, null, Long.toString(first),
            "Exact")));
    assertEquals(410, gone.code());
  }

  @Test
  void aCompactedContinueTokenIsGoneWithATokenThatGoesOnAtTheNewestRevision() {
    var cms = store("", "configmaps");
    String ns = ns();
    for (int i = 0; i < 6; i++) {
      cms.create(ns, configMap("c-" + i, Map.of()), false);
    }
    ListPage<HasMetadata> first = cms.list(ns, new ListOptions(LabelSelector.everything(),
        FieldSelector.everything(), 2, null, null, null));
    assertEquals(List.of("c-0", "c-1"), first.items().stream().map(o -> o.getMetadata().getName()).toList());
    HasMetadata later = cms.create(ns, configMap("c-9", Map.of()), false);
    storage.compact(Long.parseLong(later.getMetadata().getResourceVersion()));

    ApiException gone = assertThrows(ApiException.class, () -> cms.list(ns, new ListOptions(
        LabelSelector.everything(), FieldSelector.everything(), 2, first.continueToken(), null, null)));
    assertEquals(410, gone.code());
    assertEquals("Expired", gone.reason());
    assertTrue(gone.getMessage().contains("use the continue token in this response"), gone.getMessage());
    String inconsistent = gone.status().getMetadata().getContinue();
    assertNotNull(inconsistent, "the Status carries a continue token");

    ListPage<HasMetadata> second = cms.list(ns, new ListOptions(LabelSelector.everything(),
        FieldSelector.everything(), 2, inconsistent, null, null));
    assertEquals(List.of("c-2", "c-3"), second.items().stream().map(o -> o.getMetadata().getName()).toList());
    assertTrue(second.resourceVersion() >= Long.parseLong(later.getMetadata().getResourceVersion()),
        "read at the newest revision");
    assertEquals(3L, second.remainingItemCount(), "c-4, c-5 and the later c-9 follow");
    ListPage<HasMetadata> third = cms.list(ns, new ListOptions(LabelSelector.everything(),
        FieldSelector.everything(), 5, second.continueToken(), null, null));
    assertEquals(List.of("c-4", "c-5", "c-9"), third.items().stream().map(o -> o.getMetadata().getName()).toList());
    assertEquals(second.resourceVersion(), third.resourceVersion(), "the following pages keep the new revision");
  }

  static GenericStore.WatchListener<HasMetadata> listener(BlockingQueue<WatchEvent<HasMetadata>> events) {
    return new GenericStore.WatchListener<>() {
      @Override
      public void onEvent(WatchEvent<HasMetadata> event) {
        events.add(event);
      }

      @Override
      public void onError(Throwable error) {
        events.add(new WatchEvent<>("ERROR", null, 0));
      }
    };
  }

  private static void assertEvent(BlockingQueue<WatchEvent<HasMetadata>> events, String type, String name)
      throws InterruptedException {
    WatchEvent<HasMetadata> e = events.poll(20, TimeUnit.SECONDS);
    assertNotNull(e, "expected " + type + " " + name);
    assertEquals(type + " " + name, e.type() + " " + e.object().getMetadata().getName());
  }
}

package io.quarkube.controllers.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GarbageCollectorTest {
  private static final GcResource CONFIGMAPS = new GcResource("", "v1", "configmaps", "ConfigMap", true);
  private final CacheImpl<GenericKubernetesResource> cache = new CacheImpl<>();
  private final Map<String, GenericKubernetesResource> live = new HashMap<>();
  private final List<String> calls = new ArrayList<>();

  private final GcApi api = new GcApi() {
    @Override
    public GenericKubernetesResource get(GcResource resource, String namespace, String name) {
      calls.add("get " + name);
      return live.get(name);
    }

    @Override
    public void update(GcResource resource, GenericKubernetesResource obj) {
      var refs = obj.getMetadata().getOwnerReferences();
      calls.add("update " + obj.getMetadata().getName() + " refs=" + (refs == null ? 0 : refs.size())
          + " finalizers=" + obj.getMetadata().getFinalizers());
      cache.put(obj);
    }

    @Override
    public void delete(GcResource resource, GenericKubernetesResource obj, DeletionPropagation propagation) {
      calls.add("delete " + obj.getMetadata().getName() + " " + propagation);
      cache.remove(obj);
    }
  };
  private final GarbageCollector gc = new GarbageCollector(api,
      Map.<GcResource, Indexer<GenericKubernetesResource>>of(CONFIGMAPS, cache));

  private GenericKubernetesResource cm(String name, String uid, String ownerName, String ownerUid) {
    GenericKubernetesResourceBuilder b = new GenericKubernetesResourceBuilder().withApiVersion("v1")
        .withKind("ConfigMap").withNewMetadata().withNamespace("ns").withName(name).withUid(uid).endMetadata();
    if (ownerName != null) {
      b.editMetadata().addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName(ownerName)
          .withUid(ownerUid).withBlockOwnerDeletion(true).endOwnerReference().endMetadata();
    }
    GenericKubernetesResource r = b.build();
    cache.put(r);
    return r;
  }

  private void reconcile(GenericKubernetesResource r) {
    gc.reconcile(new GcNode(CONFIGMAPS, "ns", r.getMetadata().getName(), r.getMetadata().getUid()));
  }

  @Test
  void dependentOfAGoneOwnerIsDeletedAfterALiveCheck() {
    GenericKubernetesResource dep = cm("dep", "d1", "owner", "o1");
    live.put("dep", dep);
    reconcile(dep);
    assertEquals(List.of("get owner", "get dep", "delete dep Background"), calls);
  }

  @Test
  void aDependentOrphanedSinceTheCacheSawItIsKept() {
    // The cache still shows the reference the GC's own orphaning patch removed; the owner is gone.
    GenericKubernetesResource dep = cm("dep", "d1", "owner", "o1");
    live.put("dep", new GenericKubernetesResourceBuilder(dep).editMetadata().withOwnerReferences(List.of())
        .endMetadata().build());
    reconcile(dep);
    assertEquals(List.of("get owner", "get dep"), calls, "decided on the live object: no owners, nothing to do");
  }

  @Test
  void aLaggingCacheNeverDeletesTheDependentOfAFreshOwner() {
    GenericKubernetesResource dep = cm("dep", "d1", "owner", "o1");
    live.put("owner", new GenericKubernetesResourceBuilder().withNewMetadata().withName("owner").withUid("o1")
        .endMetadata().build());
    reconcile(dep);
    assertEquals(List.of("get owner"), calls, "owner exists live: kept");
    calls.clear();
    cm("owner", "o1", null, null);
    reconcile(dep);
    assertEquals(List.of(), calls, "owner in cache: not even a GET");
  }

  @Test
  void orphanStripsReferencesThenTheFinalizer() {
    GenericKubernetesResource owner = cm("owner", "o1", null, null);
    owner.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    owner.getMetadata().setFinalizers(List.of("orphan"));
    cache.put(owner);
    cm("dep", "d1", "owner", "o1");
    reconcile(owner);
    assertEquals(List.of("update dep refs=0 finalizers=[]", "update owner refs=0 finalizers=[]"), calls);
  }

  @Test
  void foregroundWaitsForBlockingDependents() throws Exception {
    GenericKubernetesResource owner = cm("owner", "o1", null, null);
    owner.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    owner.getMetadata().setFinalizers(new ArrayList<>(List.of("foregroundDeletion")));
    cache.put(owner);
    GenericKubernetesResource dep = cm("dep", "d1", "owner", "o1");
    reconcile(owner);
    assertTrue(calls.isEmpty(), "finalizer kept while a blocking dependent exists");
    assertEquals(1, gc.queue().length(), "the dependent is queued for deletion");
    live.put("owner", owner);
    live.put("dep", dep);
    reconcile(dep);
    assertEquals(List.of("get dep", "delete dep Background"), calls, "its owner waits for it: deleted");
    calls.clear();
    reconcile(owner);
    assertEquals(List.of("update owner refs=0 finalizers=[]"), calls, "no dependent left: finalizer removed");
  }
}

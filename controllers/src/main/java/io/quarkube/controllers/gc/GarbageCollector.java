package io.quarkube.controllers.gc;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.KubeClients;
import io.quarkube.client.controller.Controller;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The garbage collector (upstream's {@code garbagecollector}): watches every listable, watchable, deletable kind
 * found by discovery (re-discovered every 30 s, so custom resources join), indexes objects by their owners' uids,
 * and settles each object that has owners or is being deleted with the GC's finalizers:
 *
 * <ul>
 *   <li>a dependent whose owners are all gone is deleted (its own finalizers choose the propagation);
 *   <li>a dependent with a live owner drops references to gone owners;
 *   <li>an owner deleted with {@code propagationPolicy=Orphan} (finalizer {@code orphan}) gets its dependents'
 *       references to it removed, then the finalizer;
 *   <li>an owner deleted with {@code Foreground} (finalizer {@code foregroundDeletion}) gets its dependents deleted
 *       and keeps the finalizer until no dependent with {@code blockOwnerDeletion} is left.
 * </ul>
 *
 * Owners missing from the caches are checked with a live GET before anything is deleted, so a cache that lags
 * never deletes a dependent of a fresh owner.
 */
public final class GarbageCollector extends Controller<GcNode> {
  public static final String NAME = "garbage-collector";
  public static final String ORPHAN = "orphan";
  public static final String FOREGROUND = "foregroundDeletion";
  static final String OWNER_INDEX = "gc-owner-uid";
  static final Duration REDISCOVERY = Duration.ofSeconds(30);
  private static final Logger LOG = Logger.getLogger(GarbageCollector.class);
  /** Upstream's GC never touches events (too many, never owners). */
  private static final Set<String> IGNORED = Set.of("events.", "events.events.k8s.io");

  private final GcApi api;
  private final Map<GcResource, Indexer<GenericKubernetesResource>> caches = new ConcurrentHashMap<>();
  private final Map<String, GcResource> byGroupKind = new ConcurrentHashMap<>();
  private final Map<GcResource, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
  private final KubernetesClient client;
  private ScheduledExecutorService rediscovery;

  public GarbageCollector(ControllerContext ctx) {
    super(NAME);
    // Owners, dependents and finalizers are all metadata: the informers of every kind read nothing else, as
    // upstream's metadata informers, and writes are patches of metadata (GcApi).
    this.client = KubeClients.metadataClient(ctx.client().getConfiguration());
    this.api = GcApi.of(client);
    discoverAndWatch();
    waitForSync(() -> informers.values().stream().allMatch(SharedIndexInformer::hasSynced));
  }

  /** For reconcile tests: caches filled by hand instead of informers. */
  GarbageCollector(GcApi api, Map<GcResource, Indexer<GenericKubernetesResource>> caches) {
    super(NAME);
    this.client = null;
    this.api = api;
    caches.forEach((r, c) -> {
      c.addIndexers(Map.of(OWNER_INDEX, GarbageCollector::ownerUids));
      this.caches.put(r, c);
      byGroupKind.put(r.groupKind(), r);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Watching

  private void discoverAndWatch() {
    for (GcResource r : discover()) {
      if (informers.containsKey(r) || byGroupKind.containsKey(r.groupKind())) {
        continue;
      }
      SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(r.context())
          .inAnyNamespace().runnableInformer(0);
      informer.addIndexers(Map.of(OWNER_INDEX, GarbageCollector::ownerUids));
      informer.addEventHandler(handler(r));
      informer.exceptionHandler((started, t) -> true);
      informers.put(r, informer);
      caches.put(r, informer.getIndexer());
      byGroupKind.put(r.groupKind(), r);
      informer.start();
    }
  }

  List<GcResource> discover() {
    List<GcResource> found = new ArrayList<>();
    try {
      add(found, "", "v1", client.getApiResources("v1"));
    } catch (RuntimeException e) {
      LOG.warnf("discovery of /api/v1 failed: %s", e.getMessage());
    }
    try {
      for (APIGroup group : client.getApiGroups().getGroups()) {
        GroupVersionForDiscovery v = group.getPreferredVersion() != null ? group.getPreferredVersion()
            : group.getVersions().get(0);
        try {
          add(found, group.getName(), v.getVersion(), client.getApiResources(v.getGroupVersion()));
        } catch (RuntimeException e) {
          LOG.debugf("discovery of %s failed: %s", v.getGroupVersion(), e.getMessage());
        }
      }
    } catch (RuntimeException e) {
      LOG.warnf("discovery of /apis failed: %s", e.getMessage());
    }
    return found;
  }

  private static void add(List<GcResource> found, String group, String version, APIResourceList list) {
    if (list == null) {
      return;
    }
    for (APIResource r : list.getResources()) {
      List<String> verbs = r.getVerbs() == null ? List.of() : r.getVerbs();
      if (r.getName().contains("/") || !verbs.containsAll(List.of("list", "watch", "delete"))
          || IGNORED.contains(r.getName() + "." + group)) {
        continue;
      }
      found.add(new GcResource(group, version, r.getName(), r.getKind(), Boolean.TRUE.equals(r.getNamespaced())));
    }
  }

  @Override
  public synchronized void start(int workers) {
    super.start(workers);
    if (client != null) {
      rediscovery = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gc-rediscovery");
        t.setDaemon(true);
        return t;
      });
      rediscovery.scheduleWithFixedDelay(() -> {
        try {
          discoverAndWatch();
        } catch (RuntimeException e) {
          LOG.debugf("rediscovery failed: %s", e.getMessage());
        }
      }, REDISCOVERY.toMillis(), REDISCOVERY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void stop() {
    super.stop();
    if (rediscovery != null) {
      rediscovery.shutdownNow();
    }
    informers.values().forEach(SharedIndexInformer::stop);
    if (client != null) {
      client.close();
    }
  }

  static List<String> ownerUids(GenericKubernetesResource obj) {
    List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs.stream().map(OwnerReference::getUid).filter(Objects::nonNull).toList();
  }

  private ResourceEventHandler<GenericKubernetesResource> handler(GcResource r) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource obj) {
        changed(r, obj);
      }

      @Override
      public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
        changed(r, newObj);
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
        // Its dependents may be garbage now; its owners may be waiting (foreground) for it to go.
        dependentsOf(obj.getMetadata().getUid()).forEach(GarbageCollector.this::enqueue);
        enqueueOwners(r, obj);
      }
    };
  }

  /** Called for every add/update: enqueue what may need settling. */
  void changed(GcResource r, GenericKubernetesResource obj) {
    ObjectMeta m = obj.getMetadata();
    boolean hasOwners = m.getOwnerReferences() != null && !m.getOwnerReferences().isEmpty();
    boolean gcFinalizing = m.getDeletionTimestamp() != null && m.getFinalizers() != null
        && (m.getFinalizers().contains(ORPHAN) || m.getFinalizers().contains(FOREGROUND));
    if (hasOwners || gcFinalizing) {
      enqueue(node(r, obj));
    }
    if (gcFinalizing && m.getFinalizers().contains(FOREGROUND)) {
      dependentsOf(m.getUid()).forEach(this::enqueue);
    }
    if (m.getDeletionTimestamp() != null && hasOwners) {
      enqueueOwners(r, obj);
    }
  }

  private void enqueueOwners(GcResource r, GenericKubernetesResource obj) {
    for (OwnerReference ref : refs(obj)) {
      GcResource ownerResource = byGroupKind.get(ref.getKind() + "." + GcResource.groupOf(ref.getApiVersion()));
      if (ownerResource != null) {
        enqueue(new GcNode(ownerResource, ownerResource.namespaced() ? obj.getMetadata().getNamespace() : null,
            ref.getName(), ref.getUid()));
      }
    }
  }

  private static GcNode node(GcResource r, GenericKubernetesResource obj) {
    return new GcNode(r, obj.getMetadata().getNamespace(), obj.getMetadata().getName(), obj.getMetadata().getUid());
  }

  /** Every cached object that names {@code uid} as an owner. */
  List<GcNode> dependentsOf(String uid) {
    List<GcNode> out = new ArrayList<>();
    if (uid == null) {
      return out;
    }
    caches.forEach((r, cache) -> cache.byIndex(OWNER_INDEX, uid).forEach(o -> out.add(node(r, o))));
    return out;
  }

  private List<GenericKubernetesResource> dependentObjectsOf(String uid) {
    List<GenericKubernetesResource> out = new ArrayList<>();
    caches.values().forEach(cache -> out.addAll(cache.byIndex(OWNER_INDEX, uid)));
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Settling one object

  @Override
  protected void reconcile(GcNode node) {
    Indexer<GenericKubernetesResource> cache = caches.get(node.resource());
    GenericKubernetesResource obj = cache == null ? null : cache.getByKey(node.cacheKey());
    if (obj == null || !Objects.equals(obj.getMetadata().getUid(), node.uid())) {
      return; // gone (or re-created): its delete handler enqueued what depends on it
    }
    ObjectMeta m = obj.getMetadata();
    List<String> finalizers = m.getFinalizers() == null ? List.of() : m.getFinalizers();
    if (m.getDeletionTimestamp() != null) {
      if (finalizers.contains(ORPHAN)) {
        orphanDependents(node, obj);
        return;
      }
      if (finalizers.contains(FOREGROUND)) {
        deleteDependentsFirst(node, obj);
        return;
      }
      return; // being deleted otherwise: nothing for the GC
    }
    attemptToDelete(node, obj);
  }

  /** Orphan: strip our uid from every dependent's ownerReferences, then drop the {@code orphan} finalizer. */
  private void orphanDependents(GcNode node, GenericKubernetesResource owner) {
    for (GenericKubernetesResource dep : dependentObjectsOf(node.uid())) {
      GcResource r = resourceOf(dep);
      if (r != null) {
        withoutOwners(r, dep, Set.of(node.uid()));
      }
    }
    removeFinalizer(node.resource(), owner, ORPHAN);
  }

  /**
   * Foreground: delete every dependent (they classify this owner as "waiting"), and drop {@code foregroundDeletion}
   * once none that blocks owner deletion is left.
   */
  private void deleteDependentsFirst(GcNode node, GenericKubernetesResource owner) {
    boolean blocked = false;
    for (GenericKubernetesResource dep : dependentObjectsOf(node.uid())) {
      GcResource r = resourceOf(dep);
      if (r == null) {
        continue;
      }
      boolean blocks = refs(dep).stream().anyMatch(ref -> node.uid().equals(ref.getUid())
          && Boolean.TRUE.equals(ref.getBlockOwnerDeletion()));
      blocked |= blocks;
      if (dep.getMetadata().getDeletionTimestamp() == null) {
        enqueue(node(r, dep));
      }
    }
    if (blocked) {
      // Each dependent's delete event enqueues this owner again; look again anyway in case an event is missed.
      queue.addAfter(node, Duration.ofSeconds(5));
      return;
    }
    removeFinalizer(node.resource(), owner, FOREGROUND);
  }

  private void attemptToDelete(GcNode node, GenericKubernetesResource cached) {
    List<OwnerReference> refs = refs(cached);
    if (refs.isEmpty()) {
      return;
    }
    OwnerClassification c = classify(cached.getMetadata().getNamespace(), refs);
    OwnerClassification.Action action = c.action(!dependentsOf(node.uid()).isEmpty());
    if (action == OwnerClassification.Action.KEEP) {
      return;
    }
    // Act on the object as it is now, as upstream's attemptToDeleteItem reads it first: the cache may still show
    // owner references that were just removed (the GC's own orphaning patch), and deleting on those deleted a
    // dependent that had been orphaned. Read only when about to act, which is rare.
    GenericKubernetesResource obj = api.get(node.resource(), cached.getMetadata().getNamespace(),
        cached.getMetadata().getName());
    if (obj == null || !Objects.equals(obj.getMetadata().getUid(), node.uid())) {
      return;
    }
    List<OwnerReference> live = refs(obj);
    if (!live.equals(refs)) {
      if (live.isEmpty()) {
        return;
      }
      c = classify(obj.getMetadata().getNamespace(), live);
      action = c.action(!dependentsOf(node.uid()).isEmpty());
    }
    switch (action) {
      case KEEP -> { }
      case REMOVE_REFS -> {
        Set<String> gone = new java.util.HashSet<>();
        c.dangling().forEach(r -> gone.add(r.getUid()));
        c.waiting().forEach(r -> gone.add(r.getUid()));
        withoutOwners(node.resource(), obj, gone);
      }
      case DELETE_FOREGROUND -> {
        // Unblock our waiting owners first, or they and we would wait for each other (upstream does the same).
        unblock(node.resource(), obj, c.waiting());
        LOG.debugf("deleting %s in the foreground: its owners are being deleted in the foreground", node);
        delete(node.resource(), obj, DeletionPropagation.FOREGROUND);
      }
      case DELETE -> {
        List<String> fin = obj.getMetadata().getFinalizers() == null ? List.of() : obj.getMetadata().getFinalizers();
        DeletionPropagation policy = fin.contains(ORPHAN) ? DeletionPropagation.ORPHAN
            : fin.contains(FOREGROUND) ? DeletionPropagation.FOREGROUND : DeletionPropagation.BACKGROUND;
        LOG.debugf("deleting %s (%s): its owners are gone", node, policy);
        delete(node.resource(), obj, policy);
      }
    }
  }

  OwnerClassification classify(String namespace, List<OwnerReference> refs) {
    List<OwnerReference> solid = new ArrayList<>();
    List<OwnerReference> dangling = new ArrayList<>();
    List<OwnerReference> waiting = new ArrayList<>();
    for (OwnerReference ref : refs) {
      GcResource r = byGroupKind.get(ref.getKind() + "." + GcResource.groupOf(ref.getApiVersion()));
      if (r == null) {
        solid.add(ref); // a kind we do not know (yet): never delete on a guess
        continue;
      }
      String ns = r.namespaced() ? namespace : null;
      Indexer<GenericKubernetesResource> cache = caches.get(r);
      GenericKubernetesResource owner = cache.getByKey(ns == null ? ref.getName() : ns + "/" + ref.getName());
      if (owner == null || !Objects.equals(owner.getMetadata().getUid(), ref.getUid())) {
        owner = api.get(r, ns, ref.getName()); // the cache may lag: ask the API server before deciding
      }
      if (owner == null || !Objects.equals(owner.getMetadata().getUid(), ref.getUid())) {
        dangling.add(ref);
      } else if (owner.getMetadata().getDeletionTimestamp() != null && owner.getMetadata().getFinalizers() != null
          && owner.getMetadata().getFinalizers().contains(FOREGROUND)) {
        waiting.add(ref);
      } else {
        solid.add(ref);
      }
    }
    return new OwnerClassification(solid, dangling, waiting);
  }

  private GcResource resourceOf(GenericKubernetesResource obj) {
    return byGroupKind.get(obj.getKind() + "." + GcResource.groupOf(obj.getApiVersion()));
  }

  private void withoutOwners(GcResource r, GenericKubernetesResource obj, Set<String> uids) {
    List<OwnerReference> kept = refs(obj).stream().filter(ref -> !uids.contains(ref.getUid())).toList();
    if (kept.size() == refs(obj).size()) {
      return;
    }
    GenericKubernetesResource copy = copy(obj);
    copy.getMetadata().setOwnerReferences(kept.isEmpty() ? null : new ArrayList<>(kept));
    update(r, copy);
  }

  private void unblock(GcResource r, GenericKubernetesResource obj, List<OwnerReference> owners) {
    Set<String> uids = new java.util.HashSet<>();
    owners.forEach(o -> uids.add(o.getUid()));
    boolean changed = false;
    List<OwnerReference> out = new ArrayList<>();
    for (OwnerReference ref : refs(obj)) {
      if (uids.contains(ref.getUid()) && Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
        out.add(new OwnerReferenceBuilder(ref).withBlockOwnerDeletion(false).build());
        changed = true;
      } else {
        out.add(ref);
      }
    }
    if (changed) {
      GenericKubernetesResource copy = copy(obj);
      copy.getMetadata().setOwnerReferences(out);
      update(r, copy);
    }
  }

  private void removeFinalizer(GcResource r, GenericKubernetesResource obj, String finalizer) {
    GenericKubernetesResource copy = copy(obj);
    List<String> rest = new ArrayList<>(copy.getMetadata().getFinalizers());
    rest.remove(finalizer);
    copy.getMetadata().setFinalizers(rest);
    update(r, copy);
  }

  private void update(GcResource r, GenericKubernetesResource obj) {
    try {
      api.update(r, obj);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e; // conflicts retry with a fresher cache
      }
    }
  }

  private void delete(GcResource r, GenericKubernetesResource obj, DeletionPropagation policy) {
    try {
      api.delete(r, obj, policy);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  private static List<OwnerReference> refs(GenericKubernetesResource obj) {
    List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs;
  }

  private static GenericKubernetesResource copy(GenericKubernetesResource obj) {
    return io.fabric8.kubernetes.client.utils.Serialization.clone(obj);
  }

  /** For tests: the group/kind lookup. */
  Function<String, GcResource> resources() {
    return byGroupKind::get;
  }
}

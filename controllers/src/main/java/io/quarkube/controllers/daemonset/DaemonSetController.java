package io.quarkube.controllers.daemonset;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.DependentEvents;
import io.quarkube.client.controller.Expectations;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.history.RevisionHistory;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.LabelSelectors;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import io.quarkube.controllers.support.Pods;
import io.quarkube.machinery.status.WorkloadStatuses;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs DaemonSets (upstream's {@code daemon} controller): one pod on every node the template fits (nodeSelector,
 * required node affinity, taints against the template's and the default daemon tolerations), pinned to the node by
 * a {@code metadata.name} node affinity and bound by the default scheduler. Pods on nodes that stopped fitting go
 * (for an untolerated NoExecute taint, or a node that no longer matches), failed pods are replaced, extra pods on a
 * node are removed. Templates are recorded as ControllerRevisions; RollingUpdate replaces old pods while at most
 * {@code maxUnavailable} nodes lack an available pod; OnDelete only uses the new template for pods it creates.
 */
public final class DaemonSetController extends Controller<String> {
  public static final String NAME = "daemonset";
  static final int BURST = 250;

  private final Indexer<DaemonSet> daemonSets;
  private final Indexer<Pod> pods;
  private final Indexer<Node> nodes;
  private final RevisionHistory history;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Expectations expectations = new Expectations();
  private final Clock clock;

  public DaemonSetController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  DaemonSetController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.daemonSets = ctx.informers().indexer(DaemonSet.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.nodes = ctx.informers().indexer(Node.class);
    this.writer = ctx.writer();
    this.history = new RevisionHistory(ctx.informers().indexer(ControllerRevision.class), writer);
    this.events = ctx.recorder("daemonset-controller");
    watch(ctx.informers(), DaemonSet.class, new ResourceEventHandler<DaemonSet>() {
      @Override
      public void onAdd(DaemonSet ds) {
        enqueue(Keys.of(ds));
      }

      @Override
      public void onUpdate(DaemonSet o, DaemonSet n) {
        enqueue(Keys.of(n));
      }

      @Override
      public void onDelete(DaemonSet ds, boolean unknown) {
        expectations.forget(Keys.of(ds));
        enqueue(Keys.of(ds));
      }
    });
    watch(ctx.informers(), Pod.class, new DependentEvents<>(this::enqueue, "DaemonSet", daemonSets,
        (ds, pod) -> LabelSelectors.matches(ds.getSpec().getSelector(), pod.getMetadata().getLabels()),
        new PodEvents()));
    watch(ctx.informers(), Node.class, new ResourceEventHandler<Node>() {
      @Override
      public void onAdd(Node node) {
        enqueueAll();
      }

      @Override
      public void onUpdate(Node o, Node n) {
        // Heartbeats change nothing a daemon pod depends on; labels, taints and the name do.
        if (!Objects.equals(o.getMetadata().getLabels(), n.getMetadata().getLabels())
            || !Objects.equals(o.getSpec() == null ? null : o.getSpec().getTaints(),
            n.getSpec() == null ? null : n.getSpec().getTaints())) {
          enqueueAll();
        }
      }

      @Override
      public void onDelete(Node node, boolean unknown) {
        enqueueAll();
      }
    });
    waitForSync(ctx.informers(), ControllerRevision.class);
  }

  /** Pod events settle the owner's expectations; a pod turning Ready is looked at again once it is available. */
  private final class PodEvents implements DependentEvents.Observer<Pod> {
    @Override
    public void added(String key, Pod pod) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        expectations.deletionObserved(key, pod.getMetadata().getUid());
      } else {
        expectations.creationObserved(key);
      }
    }

    @Override
    public void updated(String key, Pod oldPod, Pod newPod) {
      if (newPod.getMetadata().getDeletionTimestamp() != null && oldPod.getMetadata().getDeletionTimestamp() == null) {
        expectations.deletionObserved(key, newPod.getMetadata().getUid());
      }
      DaemonSet ds = daemonSets.getByKey(key);
      Pods.availabilityRecheck(oldPod, newPod, ds == null ? null : ds.getSpec().getMinReadySeconds())
          .ifPresent(delay -> queue.addAfter(key, delay));
    }

    @Override
    public void deleted(String key, Pod pod) {
      expectations.deletionObserved(key, pod.getMetadata().getUid());
    }
  }

  private void enqueueAll() {
    daemonSets.list().forEach(ds -> enqueue(Keys.of(ds)));
  }

  /** The expectations (for tests). */
  Expectations expectations() {
    return expectations;
  }

  // ---------------------------------------------------------------------------------------------------------------

  @Override
  protected void reconcile(String key) {
    ApiErrors.unlessNamespaceTerminating(() -> sync(key));
  }

  private void sync(String key) {
    DaemonSet cached = daemonSets.getByKey(key);
    if (cached == null) {
      expectations.forget(key);
      return;
    }
    DaemonSet ds = Serialization.clone(cached);
    if (LabelSelectors.isEmpty(ds.getSpec().getSelector())) {
      events.warning(ds, "SelectingAll", "This daemon set is selecting all pods. A non-empty selector is required.");
      return;
    }
    if (ds.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    Integer collisions = ds.getStatus() == null ? null : ds.getStatus().getCollisionCount();
    RevisionHistory.Current current;
    try {
      current = history.current(ds, ds.getSpec().getSelector(), ds.getSpec().getTemplate(), collisions);
    } catch (RevisionHistory.Collision c) {
      DaemonSet copy = Serialization.clone(ds);
      if (copy.getStatus() == null) {
        copy.setStatus(new DaemonSetStatus());
      }
      copy.getStatus().setCollisionCount(collisions == null ? 1 : collisions + 1);
      writer.updateStatus(copy);
      throw c;
    }
    String hash = RevisionHistory.hash(current.revision());
    Map<String, List<Pod>> byNode = podsByNode(ds);
    PodSpec spec = DaemonPods.specWithTolerations(ds.getSpec().getTemplate());
    Map<String, Eligibility> eligibility = new HashMap<>();
    for (Node n : nodes.list()) {
      eligibility.put(n.getMetadata().getName(), Eligibility.of(spec, n));
    }
    RuntimeException failure = null;
    if (expectations.satisfied(key)) {
      try {
        manage(key, ds, hash, byNode, eligibility);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    updateStatus(ds, hash, byNode, eligibility);
    Set<String> live = new HashSet<>();
    live.add(current.revision().getMetadata().getName());
    Set<String> liveHashes = new HashSet<>();
    byNode.values().forEach(list -> list.forEach(p -> liveHashes.add(p.getMetadata().getLabels() == null ? null
        : p.getMetadata().getLabels().get(RevisionHistory.HASH_LABEL))));
    current.all().stream().filter(r -> liveHashes.contains(RevisionHistory.hash(r)))
        .forEach(r -> live.add(r.getMetadata().getName()));
    int limit = ds.getSpec().getRevisionHistoryLimit() == null ? 10 : ds.getSpec().getRevisionHistoryLimit();
    history.truncate(current.all(), live, limit);
    if (failure != null) {
      throw failure;
    }
  }

  /** The DaemonSet's pods (claimed: orphans adopted, non-matching released) by the node they run on or target. */
  private Map<String, List<Pod>> podsByNode(DaemonSet ds) {
    Map<String, List<Pod>> out = new HashMap<>();
    String uid = ds.getMetadata().getUid();
    for (Pod pod : pods.byIndex("namespace", ds.getMetadata().getNamespace())) {
      Optional<OwnerReference> ref = Owners.controllerOf(pod);
      boolean matches = LabelSelectors.matches(ds.getSpec().getSelector(), pod.getMetadata().getLabels());
      Pod mine = null;
      if (ref.isPresent()) {
        if (!uid.equals(ref.get().getUid())) {
          continue;
        }
        if (matches) {
          mine = pod;
        } else if (pod.getMetadata().getDeletionTimestamp() == null) {
          Pod copy = Serialization.clone(pod);
          copy.getMetadata().setOwnerReferences(Owners.refs(pod).stream().filter(r -> !uid.equals(r.getUid()))
              .toList());
          updateIgnoringNotFound(copy);
        }
      } else if (matches && pod.getMetadata().getDeletionTimestamp() == null) {
        Pod copy = Serialization.clone(pod);
        List<OwnerReference> refs = new ArrayList<>(Owners.refs(pod));
        refs.add(Owners.controllerRef(ds));
        copy.getMetadata().setOwnerReferences(refs);
        mine = updateIgnoringNotFound(copy);
      }
      if (mine != null) {
        String node = DaemonPods.targetNode(mine);
        out.computeIfAbsent(node == null ? "" : node, n -> new ArrayList<>()).add(mine);
      }
    }
    for (List<Pod> list : out.values()) {
      list.sort(Comparator.comparing(Pods::created).thenComparing(p -> p.getMetadata().getName()));
    }
    return out;
  }

  private Pod updateIgnoringNotFound(Pod pod) {
    try {
      return writer.update(pod);
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return null;
      }
      throw e;
    }
  }

  /** Creates missing daemon pods, deletes misplaced, failed and extra ones, then rolls out the template. */
  private void manage(String key, DaemonSet ds, String hash, Map<String, List<Pod>> byNode,
      Map<String, Eligibility> eligibility) {
    List<String> create = new ArrayList<>();
    List<Pod> delete = new ArrayList<>();
    for (Map.Entry<String, Eligibility> e : eligibility.entrySet()) {
      String node = e.getKey();
      List<Pod> here = byNode.getOrDefault(node, List.of()).stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      Eligibility el = e.getValue();
      if (el.shouldRun() && here.isEmpty()) {
        create.add(node);
      } else if (el.shouldContinueRunning()) {
        List<Pod> running = new ArrayList<>();
        for (Pod p : here) {
          if ("Failed".equals(p.getStatus() == null ? null : p.getStatus().getPhase())) {
            events.warning(ds, "FailedDaemonPod", "Found failed daemon pod %s/%s on node %s, will try to kill it",
                p.getMetadata().getNamespace(), p.getMetadata().getName(), node);
            delete.add(p);
          } else {
            running.add(p);
          }
        }
        // Keep the oldest pod of a node; any other is surplus. A node left without one gets a new pod next round.
        for (int i = 1; i < running.size(); i++) {
          delete.add(running.get(i));
        }
      } else {
        delete.addAll(here);
      }
    }
    // Pods pinned to nodes that no longer exist and never got bound: nothing will ever run them.
    byNode.forEach((node, list) -> {
      if (!eligibility.containsKey(node)) {
        list.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null
            && (p.getSpec().getNodeName() == null || p.getSpec().getNodeName().isEmpty())).forEach(delete::add);
      }
    });
    if (delete.isEmpty() && create.isEmpty()) {
      rollingUpdate(key, ds, hash, byNode, eligibility);
      return;
    }
    // Deletions first, creations in the round after they were seen: the expectations track one kind at a time.
    if (!delete.isEmpty()) {
      writePods(key, ds, hash, List.of(), delete.subList(0, Math.min(delete.size(), BURST)));
    } else {
      create.sort(null);
      writePods(key, ds, hash, create.subList(0, Math.min(create.size(), BURST)), List.of());
    }
  }

  private void writePods(String key, DaemonSet ds, String hash, List<String> create, List<Pod> delete) {
    if (!delete.isEmpty()) {
      expectations.expectDeletions(key, delete.stream().map(p -> p.getMetadata().getUid()).toList());
    }
    RuntimeException first = null;
    for (Pod p : delete) {
      try {
        writer.delete(p, null);
        events.normal(ds, "SuccessfulDelete", "Deleted pod: %s", p.getMetadata().getName());
      } catch (RuntimeException e) {
        expectations.deletionObserved(key, p.getMetadata().getUid());
        if (!ApiErrors.isNotFound(e)) {
          events.warning(ds, "FailedDelete", "Error deleting: %s", ApiErrors.message(e));
          first = first == null ? e : first;
        }
      }
    }
    if (!create.isEmpty()) {
      expectations.expectCreations(key, create.size());
    }
    for (int i = 0; i < create.size(); i++) {
      try {
        Pod created = writer.create(DaemonPods.newPod(ds, create.get(i), hash));
        events.normal(ds, "SuccessfulCreate", "Created pod: %s", created.getMetadata().getName());
      } catch (RuntimeException e) {
        for (int j = i; j < create.size(); j++) {
          expectations.creationObserved(key);
        }
        if (ApiErrors.isNamespaceTerminating(e)) {
          break;
        }
        events.warning(ds, "FailedCreate", "Error creating: %s", ApiErrors.message(e));
        first = first == null ? e : first;
        break;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * RollingUpdate: old pods go while fewer than {@code maxUnavailable} nodes lack an available pod; an old pod that
   * is unavailable anyway goes at once. The next round puts new pods where they went.
   */
  private void rollingUpdate(String key, DaemonSet ds, String hash, Map<String, List<Pod>> byNode,
      Map<String, Eligibility> eligibility) {
    var strategy = ds.getSpec().getUpdateStrategy();
    if (strategy != null && "OnDelete".equals(strategy.getType())) {
      return;
    }
    int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
    int desired = (int) eligibility.values().stream().filter(Eligibility::shouldRun).count();
    IntOrString max = strategy == null || strategy.getRollingUpdate() == null
        || strategy.getRollingUpdate().getMaxUnavailable() == null ? new IntOrString(1)
        : strategy.getRollingUpdate().getMaxUnavailable();
    int maxUnavailable = scaled(max, desired);
    if (maxUnavailable == 0) {
      maxUnavailable = 1; // maxSurge is not implemented: without one, a rollout needs one unavailable node
    }
    int unavailable = 0;
    List<Pod> oldAvailable = new ArrayList<>();
    List<Pod> oldUnavailable = new ArrayList<>();
    for (Map.Entry<String, Eligibility> e : eligibility.entrySet()) {
      if (!e.getValue().shouldRun()) {
        continue;
      }
      List<Pod> here = byNode.getOrDefault(e.getKey(), List.of());
      Pod pod = here.isEmpty() ? null : here.get(0);
      boolean available = pod != null && pod.getMetadata().getDeletionTimestamp() == null
          && Pods.isAvailable(pod, minReady, clock.instant());
      if (!available) {
        unavailable++;
      }
      if (pod != null && pod.getMetadata().getDeletionTimestamp() == null && !hash.equals(hashOf(pod))) {
        (available ? oldAvailable : oldUnavailable).add(pod);
      }
    }
    List<Pod> delete = new ArrayList<>(oldUnavailable);
    oldAvailable.sort(Comparator.comparing(p -> DaemonPods.targetNode(p)));
    for (Pod p : oldAvailable) {
      if (unavailable >= maxUnavailable) {
        break;
      }
      delete.add(p);
      unavailable++;
    }
    if (!delete.isEmpty()) {
      writePods(key, ds, hash, List.of(), delete);
    }
  }

  private static String hashOf(Pod p) {
    return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(RevisionHistory.HASH_LABEL);
  }

  /** An int, or a percentage of {@code total} rounded up (as upstream for maxUnavailable of DaemonSets). */
  static int scaled(IntOrString v, int total) {
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal() == null ? "0" : v.getStrVal().trim();
    if (s.endsWith("%")) {
      return (int) Math.ceil(Integer.parseInt(s.substring(0, s.length() - 1)) * (double) total / 100.0);
    }
    return Integer.parseInt(s);
  }

  private void updateStatus(DaemonSet ds, String hash, Map<String, List<Pod>> byNode,
      Map<String, Eligibility> eligibility) {
    int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
    int desired = 0;
    int scheduled = 0;
    int misscheduled = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    boolean waitForAvailability = false;
    for (Map.Entry<String, Eligibility> e : eligibility.entrySet()) {
      List<Pod> here = byNode.getOrDefault(e.getKey(), List.of()).stream()
          .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      if (e.getValue().shouldRun()) {
        desired++;
        if (!here.isEmpty()) {
          scheduled++;
          Pod first = here.get(0);
          if (Pods.isReady(first)) {
            ready++;
            if (Pods.isAvailable(first, minReady, clock.instant())) {
              available++;
            } else {
              waitForAvailability = true;
            }
          }
          if (hash.equals(hashOf(first))) {
            updated++;
          }
        }
      } else if (!here.isEmpty()) {
        misscheduled++;
      }
    }
    DaemonSetStatus old = ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
    DaemonSetStatus st = new DaemonSetStatus();
    st.setObservedGeneration(ds.getMetadata().getGeneration());
    st.setDesiredNumberScheduled(desired);
    st.setCurrentNumberScheduled(scheduled);
    st.setNumberMisscheduled(misscheduled);
    st.setNumberReady(ready);
    st.setNumberAvailable(available);
    st.setNumberUnavailable(desired - available);
    st.setUpdatedNumberScheduled(updated);
    st.setCollisionCount(old.getCollisionCount());
    st.setConditions(old.getConditions());
    WorkloadStatuses.normalize(st); // as the API server stores it, so an unchanged status compares equal
    if (!Objects.equals(Serialization.asJson(st), Serialization.asJson(old))) {
      DaemonSet copy = Serialization.clone(ds);
      copy.setStatus(st);
      try {
        writer.updateStatus(copy);
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
    if (waitForAvailability) {
      queue.addAfter(Keys.of(ds), Duration.ofSeconds(1));
    }
  }
}

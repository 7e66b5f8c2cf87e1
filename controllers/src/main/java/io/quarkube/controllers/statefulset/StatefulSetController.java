package io.quarkube.controllers.statefulset;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.DependentEvents;
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
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs StatefulSets (upstream's {@code statefulset} controller): pods {@code <name>-0..N-1} with stable identities and
 * their own claims from volumeClaimTemplates (created before the pod, kept on scale-down unless the retention
 * policy says Delete). OrderedReady creates in order, each pod waiting for the previous one to be Running and
 * Ready, and removes the highest ordinal first, one at a time; Parallel does both at once. Templates are recorded
 * as ControllerRevisions; RollingUpdate replaces pods from the highest ordinal down to {@code partition}, one at a
 * time and only while every pod is healthy; OnDelete waits for pods to be deleted by someone else.
 */
public final class StatefulSetController extends Controller<String> {
  public static final String NAME = "statefulset";

  private final Indexer<StatefulSet> sets;
  private final Indexer<Pod> pods;
  private final Indexer<PersistentVolumeClaim> claims;
  private final RevisionHistory history;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;

  public StatefulSetController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  StatefulSetController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.sets = ctx.informers().indexer(StatefulSet.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.claims = ctx.informers().indexer(PersistentVolumeClaim.class);
    this.writer = ctx.writer();
    this.history = new RevisionHistory(ctx.informers().indexer(ControllerRevision.class), writer);
    this.events = ctx.recorder("statefulset-controller");
    watch(ctx.informers(), StatefulSet.class, Keys::of);
    watch(ctx.informers(), Pod.class, new DependentEvents<>(this::enqueue, "StatefulSet", sets,
        (set, pod) -> LabelSelectors.matches(set.getSpec().getSelector(), pod.getMetadata().getLabels()),
        new DependentEvents.Observer<>() {
          @Override
          public void updated(String key, Pod oldPod, Pod newPod) {
            StatefulSet set = sets.getByKey(key);
            Pods.availabilityRecheck(oldPod, newPod, set == null ? null : set.getSpec().getMinReadySeconds())
                .ifPresent(delay -> queue.addAfter(key, delay));
          }
        }));
    watch(ctx.informers(), ControllerRevision.class, StatefulSetController::ownerOfRevision);
    waitForSync(ctx.informers(), PersistentVolumeClaim.class);
  }

  /** The key of the StatefulSet controlling the revision, or null. */
  private static String ownerOfRevision(ControllerRevision r) {
    return Owners.controllerOf(r).filter(ref -> "StatefulSet".equals(ref.getKind()))
        .map(ref -> Keys.of(r.getMetadata().getNamespace(), ref.getName())).orElse(null);
  }

  // ---------------------------------------------------------------------------------------------------------------

  @Override
  protected void reconcile(String key) {
    ApiErrors.unlessNamespaceTerminating(() -> sync(key));
  }

  private void sync(String key) {
    StatefulSet cached = sets.getByKey(key);
    if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    StatefulSet set = Serialization.clone(cached);
    if (LabelSelectors.isEmpty(set.getSpec().getSelector())) {
      events.warning(set, "SelectingAll", "This statefulset is selecting all pods. A non-empty selector is "
          + "required.");
      return;
    }
    List<Pod> owned = claimPods(set);
    Integer collisions = set.getStatus() == null ? null : set.getStatus().getCollisionCount();
    RevisionHistory.Current update;
    try {
      update = history.current(set, set.getSpec().getSelector(), set.getSpec().getTemplate(), collisions);
    } catch (RevisionHistory.Collision c) {
      StatefulSet copy = Serialization.clone(set);
      if (copy.getStatus() == null) {
        copy.setStatus(new StatefulSetStatus());
      }
      copy.getStatus().setCollisionCount(collisions == null ? 1 : collisions + 1);
      writer.updateStatus(copy);
      throw c;
    }
    String updateRevision = update.revision().getMetadata().getName();
    ControllerRevision current = currentRevision(set, update);
    Round round = new Round(set, owned, current, update.revision());
    round.run();
    StatefulSetStatus status = round.status();
    writeStatus(set, status);
    Set<String> live = new HashSet<>();
    live.add(status.getCurrentRevision());
    live.add(updateRevision);
    owned.forEach(p -> live.add(Identity.revision(p)));
    int limit = set.getSpec().getRevisionHistoryLimit() == null ? 10 : set.getSpec().getRevisionHistoryLimit();
    history.truncate(update.all(), live, limit);
  }

  /** The revision the status names as current, or the update revision when there is none (a new set). */
  private static ControllerRevision currentRevision(StatefulSet set, RevisionHistory.Current update) {
    String name = set.getStatus() == null ? null : set.getStatus().getCurrentRevision();
    if (name != null) {
      for (ControllerRevision r : update.all()) {
        if (name.equals(r.getMetadata().getName())) {
          return r;
        }
      }
    }
    return update.revision();
  }

  /** Adopts orphans that match, releases owned pods that no longer do; returns the set's pods. */
  private List<Pod> claimPods(StatefulSet set) {
    String uid = set.getMetadata().getUid();
    List<Pod> out = new ArrayList<>();
    for (Pod pod : pods.byIndex("namespace", set.getMetadata().getNamespace())) {
      Optional<OwnerReference> ref = Owners.controllerOf(pod);
      boolean matches = LabelSelectors.matches(set.getSpec().getSelector(), pod.getMetadata().getLabels())
          && Identity.ordinal(set, pod) >= 0;
      if (ref.isPresent()) {
        if (!uid.equals(ref.get().getUid())) {
          continue;
        }
        if (matches) {
          out.add(pod);
        } else if (pod.getMetadata().getDeletionTimestamp() == null) {
          Pod copy = Serialization.clone(pod);
          copy.getMetadata().setOwnerReferences(Owners.refs(pod).stream().filter(r -> !uid.equals(r.getUid()))
              .toList());
          ignoreNotFound(() -> writer.update(copy));
        }
      } else if (matches && pod.getMetadata().getDeletionTimestamp() == null) {
        Pod copy = Serialization.clone(pod);
        List<OwnerReference> refs = new ArrayList<>(Owners.refs(pod));
        refs.add(Owners.controllerRef(set));
        copy.getMetadata().setOwnerReferences(refs);
        Pod adopted = ignoreNotFound(() -> writer.update(copy));
        if (adopted != null) {
          out.add(adopted);
        }
      }
    }
    return out;
  }

  private static <T> T ignoreNotFound(java.util.function.Supplier<T> write) {
    try {
      return write.get();
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return null;
      }
      throw e;
    }
  }

  /** One sync of one set: what upstream's {@code updateStatefulSet} does, stopping where OrderedReady must wait. */
  private final class Round {
    final StatefulSet set;
    final List<Pod> owned;
    final ControllerRevision current;
    final ControllerRevision update;
    final int replicas;
    final boolean ordered;
    final Pod[] slots;
    final List<Pod> condemned = new ArrayList<>();

    Round(StatefulSet set, List<Pod> owned, ControllerRevision current, ControllerRevision update) {
      this.set = set;
      this.owned = new ArrayList<>(owned);
      this.current = current;
      this.update = update;
      this.replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
      this.ordered = !"Parallel".equals(set.getSpec().getPodManagementPolicy());
      this.slots = new Pod[replicas];
      for (Pod p : owned) {
        int ord = Identity.ordinal(set, p);
        if (ord < replicas) {
          slots[ord] = p;
        } else {
          condemned.add(p);
        }
      }
      condemned.sort(Comparator.comparingInt((Pod p) -> Identity.ordinal(set, p)).reversed());
    }

    int partition() {
      var s = set.getSpec().getUpdateStrategy();
      return s == null || s.getRollingUpdate() == null || s.getRollingUpdate().getPartition() == null ? 0
          : s.getRollingUpdate().getPartition();
    }

    boolean rolling() {
      var s = set.getSpec().getUpdateStrategy();
      return s == null || s.getType() == null || "RollingUpdate".equals(s.getType());
    }

    /** A missing pod below the partition is made at the current revision, the rest at the update revision. */
    Pod newPod(int ordinal) {
      boolean atCurrent = rolling() && ordinal < partition() && !current.getMetadata().getName()
          .equals(update.getMetadata().getName());
      ControllerRevision r = atCurrent ? current : update;
      PodTemplateSpec template = atCurrent ? RevisionHistory.template(r) : set.getSpec().getTemplate();
      if (template == null) {
        template = set.getSpec().getTemplate();
        r = update;
      }
      return Identity.newPod(set, template, r.getMetadata().getName(), ordinal);
    }

    void run() {
      // Pods that finished are replaced (upstream deletes Failed and Succeeded pods and recreates them).
      for (int ord = 0; ord < replicas; ord++) {
        Pod p = slots[ord];
        if (p != null && isFinished(p) && p.getMetadata().getDeletionTimestamp() == null) {
          deletePod(p);
          slots[ord] = null;
          if (ordered) {
            return;
          }
        }
      }
      for (int ord = 0; ord < replicas; ord++) {
        Pod p = slots[ord];
        if (p == null) {
          createClaims(ord);
          slots[ord] = createPod(newPod(ord));
          if (ordered) {
            return; // the next waits until this one runs and is ready
          }
          continue;
        }
        if (p.getMetadata().getDeletionTimestamp() != null) {
          if (ordered) {
            return;
          }
          continue;
        }
        if (ordered && !isHealthy(p)) {
          return; // "waiting for Pod to be Running and Ready"
        }
        if (!Identity.identityMatches(set, p, ord)) {
          Pod copy = Serialization.clone(p);
          Identity.updateIdentity(set, copy, ord);
          ignoreNotFound(() -> writer.update(copy));
        }
        createClaims(ord); // claims deleted under a running pod come back, as upstream's storage check does
      }
      for (Pod p : condemned) {
        if (p.getMetadata().getDeletionTimestamp() != null) {
          if (ordered) {
            return;
          }
          continue;
        }
        // OrderedReady only removes a pod while all remaining ones are healthy (it may be the unhealthy one).
        if (ordered && !allHealthyBut(p)) {
          return;
        }
        retainOnScaleDown(p);
        deletePod(p);
        if (ordered) {
          return;
        }
      }
      if (!rolling()) {
        return;
      }
      // Rolling update: every pod must be there and healthy; replace the highest ordinal not yet updated.
      for (int ord = 0; ord < replicas; ord++) {
        if (slots[ord] == null || !isHealthy(slots[ord])) {
          return;
        }
      }
      for (int ord = replicas - 1; ord >= partition(); ord--) {
        Pod p = slots[ord];
        if (!update.getMetadata().getName().equals(Identity.revision(p))) {
          deletePod(p); // recreated at the update revision on a later round
          return;
        }
      }
    }

    private boolean allHealthyBut(Pod victim) {
      for (Pod p : owned) {
        if (p != victim && p.getMetadata().getDeletionTimestamp() == null && !isHealthy(p)) {
          return false;
        }
      }
      return true;
    }

    private void createClaims(int ordinal) {
      for (PersistentVolumeClaim claim : Identity.claims(set, ordinal)) {
        if (claims.getByKey(Keys.of(claim)) != null) {
          continue;
        }
        if ("Delete".equals(retention().getWhenDeleted())) {
          claim.getMetadata().setOwnerReferences(List.of(ownerRef(set.getApiVersion(), "StatefulSet",
              set.getMetadata().getName(), set.getMetadata().getUid())));
        }
        try {
          writer.create(claim);
          events.normal(set, "SuccessfulCreate", "create Claim %s Pod %s in StatefulSet %s success",
              claim.getMetadata().getName(), Identity.podName(set, ordinal), set.getMetadata().getName());
        } catch (RuntimeException e) {
          if (!ApiErrors.isAlreadyExists(e)) {
            events.warning(set, "FailedCreate", "create Claim %s for Pod %s in StatefulSet %s failed error: %s",
                claim.getMetadata().getName(), Identity.podName(set, ordinal), set.getMetadata().getName(),
                ApiErrors.message(e));
            throw e;
          }
        }
      }
    }

    /** whenScaled: Delete gives a condemned pod's claims to the pod, so the garbage collector removes them with it. */
    private void retainOnScaleDown(Pod pod) {
      if (!"Delete".equals(retention().getWhenScaled()) || pod.getMetadata().getUid() == null) {
        return;
      }
      int ord = Identity.ordinal(set, pod);
      for (PersistentVolumeClaim wanted : Identity.claims(set, ord)) {
        PersistentVolumeClaim claim = claims.getByKey(Keys.of(wanted));
        if (claim == null || Owners.refs(claim).stream().anyMatch(r -> pod.getMetadata().getUid()
            .equals(r.getUid()))) {
          continue;
        }
        PersistentVolumeClaim copy = Serialization.clone(claim);
        List<OwnerReference> refs = new ArrayList<>(Owners.refs(copy));
        refs.add(ownerRef("v1", "Pod", pod.getMetadata().getName(), pod.getMetadata().getUid()));
        copy.getMetadata().setOwnerReferences(refs);
        ignoreNotFound(() -> writer.update(copy));
      }
    }

    private io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy retention() {
      var r = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
      return r == null ? new io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy(
          "Retain", "Retain") : r;
    }

    private Pod createPod(Pod pod) {
      try {
        Pod created = writer.create(pod);
        events.normal(set, "SuccessfulCreate", "create Pod %s in StatefulSet %s successful",
            pod.getMetadata().getName(), set.getMetadata().getName());
        owned.add(created);
        return created;
      } catch (RuntimeException e) {
        if (ApiErrors.isAlreadyExists(e) || ApiErrors.isNamespaceTerminating(e)) {
          return null; // the cache lags behind: seen on the next round
        }
        events.warning(set, "FailedCreate", "create Pod %s in StatefulSet %s failed error: %s",
            pod.getMetadata().getName(), set.getMetadata().getName(), ApiErrors.message(e));
        throw e;
      }
    }

    private void deletePod(Pod pod) {
      try {
        writer.delete(pod, null);
        events.normal(set, "SuccessfulDelete", "delete Pod %s in StatefulSet %s successful",
            pod.getMetadata().getName(), set.getMetadata().getName());
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          events.warning(set, "FailedDelete", "delete Pod %s in StatefulSet %s failed error: %s",
              pod.getMetadata().getName(), set.getMetadata().getName(), ApiErrors.message(e));
          throw e;
        }
      }
    }

    StatefulSetStatus status() {
      int minReady = set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
      String currentName = current.getMetadata().getName();
      String updateName = update.getMetadata().getName();
      int count = 0;
      int ready = 0;
      int available = 0;
      int atCurrent = 0;
      int atUpdate = 0;
      for (Pod p : owned) {
        if (p == null || p.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        count++;
        if (isHealthy(p)) {
          ready++;
          if (Pods.isAvailable(p, minReady, clock.instant())) {
            available++;
          }
        }
        if (currentName.equals(Identity.revision(p))) {
          atCurrent++;
        }
        if (updateName.equals(Identity.revision(p))) {
          atUpdate++;
        }
      }
      StatefulSetStatus st = new StatefulSetStatus();
      st.setObservedGeneration(set.getMetadata().getGeneration());
      st.setReplicas(count);
      st.setReadyReplicas(ready);
      st.setAvailableReplicas(available);
      st.setCurrentReplicas(atCurrent);
      st.setUpdatedReplicas(atUpdate);
      st.setCurrentRevision(currentName);
      st.setUpdateRevision(updateName);
      st.setCollisionCount(set.getStatus() == null ? null : set.getStatus().getCollisionCount());
      // Upstream's completeRollingUpdate: once every pod runs the update revision and is ready, it is current.
      if (atUpdate == replicas && count == replicas && ready == replicas) {
        st.setCurrentRevision(updateName);
        st.setCurrentReplicas(atUpdate);
      }
      if (minReady > 0 && ready > available) {
        queue.addAfter(Keys.of(set), Duration.ofSeconds(1));
      }
      return st;
    }
  }

  private static OwnerReference ownerRef(String apiVersion, String kind, String name, String uid) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion == null ? "apps/v1" : apiVersion).withKind(kind)
        .withName(name).withUid(uid).withController(false).withBlockOwnerDeletion(true).build();
  }

  private void writeStatus(StatefulSet set, StatefulSetStatus st) {
    StatefulSetStatus old = set.getStatus() == null ? new StatefulSetStatus() : set.getStatus();
    st.setConditions(old.getConditions());
    WorkloadStatuses.normalize(st); // as the API server stores it, so an unchanged status compares equal
    if (Objects.equals(Serialization.asJson(st), Serialization.asJson(old))) {
      return;
    }
    StatefulSet copy = Serialization.clone(set);
    copy.setStatus(st);
    ignoreNotFound(() -> writer.updateStatus(copy));
  }

  static boolean isFinished(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  /** Running, Ready and not going: what OrderedReady waits for. */
  static boolean isHealthy(Pod p) {
    return p.getStatus() != null && "Running".equals(p.getStatus().getPhase()) && Pods.isReady(p)
        && p.getMetadata().getDeletionTimestamp() == null;
  }
}

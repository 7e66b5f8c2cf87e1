package io.quarkube.controllers.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.LabelSelectors;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import io.quarkube.machinery.status.WorkloadStatuses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * Rolls Deployments out through ReplicaSets (upstream's {@code pkg/controller/deployment}): one ReplicaSet per pod
 * template (named by its {@code pod-template-hash}), RollingUpdate within maxSurge / maxUnavailable or Recreate,
 * revisions in {@code deployment.kubernetes.io/revision} (so {@code kubectl rollout history/undo} work), paused
 * deployments only scale, proportional scaling during a rollout, {@code revisionHistoryLimit} clean-up, and the
 * Available / Progressing conditions with {@code progressDeadlineSeconds}.
 */
public final class DeploymentController extends Controller<String> {
  public static final String NAME = "deployment";
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final Indexer<Deployment> deployments;
  private final Indexer<ReplicaSet> replicaSets;
  private final Indexer<Pod> pods;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Clock clock;

  public DeploymentController(ControllerContext ctx) {
    this(ctx, Clock.systemUTC());
  }

  DeploymentController(ControllerContext ctx, Clock clock) {
    super(NAME);
    this.clock = clock;
    this.deployments = ctx.informers().indexer(Deployment.class);
    this.replicaSets = ctx.informers().indexer(ReplicaSet.class);
    this.pods = ctx.informers().indexer(Pod.class);
    this.writer = ctx.writer();
    this.events = ctx.recorder("deployment-controller");
    ctx.informers().addEventHandler(Deployment.class, enqueueing(Keys::of));
    ctx.informers().addEventHandler(ReplicaSet.class, new ResourceEventHandler<ReplicaSet>() {
      @Override
      public void onAdd(ReplicaSet rs) {
        enqueueOwner(rs);
      }

      @Override
      public void onUpdate(ReplicaSet oldRs, ReplicaSet newRs) {
        enqueueOwner(oldRs);
        enqueueOwner(newRs);
      }

      @Override
      public void onDelete(ReplicaSet rs, boolean unknown) {
        enqueueOwner(rs);
      }
    });
    // Recreate waits for the old pods themselves, which leave no trace in a ReplicaSet's status once they are
    // terminating: their deletion (or end) is what lets the rollout go on (upstream's deletePod handler)
    ctx.informers().addEventHandler(Pod.class, new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod p) {
        // a new pod never unblocks a Recreate rollout
      }

      @Override
      public void onUpdate(Pod o, Pod n) {
        if (!terminal(o) && terminal(n)) {
          enqueueRecreateOwner(n);
        }
      }

      @Override
      public void onDelete(Pod p, boolean unknown) {
        enqueueRecreateOwner(p);
      }
    });
    waitForSync(ctx.informers(), Deployment.class);
    waitForSync(ctx.informers(), ReplicaSet.class);
    waitForSync(ctx.informers(), Pod.class);
  }

  private static boolean terminal(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }

  /** The Recreate deployment whose ReplicaSet controls this pod, if any. */
  private void enqueueRecreateOwner(Pod p) {
    Optional<OwnerReference> rsRef = Owners.controllerOf(p).filter(r -> "ReplicaSet".equals(r.getKind()));
    if (rsRef.isEmpty()) {
      return;
    }
    ReplicaSet rs = replicaSets.getByKey(Keys.of(p.getMetadata().getNamespace(), rsRef.get().getName()));
    Optional<OwnerReference> dRef = rs == null ? Optional.empty()
        : Owners.controllerOf(rs).filter(r -> "Deployment".equals(r.getKind()));
    if (dRef.isEmpty()) {
      return;
    }
    Deployment d = deployments.getByKey(Keys.of(p.getMetadata().getNamespace(), dRef.get().getName()));
    if (d != null && Rollouts.isRecreate(d)) {
      enqueue(Keys.of(d));
    }
  }

  /**
   * Upstream's oldPodsRunning: a pod of an old ReplicaSet that has not ended (Failed/Succeeded) still runs, even
   * when it is terminating and its ReplicaSet no longer counts it.
   */
  private boolean oldPodsRunning(Sync s) {
    Set<String> oldUids = new HashSet<>();
    s.old().forEach(rs -> oldUids.add(rs.getMetadata().getUid()));
    return pods.byIndex("namespace", s.d.getMetadata().getNamespace()).stream().anyMatch(p -> !terminal(p)
        && Owners.controllerOf(p).map(r -> oldUids.contains(r.getUid())).orElse(false));
  }

  private void enqueueOwner(ReplicaSet rs) {
    Optional<OwnerReference> ref = Owners.controllerOf(rs);
    if (ref.isPresent()) {
      if ("Deployment".equals(ref.get().getKind())) {
        enqueue(Keys.of(rs.getMetadata().getNamespace(), ref.get().getName()));
      }
      return;
    }
    for (Deployment d : deployments.byIndex("namespace", rs.getMetadata().getNamespace())) {
      if (LabelSelectors.matches(d.getSpec().getSelector(), rs.getMetadata().getLabels())) {
        enqueue(Keys.of(d));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** The state one sync works on: the deployment as last written, and its ReplicaSets as last written. */
  private final class Sync {
    Deployment d;
    final List<ReplicaSet> owned;
    ReplicaSet newRs;
    String createdNew;

    Sync(Deployment d, List<ReplicaSet> owned) {
      this.d = d;
      this.owned = owned;
    }

    List<ReplicaSet> old() {
      return owned.stream().filter(rs -> newRs == null || !rs.getMetadata().getUid().equals(newRs.getMetadata()
          .getUid())).toList();
    }

    List<ReplicaSet> all() {
      List<ReplicaSet> all = new ArrayList<>(old());
      if (newRs != null) {
        all.add(newRs);
      }
      return all;
    }

    void replace(ReplicaSet updated) {
      for (int i = 0; i < owned.size(); i++) {
        if (owned.get(i).getMetadata().getUid().equals(updated.getMetadata().getUid())) {
          owned.set(i, updated);
        }
      }
      if (newRs != null && newRs.getMetadata().getUid().equals(updated.getMetadata().getUid())) {
        newRs = updated;
      }
    }
  }

  @Override
  protected void reconcile(String key) {
    Deployment cached = deployments.getByKey(key);
    if (cached == null) {
      return;
    }
    Deployment d = Serialization.clone(cached);
    if (LabelSelectors.isEmpty(d.getSpec().getSelector())) {
      events.warning(d, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
      return;
    }
    Sync s = new Sync(d, claimReplicaSets(d));
    s.newRs = findNew(s.d, s.owned);
    if (d.getMetadata().getDeletionTimestamp() != null) {
      updateStatus(s);
      return;
    }
    if (Boolean.TRUE.equals(d.getSpec().getPaused()) || isScalingEvent(s)) {
      syncRevision(s, false);
      scale(s);
      if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
        cleanup(s);
      }
      updateStatus(s);
      return;
    }
    if (Rollouts.isRecreate(d)) {
      rolloutRecreate(s);
    } else {
      rolloutRolling(s);
    }
  }

  /** Adopt orphaned ReplicaSets whose labels match, release owned ones that no longer match. */
  private List<ReplicaSet> claimReplicaSets(Deployment d) {
    List<ReplicaSet> owned = new ArrayList<>();
    String uid = d.getMetadata().getUid();
    boolean deleting = d.getMetadata().getDeletionTimestamp() != null;
    for (ReplicaSet rs : replicaSets.byIndex("namespace", d.getMetadata().getNamespace())) {
      Optional<OwnerReference> ref = Owners.controllerOf(rs);
      boolean matches = LabelSelectors.matches(d.getSpec().getSelector(), rs.getMetadata().getLabels());
      if (ref.isPresent()) {
        if (!uid.equals(ref.get().getUid())) {
          continue;
        }
        if (matches || deleting) {
          owned.add(rs);
        } else {
          ReplicaSet copy = Serialization.clone(rs);
          copy.getMetadata().setOwnerReferences(Owners.refs(rs).stream().filter(r -> !uid.equals(r.getUid()))
              .toList());
          writeIgnoringNotFound(copy);
        }
      } else if (matches && !deleting && rs.getMetadata().getDeletionTimestamp() == null) {
        ReplicaSet copy = Serialization.clone(rs);
        List<OwnerReference> refs = new ArrayList<>(Owners.refs(rs));
        refs.add(Owners.controllerRef(d));
        copy.getMetadata().setOwnerReferences(refs);
        ReplicaSet adopted = writeIgnoringNotFound(copy);
        if (adopted != null) {
          owned.add(adopted);
        }
      }
    }
    owned.sort(Comparator.comparing((ReplicaSet rs) -> String.valueOf(rs.getMetadata().getCreationTimestamp()))
        .thenComparing(rs -> rs.getMetadata().getName()));
    return owned;
  }

  private ReplicaSet writeIgnoringNotFound(ReplicaSet rs) {
    try {
      return writer.update(rs);
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return null;
      }
      throw e;
    }
  }

  /** The oldest owned ReplicaSet whose template equals the deployment's (hash label aside). */
  private static ReplicaSet findNew(Deployment d, List<ReplicaSet> owned) {
    for (ReplicaSet rs : owned) {
      if (TemplateHash.equalIgnoringHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
        return rs;
      }
    }
    return null;
  }

  /**
   * Brings revisions up to date: the new ReplicaSet gets max(old revisions) + 1 (so an undo makes the restored one
   * newest), the deployment carries the same number. Creates the new ReplicaSet when {@code create}.
   */
  private void syncRevision(Sync s, boolean create) {
    long newRevision = Rollouts.maxRevision(s.old()) + 1;
    if (s.newRs != null) {
      // The deployment's own annotations and the revision only: desired-replicas and max-replicas change when the
      // ReplicaSet is scaled (proportional scaling reads the maximum it was last scaled for), as upstream.
      Map<String, String> existing = s.newRs.getMetadata().getAnnotations();
      if (Rollouts.revision(s.newRs) < newRevision || !copiedAnnotations(s.d, existing).equals(
          existing == null ? Map.of() : existing)) {
        ReplicaSet copy = Serialization.clone(s.newRs);
        Map<String, String> a = copiedAnnotations(s.d, copy.getMetadata().getAnnotations());
        a.put(Rollouts.REVISION, String.valueOf(Math.max(newRevision, Rollouts.revision(s.newRs))));
        copy.getMetadata().setAnnotations(a);
        s.replace(writer.update(copy));
      }
    } else if (create) {
      s.newRs = createNew(s, newRevision);
      if (s.newRs == null) {
        return;
      }
    }
    if (s.newRs != null) {
      String revision = String.valueOf(Rollouts.revision(s.newRs));
      Map<String, String> da = s.d.getMetadata().getAnnotations() == null ? new HashMap<>()
          : new HashMap<>(s.d.getMetadata().getAnnotations());
      if (!revision.equals(da.get(Rollouts.REVISION))) {
        da.put(Rollouts.REVISION, revision);
        Deployment copy = Serialization.clone(s.d);
        copy.getMetadata().setAnnotations(da);
        s.d = writer.update(copy);
      }
    }
  }

  /** The deployment's annotations a ReplicaSet carries (all but kubectl's last-applied and the revision ones). */
  private static Map<String, String> copiedAnnotations(Deployment d, Map<String, String> existing) {
    Map<String, String> out = existing == null ? new HashMap<>() : new HashMap<>(existing);
    if (d.getMetadata().getAnnotations() != null) {
      d.getMetadata().getAnnotations().forEach((k, v) -> {
        if (!k.equals(LAST_APPLIED) && !k.startsWith("deployment.kubernetes.io/")) {
          out.put(k, v);
        }
      });
    }
    return out;
  }

  /** The copied annotations plus the replica counts the ReplicaSet is scaled for. */
  private static Map<String, String> annotationsFor(Deployment d, Map<String, String> existing) {
    Map<String, String> out = copiedAnnotations(d, existing);
    out.put(Rollouts.DESIRED_REPLICAS, String.valueOf(Rollouts.replicas(d)));
    out.put(Rollouts.MAX_REPLICAS, String.valueOf(Rollouts.replicas(d) + Rollouts.maxSurge(d)));
    return out;
  }

  private static boolean annotationsCurrent(Deployment d, ReplicaSet rs) {
    Map<String, String> a = rs.getMetadata().getAnnotations() == null ? Map.of() : rs.getMetadata().getAnnotations();
    return annotationsFor(d, a).equals(a);
  }

  private ReplicaSet createNew(Sync s, long revision) {
    Deployment d = s.d;
    Integer collisions = d.getStatus() == null ? null : d.getStatus().getCollisionCount();
    String hash = TemplateHash.of(d.getSpec().getTemplate(), collisions);
    PodTemplateSpec template = Serialization.clone(d.getSpec().getTemplate());
    if (template.getMetadata() == null) {
      template.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    }
    Map<String, String> labels = template.getMetadata().getLabels() == null ? new HashMap<>()
        : new HashMap<>(template.getMetadata().getLabels());
    labels.put(TemplateHash.LABEL, hash);
    template.getMetadata().setLabels(labels);
    LabelSelector selector = Serialization.clone(d.getSpec().getSelector());
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? new HashMap<>()
        : new HashMap<>(selector.getMatchLabels());
    matchLabels.put(TemplateHash.LABEL, hash);
    selector.setMatchLabels(matchLabels);
    Map<String, String> annotations = annotationsFor(d, null);
    annotations.put(Rollouts.REVISION, String.valueOf(revision));
    int replicas = newReplicaCount(d, s.all(), 0);
    ReplicaSet rs = new ReplicaSetBuilder().withNewMetadata().withNamespace(d.getMetadata().getNamespace())
        .withName(d.getMetadata().getName() + "-" + hash).withLabels(labels).withAnnotations(annotations)
        .withOwnerReferences(Owners.controllerRef(d)).endMetadata()
        .withNewSpec().withReplicas(replicas).withMinReadySeconds(d.getSpec().getMinReadySeconds())
        .withSelector(selector).withTemplate(template).endSpec().build();
    try {
      ReplicaSet created = writer.create(rs);
      s.owned.add(created);
      s.createdNew = created.getMetadata().getName();
      if (replicas > 0) {
        events.normal(d, "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", created.getMetadata().getName(),
            replicas);
      }
      return created;
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e)) {
        throw e;
      }
      ReplicaSet existing = replicaSets.getByKey(Keys.of(d.getMetadata().getNamespace(), rs.getMetadata().getName()));
      if (existing == null) {
        // Most likely the ReplicaSet this controller created a moment ago, not yet in its informer. Counting a
        // collision here would change the hash and create another ReplicaSet on every sync the informer lags
        // behind; retry instead, as upstream does when its lister misses the existing one.
        throw e;
      }
      if (Owners.controllerOf(existing).map(r -> r.getUid().equals(d.getMetadata().getUid()))
          .orElse(false) && TemplateHash.equalIgnoringHash(existing.getSpec().getTemplate(), d.getSpec()
          .getTemplate())) {
        return existing; // ours, the cache had not shown it yet
      }
      // A hash collision with someone else's ReplicaSet: count it, so the next hash differs.
      Deployment copy = Serialization.clone(d);
      DeploymentStatus st = copy.getStatus() == null ? new DeploymentStatus() : copy.getStatus();
      st.setCollisionCount(collisions == null ? 1 : collisions + 1);
      copy.setStatus(st);
      s.d = writer.updateStatus(copy);
      throw e;
    }
  }

  /** Replicas the new ReplicaSet may have now (upstream's {@code NewRSNewReplicas}). */
  private static int newReplicaCount(Deployment d, List<ReplicaSet> all, int newRsReplicas) {
    int replicas = Rollouts.replicas(d);
    if (Rollouts.isRecreate(d)) {
      return replicas;
    }
    int maxTotal = replicas + Rollouts.maxSurge(d);
    int current = Rollouts.sumSpec(all);
    if (current >= maxTotal) {
      return newRsReplicas;
    }
    int up = Math.min(maxTotal - current, replicas - newRsReplicas);
    return Math.max(newRsReplicas, newRsReplicas + up);
  }

  /** Sets a ReplicaSet's replicas (and the deployment's annotations on it); records ScalingReplicaSet. */
  private boolean scaleTo(Sync s, ReplicaSet rs, int replicas) {
    int from = Rollouts.replicas(rs);
    if (from == replicas && annotationsCurrent(s.d, rs)) {
      return false;
    }
    ReplicaSet copy = Serialization.clone(rs);
    copy.getSpec().setReplicas(replicas);
    copy.getMetadata().setAnnotations(annotationsFor(s.d, copy.getMetadata().getAnnotations()));
    s.replace(writer.update(copy));
    if (from != replicas) {
      events.normal(s.d, "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d", replicas > from ? "up" : "down",
          rs.getMetadata().getName(), from, replicas);
    }
    return from != replicas;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Strategies

  private void rolloutRolling(Sync s) {
    syncRevision(s, true);
    if (s.newRs != null && reconcileNew(s)) {
      updateStatus(s);
      return;
    }
    if (reconcileOld(s)) {
      updateStatus(s);
      return;
    }
    if (isComplete(s)) {
      cleanup(s);
    }
    updateStatus(s);
  }

  private boolean reconcileNew(Sync s) {
    int replicas = Rollouts.replicas(s.d);
    int current = Rollouts.replicas(s.newRs);
    if (current == replicas) {
      return false;
    }
    if (current > replicas) {
      return scaleTo(s, s.newRs, replicas);
    }
    return scaleTo(s, s.newRs, newReplicaCount(s.d, s.all(), current));
  }

  private boolean reconcileOld(Sync s) {
    List<ReplicaSet> old = s.old();
    if (Rollouts.sumSpec(old) == 0) {
      return false;
    }
    int minAvailable = Rollouts.replicas(s.d) - Rollouts.maxUnavailable(s.d);
    int newUnavailable = s.newRs == null ? 0 : Rollouts.replicas(s.newRs) - Rollouts.available(s.newRs);
    int maxScaledDown = Rollouts.sumSpec(s.all()) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    int total = 0;
    // First the old pods that are not available anyway: removing them costs no availability.
    for (ReplicaSet rs : old) {
      if (total >= maxScaledDown) {
        break;
      }
      int unhealthy = Rollouts.replicas(rs) - Rollouts.available(rs);
      if (Rollouts.replicas(rs) == 0 || unhealthy <= 0) {
        continue;
      }
      int down = Math.min(maxScaledDown - total, unhealthy);
      scaleTo(s, rs, Rollouts.replicas(rs) - down);
      total += down;
    }
    // Then available old pods, as far as minAvailable allows.
    int availableNow = s.all().stream().mapToInt(Rollouts::available).sum();
    int allowed = availableNow - minAvailable;
    int downAvailable = 0;
    for (ReplicaSet rs : s.old()) {
      if (downAvailable >= allowed) {
        break;
      }
      if (Rollouts.replicas(rs) == 0) {
        continue;
      }
      int down = Math.min(Rollouts.replicas(rs), allowed - downAvailable);
      scaleTo(s, rs, Rollouts.replicas(rs) - down);
      downAvailable += down;
    }
    return total + Math.max(downAvailable, 0) > 0;
  }

  private void rolloutRecreate(Sync s) {
    syncRevision(s, false);
    boolean scaledDown = false;
    for (ReplicaSet rs : s.old()) {
      scaledDown |= scaleTo(s, rs, 0);
    }
    if (scaledDown) {
      updateStatus(s);
      return;
    }
    // Recreate: no new pod before every old one is gone.
    if (s.old().stream().anyMatch(rs -> Rollouts.statusReplicas(rs) > 0) || oldPodsRunning(s)) {
      updateStatus(s);
      return;
    }
    if (s.newRs == null) {
      syncRevision(s, true);
    }
    if (s.newRs != null) {
      scaleTo(s, s.newRs, Rollouts.replicas(s.d));
    }
    if (isComplete(s)) {
      cleanup(s);
    }
    updateStatus(s);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Scaling (paused deployments, replica changes in the middle of a rollout)

  private boolean isScalingEvent(Sync s) {
    for (ReplicaSet rs : s.owned) {
      if (Rollouts.replicas(rs) == 0) {
        continue;
      }
      String desired = rs.getMetadata().getAnnotations() == null ? null
          : rs.getMetadata().getAnnotations().get(Rollouts.DESIRED_REPLICAS);
      if (desired != null && !desired.equals(String.valueOf(Rollouts.replicas(s.d)))) {
        return true;
      }
    }
    return false;
  }

  private void scale(Sync s) {
    int replicas = Rollouts.replicas(s.d);
    List<ReplicaSet> active = s.all().stream().filter(rs -> Rollouts.replicas(rs) > 0).toList();
    if (active.isEmpty()) {
      ReplicaSet latest = s.newRs != null ? s.newRs : s.owned.isEmpty() ? null : s.owned.get(s.owned.size() - 1);
      if (latest != null) {
        scaleTo(s, latest, replicas);
      }
      return;
    }
    if (active.size() == 1) {
      scaleTo(s, active.get(0), replicas);
      return;
    }
    if (s.newRs != null && Rollouts.replicas(s.newRs) == replicas && Rollouts.available(s.newRs) == replicas) {
      for (ReplicaSet rs : s.old()) {
        scaleTo(s, rs, 0);
      }
      return;
    }
    if (Rollouts.isRecreate(s.d)) {
      return; // upstream shares replicas out only for rolling deployments
    }
    // Proportional scaling (upstream's scale for rolling deployments): each active ReplicaSet grows or shrinks to
    // its share of the new maximum (replicas + maxSurge), rounded, as its size relates to the maximum it was last
    // scaled for (the max-replicas annotation); what rounding leaves over goes to the first one. Larger ReplicaSets
    // come first; among equals the newer first when scaling up, the older first when scaling down.
    int allowed = replicas > 0 ? replicas + Rollouts.maxSurge(s.d) : 0;
    int toAdd = allowed - Rollouts.sumSpec(active);
    Comparator<ReplicaSet> older = Comparator.comparing((ReplicaSet rs) -> String.valueOf(rs.getMetadata()
        .getCreationTimestamp())).thenComparing(rs -> rs.getMetadata().getName());
    List<ReplicaSet> order = new ArrayList<>(active);
    order.sort(Comparator.comparingInt((ReplicaSet rs) -> Rollouts.replicas(rs)).reversed()
        .thenComparing(toAdd > 0 ? older.reversed() : older));
    Map<String, Integer> target = new HashMap<>();
    int added = 0;
    for (ReplicaSet rs : order) {
      int proportion = proportion(s.d, rs, toAdd, added);
      target.put(rs.getMetadata().getUid(), Rollouts.replicas(rs) + proportion);
      added += proportion;
    }
    if (toAdd != 0) {
      target.merge(order.get(0).getMetadata().getUid(), toAdd - added, Integer::sum);
    }
    for (ReplicaSet rs : order) {
      scaleTo(s, rs, Math.max(0, target.get(rs.getMetadata().getUid())));
    }
  }

  /** Upstream's GetReplicaSetProportion: the ReplicaSet's share of {@code toAdd}, never past what is left of it. */
  static int proportion(Deployment d, ReplicaSet rs, int toAdd, int added) {
    if (Rollouts.replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
      return 0;
    }
    int fraction = fraction(d, rs);
    int left = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
  }

  /**
   * Upstream's getReplicaSetFraction: how many replicas the ReplicaSet gains (or loses) when the deployment's maximum
   * goes from the one it was last scaled for to replicas + maxSurge, rounded half away from zero as Go's math.Round.
   */
  private static int fraction(Deployment d, ReplicaSet rs) {
    int replicas = Rollouts.replicas(d);
    if (replicas == 0) {
      return -Rollouts.replicas(rs);
    }
    int max = replicas + Rollouts.maxSurge(d);
    int before = 0;
    String annotated = rs.getMetadata().getAnnotations() == null ? null
        : rs.getMetadata().getAnnotations().get(Rollouts.MAX_REPLICAS);
    try {
      before = annotated == null ? 0 : Integer.parseInt(annotated);
    } catch (NumberFormatException e) {
      before = 0;
    }
    if (before == 0) {
      before = d.getStatus() == null || d.getStatus().getReplicas() == null ? 0 : d.getStatus().getReplicas();
      if (before == 0) {
        return 0;
      }
    }
    double size = (double) Rollouts.replicas(rs) * max / before;
    long rounded = (long) (Math.signum(size) * Math.floor(Math.abs(size) + 0.5));
    return (int) rounded - Rollouts.replicas(rs);
  }

  /** Deletes the oldest fully scaled-down ReplicaSets beyond {@code revisionHistoryLimit} (default 10). */
  private void cleanup(Sync s) {
    int limit = s.d.getSpec().getRevisionHistoryLimit() == null ? 10 : s.d.getSpec().getRevisionHistoryLimit();
    List<ReplicaSet> dead = new ArrayList<>(s.old().stream().filter(rs -> Rollouts.replicas(rs) == 0
        && Rollouts.statusReplicas(rs) == 0 && rs.getMetadata().getDeletionTimestamp() == null).toList());
    dead.sort(Comparator.comparingLong(Rollouts::revision));
    for (int i = 0; i < dead.size() - limit; i++) {
      try {
        writer.delete(dead.get(i), null);
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Status

  private boolean isComplete(Sync s) {
    DeploymentStatus st = computeCounts(s);
    int replicas = Rollouts.replicas(s.d);
    return n(st.getUpdatedReplicas()) == replicas && n(st.getReplicas()) == replicas
        && n(st.getAvailableReplicas()) == replicas;
  }

  private DeploymentStatus computeCounts(Sync s) {
    List<ReplicaSet> all = s.all();
    int available = all.stream().mapToInt(Rollouts::available).sum();
    return new DeploymentStatusBuilder()
        .withObservedGeneration(s.d.getMetadata().getGeneration())
        .withReplicas(Rollouts.sumStatus(all))
        .withUpdatedReplicas(s.newRs == null ? 0 : Rollouts.statusReplicas(s.newRs))
        .withReadyReplicas(all.stream().mapToInt(Rollouts::ready).sum())
        .withAvailableReplicas(available)
        .withUnavailableReplicas(Math.max(0, Rollouts.sumSpec(all) - available))
        .withCollisionCount(s.d.getStatus() == null ? null : s.d.getStatus().getCollisionCount())
        .build();
  }

  private void updateStatus(Sync s) {
    Deployment d = s.d;
    DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    DeploymentStatus st = computeCounts(s);
    int replicas = Rollouts.replicas(d);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    List<DeploymentCondition> conditions = new ArrayList<>();
    boolean minAvailable = n(st.getAvailableReplicas()) >= replicas - Rollouts.maxUnavailable(d);
    conditions.add(condition(old, "Available", minAvailable ? "True" : "False",
        minAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        minAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
        now, false));
    String rsName = s.newRs == null ? "" : s.newRs.getMetadata().getName();
    DeploymentCondition oldProgressing = find(old, "Progressing");
    Integer deadline = d.getSpec().getProgressDeadlineSeconds();
    Duration requeue = null;
    if (Boolean.TRUE.equals(d.getSpec().getPaused())) {
      conditions.add(condition(old, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now, false));
    } else if (oldProgressing != null && "DeploymentPaused".equals(oldProgressing.getReason())) {
      conditions.add(condition(old, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now,
          true));
      requeue = Duration.ofSeconds(1);
    } else {
      boolean complete = n(st.getUpdatedReplicas()) == replicas && n(st.getReplicas()) == replicas
          && n(st.getAvailableReplicas()) == replicas && s.newRs != null;
      boolean progressed = n(st.getUpdatedReplicas()) > n(old.getUpdatedReplicas())
          || n(st.getReplicas()) < n(old.getReplicas()) || n(st.getReadyReplicas()) > n(old.getReadyReplicas())
          || n(st.getAvailableReplicas()) > n(old.getAvailableReplicas());
      if (complete) {
        conditions.add(condition(old, "Progressing", "True", "NewReplicaSetAvailable",
            "ReplicaSet \"" + rsName + "\" has successfully progressed.", now, true));
      } else if (s.createdNew != null) {
        conditions.add(condition(old, "Progressing", "True", "NewReplicaSetCreated",
            "Created new replica set \"" + s.createdNew + "\"", now, true));
      } else if (progressed || oldProgressing == null) {
        conditions.add(condition(old, "Progressing", "True", "ReplicaSetUpdated",
            "ReplicaSet \"" + rsName + "\" is progressing.", now, true));
      } else if (deadline != null && oldProgressing.getLastUpdateTime() != null
          && !"ProgressDeadlineExceeded".equals(oldProgressing.getReason())
          && !"NewReplicaSetAvailable".equals(oldProgressing.getReason())) {
        Instant due = Instant.parse(oldProgressing.getLastUpdateTime()).plusSeconds(deadline);
        if (!now.isBefore(due)) {
          conditions.add(condition(old, "Progressing", "False", "ProgressDeadlineExceeded",
              "ReplicaSet \"" + rsName + "\" has timed out progressing.", now, true));
          events.warning(d, "ProgressDeadlineExceeded", "Deployment \"%s\" has timed out progressing.",
              d.getMetadata().getName());
        } else {
          conditions.add(oldProgressing);
          requeue = Duration.between(now, due).plusSeconds(1);
        }
      } else {
        conditions.add(oldProgressing);
      }
      if (!complete && requeue == null && deadline != null && !conditions.isEmpty()) {
        DeploymentCondition p = conditions.get(conditions.size() - 1);
        if ("True".equals(p.getStatus()) && p.getLastUpdateTime() != null) {
          Instant due = Instant.parse(p.getLastUpdateTime()).plusSeconds(deadline);
          requeue = Duration.between(now, due).plusSeconds(1);
        }
      }
    }
    if (s.newRs != null && s.newRs.getStatus() != null && s.newRs.getStatus().getConditions() != null) {
      s.newRs.getStatus().getConditions().stream().filter(c -> "ReplicaFailure".equals(c.getType())).findFirst()
          .ifPresent(c -> conditions.add(new DeploymentConditionBuilder().withType("ReplicaFailure")
              .withStatus(c.getStatus()).withReason(c.getReason()).withMessage(c.getMessage())
              .withLastTransitionTime(c.getLastTransitionTime()).withLastUpdateTime(c.getLastTransitionTime())
              .build()));
    }
    st.setConditions(mergeConditions(old.getConditions(), conditions));
    WorkloadStatuses.normalize(st); // as the API server stores it, so an unchanged status compares equal
    if (!Objects.equals(Serialization.asJson(st), Serialization.asJson(old))) {
      Deployment copy = Serialization.clone(d);
      copy.setStatus(st);
      s.d = writer.updateStatus(copy);
    }
    if (requeue != null && !requeue.isNegative()) {
      queue.addAfter(Keys.of(d), requeue);
    }
  }

  /** The condition types this controller writes; any other type in the status belongs to someone else. */
  private static final Set<String> OWN_CONDITIONS = Set.of("Available", "Progressing", "ReplicaFailure");

  /**
   * The status's conditions after this sync, as upstream's SetDeploymentCondition leaves them: the old list is the
   * start, so conditions the controller does not own (a user's, another component's) stay; an own condition that
   * is unchanged keeps its place, a changed one goes to the end; ReplicaFailure goes once no ReplicaSet reports it.
   */
  static List<DeploymentCondition> mergeConditions(List<DeploymentCondition> old, List<DeploymentCondition> own) {
    List<DeploymentCondition> out = new ArrayList<>(old == null ? List.of() : old);
    out.removeIf(c -> OWN_CONDITIONS.contains(c.getType())
        && own.stream().noneMatch(n -> n.getType().equals(c.getType())));
    for (DeploymentCondition c : own) {
      int i = indexOf(out, c.getType());
      if (i >= 0 && out.get(i).equals(c)) {
        continue;
      }
      if (i >= 0) {
        out.remove(i);
      }
      out.add(c);
    }
    return out;
  }

  private static int indexOf(List<DeploymentCondition> conditions, String type) {
    for (int i = 0; i < conditions.size(); i++) {
      if (type.equals(conditions.get(i).getType())) {
        return i;
      }
    }
    return -1;
  }

  private static DeploymentCondition find(DeploymentStatus st, String type) {
    return st.getConditions() == null ? null : st.getConditions().stream().filter(c -> type.equals(c.getType()))
        .findFirst().orElse(null);
  }

  /**
   * The condition as wanted; keeps the old one untouched when nothing changed, and its transition time when only
   * the reason or message changed ({@code touch}: bump lastUpdateTime on a change, as progress does).
   */
  private static DeploymentCondition condition(DeploymentStatus old, String type, String status, String reason,
      String message, Instant now, boolean touch) {
    DeploymentCondition prev = find(old, type);
    if (prev != null && status.equals(prev.getStatus()) && reason.equals(prev.getReason())
        && message.equals(prev.getMessage()) && !("ReplicaSetUpdated".equals(reason) && touch)) {
      return prev;
    }
    String t = now.toString();
    String transition = prev != null && status.equals(prev.getStatus()) ? prev.getLastTransitionTime() : t;
    return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastUpdateTime(t).withLastTransitionTime(transition).build();
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}

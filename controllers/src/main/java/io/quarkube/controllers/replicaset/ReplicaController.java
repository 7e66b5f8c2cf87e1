package io.quarkube.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.client.controller.Controller;
import io.quarkube.client.controller.Expectations;
import io.quarkube.client.controller.Keys;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import io.quarkube.controllers.support.Pods;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps {@code spec.replicas} pods for each ReplicaSet (or ReplicationController: see {@link ReplicatedKind}), after
 * upstream's {@code replica_set.go}: claim the namespace's pods (adopt matching orphans, release owned pods that no
 * longer match), create or delete the difference when the expectations of the last round are met, and report
 * replicas / fullyLabeled / ready / available / observedGeneration.
 */
public final class ReplicaController<T extends HasMetadata> extends Controller<String> {
  /** Upstream's burstReplicas: at most this many creates or deletes per sync. */
  static final int BURST = 500;

  private final ReplicatedKind<T> kind;
  private final Indexer<T> owners;
  private final Indexer<Pod> pods;
  private final ObjectWriter writer;
  private final EventRecorder events;
  private final Expectations expectations = new Expectations();
  private final Clock clock;

  public static ReplicaController<ReplicaSet> forReplicaSets(ControllerContext ctx) {
    return new ReplicaController<>(ctx, new ReplicaSetKind(), Clock.systemUTC());
  }

  public static ReplicaController<ReplicationController> forReplicationControllers(ControllerContext ctx) {
    return new ReplicaController<>(ctx, new ReplicationControllerKind(), Clock.systemUTC());
  }

  ReplicaController(ControllerContext ctx, ReplicatedKind<T> kind, Clock clock) {
    super(kind.controllerName());
    this.kind = kind;
    this.clock = clock;
    this.owners = ctx.informers().indexer(kind.type());
    this.pods = ctx.informers().indexer(Pod.class);
    this.writer = ctx.writer();
    this.events = ctx.recorder(kind.component());
    ctx.informers().addEventHandler(kind.type(), new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        enqueue(Keys.of(obj));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        enqueue(Keys.of(newObj));
      }

      @Override
      public void onDelete(T obj, boolean unknown) {
        expectations.forget(Keys.of(obj));
        enqueue(Keys.of(obj));
      }
    });
    ctx.informers().addEventHandler(Pod.class, new ResourceEventHandler<Pod>() {
      @Override
      public void onAdd(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
          podGone(pod);
          return;
        }
        String owner = ownerKey(pod);
        if (owner != null) {
          expectations.creationObserved(owner);
          enqueue(owner);
        } else {
          matchingOwners(pod).forEach(o -> enqueue(Keys.of(o)));
        }
      }

      @Override
      public void onUpdate(Pod oldPod, Pod newPod) {
        if (newPod.getMetadata().getDeletionTimestamp() != null && oldPod.getMetadata().getDeletionTimestamp() == null) {
          podGone(newPod); // a terminating pod is as good as gone for the count
          return;
        }
        String oldOwner = ownerKey(oldPod);
        String newOwner = ownerKey(newPod);
        if (oldOwner != null && !oldOwner.equals(newOwner)) {
          enqueue(oldOwner);
        }
        if (newOwner != null) {
          enqueue(newOwner);
          T owner = owners.getByKey(newOwner);
          if (owner != null && kind.minReadySeconds(owner) > 0 && !Pods.isReady(oldPod) && Pods.isReady(newPod)) {
            // Becomes available only later: look again then.
            queue.addAfter(newOwner, Duration.ofSeconds(kind.minReadySeconds(owner)).plusSeconds(1));
          }
        } else if (!Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels())
            || oldOwner != null) {
          matchingOwners(newPod).forEach(o -> enqueue(Keys.of(o)));
        }
      }

      @Override
      public void onDelete(Pod pod, boolean unknown) {
        podGone(pod);
      }
    });
    waitForSync(ctx.informers(), kind.type());
    waitForSync(ctx.informers(), Pod.class);
  }

  private void podGone(Pod pod) {
    String owner = ownerKey(pod);
    if (owner != null) {
      expectations.deletionObserved(owner, pod.getMetadata().getUid());
      enqueue(owner);
    }
  }

  /** The key of the pod's controller if it is one of ours (kind and uid match a cached object). */
  private String ownerKey(Pod pod) {
    Optional<OwnerReference> ref = Owners.controllerOf(pod);
    if (ref.isEmpty() || !kind.type().getSimpleName().equals(ref.get().getKind())) {
      return null;
    }
    String key = Keys.of(pod.getMetadata().getNamespace(), ref.get().getName());
    T owner = owners.getByKey(key);
    return owner == null || !Objects.equals(owner.getMetadata().getUid(), ref.get().getUid()) ? null : key;
  }

  private List<T> matchingOwners(Pod pod) {
    List<T> out = new ArrayList<>();
    for (T o : owners.byIndex("namespace", pod.getMetadata().getNamespace())) {
      if (kind.selects(o, pod.getMetadata().getLabels())) {
        out.add(o);
      }
    }
    return out;
  }

  /** The expectations (for tests). */
  Expectations expectations() {
    return expectations;
  }

  @Override
  protected void reconcile(String key) {
    T owner = owners.getByKey(key);
    if (owner == null) {
      expectations.forget(key);
      return;
    }
    boolean needsSync = expectations.satisfied(key);
    List<Pod> claimed = claimPods(owner);
    String failureReason = null;
    String failureMessage = null;
    RuntimeException failure = null;
    if (needsSync && owner.getMetadata().getDeletionTimestamp() == null) {
      try {
        manageReplicas(key, owner, claimed);
      } catch (RuntimeException e) {
        failure = e;
        boolean creating = claimed.size() < kind.replicas(owner);
        failureReason = creating ? "FailedCreate" : "FailedDelete";
        failureMessage = ApiErrors.message(e);
      }
    }
    updateStatus(owner, claimed, failureReason, failureMessage);
    if (failure != null) {
      throw failure;
    }
  }

  /** Adopts orphans that match, releases owned pods that no longer match; returns the active pods we own. */
  private List<Pod> claimPods(T owner) {
    String uid = owner.getMetadata().getUid();
    boolean deleting = owner.getMetadata().getDeletionTimestamp() != null;
    List<Pod> claimed = new ArrayList<>();
    for (Pod pod : pods.byIndex("namespace", owner.getMetadata().getNamespace())) {
      Optional<OwnerReference> ref = Owners.controllerOf(pod);
      boolean matches = kind.selects(owner, pod.getMetadata().getLabels());
      if (ref.isPresent()) {
        if (!uid.equals(ref.get().getUid())) {
          continue; // another controller's
        }
        if (matches) {
          if (Pods.isActive(pod)) {
            claimed.add(pod);
          }
        } else if (!deleting && pod.getMetadata().getDeletionTimestamp() == null) {
          release(pod, uid);
        }
        continue;
      }
      if (matches && !deleting && pod.getMetadata().getDeletionTimestamp() == null && Pods.isActive(pod)) {
        claimed.add(adopt(owner, pod));
      }
    }
    return claimed;
  }

  private Pod adopt(T owner, Pod pod) {
    Pod copy = Serialization.clone(pod);
    List<OwnerReference> refs = new ArrayList<>(Owners.refs(copy));
    refs.add(Owners.controllerRef(owner));
    copy.getMetadata().setOwnerReferences(refs);
    try {
      return writer.update(copy);
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return pod;
      }
      throw e;
    }
  }

  private void release(Pod pod, String ownerUid) {
    Pod copy = Serialization.clone(pod);
    copy.getMetadata().setOwnerReferences(Owners.refs(copy).stream().filter(r -> !ownerUid.equals(r.getUid()))
        .toList());
    try {
      writer.update(copy);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }

  private void manageReplicas(String key, T owner, List<Pod> active) {
    int diff = active.size() - kind.replicas(owner);
    if (diff < 0) {
      int toCreate = Math.min(-diff, BURST);
      expectations.expectCreations(key, toCreate);
      // Upstream's slow start: batches of 1, 2, 4, ... so a failing template costs one error, not hundreds.
      int created = 0;
      for (int batch = 1; created < toCreate; batch *= 2) {
        int n = Math.min(batch, toCreate - created);
        for (int i = 0; i < n; i++) {
          try {
            Pod pod = writer.create(podFromTemplate(owner));
            events.normal(owner, "SuccessfulCreate", "Created pod: %s", pod.getMetadata().getName());
          } catch (RuntimeException e) {
            // This and every pod not tried yet will never be observed.
            for (int j = created + i; j < toCreate; j++) {
              expectations.creationObserved(key);
            }
            if (ApiErrors.isNamespaceTerminating(e)) {
              return; // the namespace goes, and this owner with it
            }
            events.warning(owner, "FailedCreate", "Error creating: %s", ApiErrors.message(e));
            throw e;
          }
        }
        created += n;
      }
    } else if (diff > 0) {
      List<Pod> victims = PodRanking.leastValuableFirst(active).subList(0, Math.min(diff, BURST));
      expectations.expectDeletions(key, victims.stream().map(p -> p.getMetadata().getUid()).toList());
      RuntimeException first = null;
      for (Pod pod : victims) {
        try {
          writer.delete(pod, null);
          events.normal(owner, "SuccessfulDelete", "Deleted pod: %s", pod.getMetadata().getName());
        } catch (RuntimeException e) {
          expectations.deletionObserved(key, pod.getMetadata().getUid());
          if (!ApiErrors.isNotFound(e)) {
            events.warning(owner, "FailedDelete", "Error deleting: %s", ApiErrors.message(e));
            first = first == null ? e : first;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  private Pod podFromTemplate(T owner) {
    PodTemplateSpec template = Serialization.clone(kind.template(owner));
    Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels();
    PodBuilder b = new PodBuilder().withNewMetadata()
        .withNamespace(owner.getMetadata().getNamespace())
        .withGenerateName(owner.getMetadata().getName() + "-")
        .withLabels(new HashMap<>(labels))
        .withOwnerReferences(Owners.controllerRef(owner))
        .endMetadata()
        .withSpec(template.getSpec());
    if (template.getMetadata() != null) {
      b.editMetadata().withAnnotations(template.getMetadata().getAnnotations())
          .withFinalizers(template.getMetadata().getFinalizers()).endMetadata();
    }
    return b.build();
  }

  private void updateStatus(T owner, List<Pod> active, String failureReason, String failureMessage) {
    Map<String, String> templateLabels = kind.template(owner) == null || kind.template(owner).getMetadata() == null
        || kind.template(owner).getMetadata().getLabels() == null ? Map.of()
        : kind.template(owner).getMetadata().getLabels();
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (Pod p : active) {
      Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
      if (labels.entrySet().containsAll(templateLabels.entrySet())) {
        fullyLabeled++;
      }
      if (Pods.isReady(p)) {
        ready++;
        if (Pods.isAvailable(p, kind.minReadySeconds(owner), clock.instant())) {
          available++;
        }
      }
    }
    ReplicaStatus old = kind.status(owner);
    // A failure condition stays until a sync succeeds (upstream keeps it until the error clears).
    ReplicaStatus wanted = new ReplicaStatus(active.size(), fullyLabeled, ready, available,
        owner.getMetadata().getGeneration() == null ? 0 : owner.getMetadata().getGeneration(), failureReason,
        failureMessage);
    if (!wanted.equals(old)) {
      try {
        writer.updateStatus(kind.withStatus(owner, wanted));
      } catch (RuntimeException e) {
        if (!ApiErrors.isNotFound(e)) {
          throw e;
        }
      }
    }
    if (kind.minReadySeconds(owner) > 0 && ready == kind.replicas(owner) && available != ready) {
      queue.addAfter(Keys.of(owner), Duration.ofSeconds(kind.minReadySeconds(owner)));
    }
  }

}

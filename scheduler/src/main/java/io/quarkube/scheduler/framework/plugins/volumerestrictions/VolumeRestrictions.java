package io.quarkube.scheduler.framework.plugins.volumerestrictions;

import io.fabric8.kubernetes.api.model.AWSElasticBlockStoreVolumeSource;
import io.fabric8.kubernetes.api.model.GCEPersistentDiskVolumeSource;
import io.fabric8.kubernetes.api.model.ISCSIVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.RBDVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.SharedLister;
import io.quarkube.scheduler.framework.Status;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * VolumeRestrictions (upstream's volumerestrictions). Two rules:
 * <ul>
 *   <li>a PVC with access mode ReadWriteOncePod may be used by one pod in the whole cluster: PreFilter counts the
 *   scheduled and assumed pods already using the pod's RWOP claims; while that count is above zero every node is
 *   rejected. The rejection is plain Unschedulable, as upstream's since 1.27, so preemption may evict a
 *   lower-priority user of the claim (it keeps the count right through {@link #preFilterExtensions()}).</li>
 *   <li>the in-tree disks that cannot be shared across pods on a node (GCE PD and ISCSI unless all mounts are
 *   read-only, AWS EBS always, RBD images unless all read-only) conflict with the same disk on the node.</li>
 * </ul>
 */
public final class VolumeRestrictions implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  public static final String NAME = "VolumeRestrictions";
  public static final String ERR_DISK_CONFLICT = "node(s) had no available disk";
  public static final String ERR_RWOP_CONFLICT = "node has pod using PersistentVolumeClaim with the same name and "
      + "ReadWriteOncePod access mode";
  static final String RWOP = "ReadWriteOncePod";
  private static final String STATE_KEY = "PreFilter" + NAME;

  private final Handle handle;

  public VolumeRestrictions(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The pod's RWOP claim names and how many times pods already scheduled use them. */
  private static final class State implements CycleState.Data {
    final String namespace;
    final Set<String> rwopClaims;
    int conflicts;

    State(String namespace, Set<String> rwopClaims, int conflicts) {
      this.namespace = namespace;
      this.rwopClaims = rwopClaims;
      this.conflicts = conflicts;
    }

    /** How many of {@code other}'s claim volumes are among our RWOP claims (same namespace only). */
    int usesOf(PodInfo other) {
      if (rwopClaims.isEmpty() || !Objects.equals(namespace, other.namespace())
          || other.pod().getSpec().getVolumes() == null) {
        return 0;
      }
      int n = 0;
      for (Volume v : other.pod().getSpec().getVolumes()) {
        if (v.getPersistentVolumeClaim() != null && rwopClaims.contains(v.getPersistentVolumeClaim().getClaimName())) {
          n++;
        }
      }
      return n;
    }

    @Override
    public CycleState.Data copy() {
      // Preemption's what-if changes the count: its copy must not touch the real cycle's.
      return new State(namespace, rwopClaims, conflicts);
    }
  }

  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<Volume> volumes = pod.pod().getSpec().getVolumes();
    if (volumes == null || volumes.isEmpty()) {
      return Result.SKIP;
    }
    boolean diskCheck = false;
    Set<String> rwop = new HashSet<>(0);
    for (Volume v : volumes) {
      diskCheck |= needsDiskCheck(v);
      if (v.getPersistentVolumeClaim() == null) {
        continue;
      }
      String claim = v.getPersistentVolumeClaim().getClaimName();
      PersistentVolumeClaim pvc = handle.listers().pvc(pod.namespace(), claim);
      if (pvc == null) {
        // The claim's access modes cannot be known: nothing but its creation helps (a PVC add event).
        return Result.of(Status.unresolvable("persistentvolumeclaim \"" + claim + "\" not found"));
      }
      if (pvc.getSpec() != null && pvc.getSpec().getAccessModes() != null
          && pvc.getSpec().getAccessModes().contains(RWOP)) {
        rwop.add(claim);
      }
    }
    int conflicts = 0;
    SharedLister snapshot = handle.snapshot();
    if (!rwop.isEmpty() && snapshot != null) {
      for (String claim : rwop) {
        if (usedByAnyPod(snapshot, pod.namespace() + "/" + claim)) {
          // At most one pod can hold a RWOP claim, so one per claim is the count.
          conflicts++;
        }
      }
    }
    if (!diskCheck && conflicts == 0) {
      return Result.SKIP;
    }
    state.write(STATE_KEY, new State(pod.namespace(), rwop, conflicts));
    return Result.SUCCESS;
  }

  /** Whether a scheduled or assumed pod on any node of the snapshot mounts the claim (upstream's IsPVCUsedByPods). */
  private static boolean usedByAnyPod(SharedLister snapshot, String namespacedClaim) {
    for (NodeInfo n : snapshot.nodeInfos()) {
      if (n.pvcRefCount(namespacedClaim) > 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Extensions preFilterExtensions() {
    return Extensions.counting((state, podToSchedule, pod, node, delta) -> {
      State s = state.readOrNull(STATE_KEY, State.class);
      if (s != null) {
        s.conflicts += delta * s.usesOf(pod);
      }
    });
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    for (Volume v : pod.pod().getSpec().getVolumes()) {
      if (!needsDiskCheck(v)) {
        continue;
      }
      for (PodInfo existing : node.pods()) {
        if (conflicts(v, existing)) {
          return Status.unschedulable(ERR_DISK_CONFLICT);
        }
      }
    }
    State s = state.readOrNull(STATE_KEY, State.class);
    if (s != null && s.conflicts > 0) {
      return Status.unschedulable(ERR_RWOP_CONFLICT);
    }
    return Status.SUCCESS;
  }

  private static boolean needsDiskCheck(Volume v) {
    return v.getGcePersistentDisk() != null || v.getAwsElasticBlockStore() != null || v.getRbd() != null
        || v.getIscsi() != null;
  }

  /** Whether {@code v} names a disk one of {@code existing}'s volumes holds in a way that excludes sharing. */
  static boolean conflicts(Volume v, PodInfo existing) {
    List<Volume> others = existing.pod().getSpec().getVolumes();
    if (others == null) {
      return false;
    }
    for (Volume o : others) {
      GCEPersistentDiskVolumeSource gce = v.getGcePersistentDisk();
      if (gce != null && o.getGcePersistentDisk() != null
          && Objects.equals(gce.getPdName(), o.getGcePersistentDisk().getPdName())
          && !(readOnly(gce.getReadOnly()) && readOnly(o.getGcePersistentDisk().getReadOnly()))) {
        return true;
      }
      AWSElasticBlockStoreVolumeSource ebs = v.getAwsElasticBlockStore();
      if (ebs != null && o.getAwsElasticBlockStore() != null
          && Objects.equals(ebs.getVolumeID(), o.getAwsElasticBlockStore().getVolumeID())) {
        // An EBS volume attaches to one instance: even two read-only mounts conflict.
        return true;
      }
      ISCSIVolumeSource iscsi = v.getIscsi();
      if (iscsi != null && o.getIscsi() != null && Objects.equals(iscsi.getIqn(), o.getIscsi().getIqn())
          && !(readOnly(iscsi.getReadOnly()) && readOnly(o.getIscsi().getReadOnly()))) {
        return true;
      }
      RBDVolumeSource rbd = v.getRbd();
      if (rbd != null && o.getRbd() != null && overlap(rbd.getMonitors(), o.getRbd().getMonitors())
          && Objects.equals(rbd.getPool(), o.getRbd().getPool())
          && Objects.equals(rbd.getImage(), o.getRbd().getImage())
          && !(readOnly(rbd.getReadOnly()) && readOnly(o.getRbd().getReadOnly()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean readOnly(Boolean b) {
    return Boolean.TRUE.equals(b);
  }

  private static boolean overlap(List<String> a, List<String> b) {
    if (a == null || b == null) {
      return false;
    }
    Set<String> s = new HashSet<>(a);
    for (String x : b) {
      if (s.contains(x)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    // Deleting the pod holding the disk or claim frees it (spec.volumes is immutable: pod updates never do); a new
    // node may have no conflicting pod; a claim created (or changed) may have become known or lost RWOP.
    return List.of(ClusterEvent.of(ClusterEvent.Resource.ASSIGNED_POD, ClusterEvent.DELETE),
        ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_TAINT
            | ClusterEvent.UPDATE_NODE_LABEL),
        ClusterEvent.of(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ADD | ClusterEvent.UPDATE_OTHER));
  }
}

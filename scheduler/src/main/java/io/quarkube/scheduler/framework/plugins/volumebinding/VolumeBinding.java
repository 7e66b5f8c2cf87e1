package io.quarkube.scheduler.framework.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySelectorLabelRequirement;
import io.fabric8.kubernetes.api.model.TopologySelectorTerm;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreBindPlugin;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.ReservePlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.util.NodeSelectors;
import io.quarkube.scheduler.util.Quantities;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * VolumeBinding, the basics. PreFilter: every PVC the pod mounts must exist and not be terminating; an unbound PVC
 * is only acceptable if its StorageClass binds WaitForFirstConsumer. Filter: a bound PV's node affinity must match the
 * node; a WaitForFirstConsumer claim needs an available matching PV on the node (no-provisioner classes) or a class
 * whose allowed topologies include the node. Reserve/PreBind: claim that static PV (spec.claimRef) or tell the
 * provisioner the chosen node ({@code volume.kubernetes.io/selected-node}).
 */
public final class VolumeBinding implements PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin,
    EnqueueExtensions {
  public static final String NAME = "VolumeBinding";
  public static final String ERR_NODE_CONFLICT = "node(s) had volume node affinity conflict";
  public static final String ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
  public static final String ERR_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent "
      + "pv(s)";
  public static final String ERR_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  static final String NO_PROVISIONER = "kubernetes.io/no-provisioner";
  private static final String STATE_KEY = "PreFilter" + NAME;

  private final Handle handle;
  /** Static PVs chosen for pods in flight: PV name -> pod key (so two pods never pick the same PV). */
  private final Map<String, String> assumedPvs = new ConcurrentHashMap<>();

  public VolumeBinding(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  private record Delayed(PersistentVolumeClaim claim, StorageClass sc) {}

  private static final class State implements CycleState.Data {
    final List<PersistentVolume> boundPvs = new ArrayList<>();
    final List<Delayed> delayed = new ArrayList<>();
    final Map<String, PersistentVolume> chosen = new HashMap<>();

    @Override
    public CycleState.Data copy() {
      return this;
    }
  }

  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    if (pod.pvcNames().isEmpty()) {
      return Result.SKIP;
    }
    State s = new State();
    for (String name : pod.pvcNames()) {
      PersistentVolumeClaim pvc = handle.listers().pvc(pod.namespace(), name);
      if (pvc == null) {
        return Result.of(Status.unresolvable("persistentvolumeclaim \"" + name + "\" not found"));
      }
      if (pvc.getMetadata().getDeletionTimestamp() != null) {
        return Result.of(Status.unresolvable("persistentvolumeclaim \"" + name + "\" is being deleted"));
      }
      if (isEphemeralFor(pod, name) && !ownedBy(pvc, pod)) {
        return Result.of(Status.unresolvable("PVC " + pod.namespace() + "/" + name + " was not created for pod "
            + pod + " (pod is not owner)"));
      }
      String volumeName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
      if (volumeName != null && !volumeName.isEmpty()) {
        PersistentVolume pv = handle.listers().pv(volumeName);
        if (pv == null) {
          return Result.of(Status.unresolvable(ERR_PV_NOT_EXIST));
        }
        s.boundPvs.add(pv);
        continue;
      }
      String className = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
      StorageClass sc = className == null || className.isEmpty() ? null : handle.listers().storageClass(className);
      if (sc == null || !"WaitForFirstConsumer".equals(sc.getVolumeBindingMode())) {
        return Result.of(Status.unresolvable(ERR_UNBOUND_IMMEDIATE));
      }
      s.delayed.add(new Delayed(pvc, sc));
    }
    state.write(STATE_KEY, s);
    return Result.SUCCESS;
  }

  private static boolean isEphemeralFor(PodInfo pod, String claimName) {
    return pod.pod().getSpec().getVolumes().stream().anyMatch(v -> v.getEphemeral() != null
        && (pod.name() + "-" + v.getName()).equals(claimName));
  }

  private static boolean ownedBy(PersistentVolumeClaim pvc, PodInfo pod) {
    List<OwnerReference> refs = pvc.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> Boolean.TRUE.equals(r.getController())
        && pod.pod().getMetadata().getUid() != null && pod.pod().getMetadata().getUid().equals(r.getUid()));
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    State s = state.read(STATE_KEY, State.class);
    for (PersistentVolume pv : s.boundPvs) {
      if (!pvFitsNode(pv, node)) {
        return Status.unresolvable(ERR_NODE_CONFLICT);
      }
    }
    for (Delayed d : s.delayed) {
      if (NO_PROVISIONER.equals(d.sc().getProvisioner())) {
        if (findPv(d.claim(), node, pod.key()) == null) {
          return Status.unresolvable(ERR_BIND_CONFLICT);
        }
      } else if (!allowedTopology(d.sc(), node)) {
        return Status.unresolvable(ERR_BIND_CONFLICT);
      }
    }
    return Status.SUCCESS;
  }

  static boolean pvFitsNode(PersistentVolume pv, NodeInfo node) {
    if (pv.getSpec() == null || pv.getSpec().getNodeAffinity() == null
        || pv.getSpec().getNodeAffinity().getRequired() == null) {
      return true;
    }
    return NodeSelectors.matches(pv.getSpec().getNodeAffinity().getRequired(), node.node());
  }

  private static boolean allowedTopology(StorageClass sc, NodeInfo node) {
    List<TopologySelectorTerm> terms = sc.getAllowedTopologies();
    if (terms == null || terms.isEmpty()) {
      return true;
    }
    Map<String, String> labels = node.labels();
    for (TopologySelectorTerm t : terms) {
      boolean all = true;
      for (TopologySelectorLabelRequirement r : t.getMatchLabelExpressions()) {
        String v = labels.get(r.getKey());
        if (v == null || r.getValues() == null || !r.getValues().contains(v)) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  /** The smallest available PV of the claim's class that fits the claim and the node, or null. */
  private PersistentVolume findPv(PersistentVolumeClaim claim, NodeInfo node, String podKey) {
    String cls = claim.getSpec().getStorageClassName();
    long want = claim.getSpec().getResources() == null || claim.getSpec().getResources().getRequests() == null ? 0
        : Quantities.value(claim.getSpec().getResources().getRequests().get("storage"));
    PersistentVolume best = null;
    long bestSize = Long.MAX_VALUE;
    for (PersistentVolume pv : handle.listers().pvs()) {
      if (pv.getSpec() == null || !java.util.Objects.equals(cls, pv.getSpec().getStorageClassName())) {
        continue;
      }
      if (pv.getSpec().getClaimRef() != null && !(claim.getMetadata().getName().equals(pv.getSpec().getClaimRef()
          .getName()) && claim.getMetadata().getNamespace().equals(pv.getSpec().getClaimRef().getNamespace()))) {
        continue;
      }
      if (pv.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      String owner = assumedPvs.get(pv.getMetadata().getName());
      if (owner != null && !owner.equals(podKey)) {
        continue;
      }
      Quantity cap = pv.getSpec().getCapacity() == null ? null : pv.getSpec().getCapacity().get("storage");
      long size = Quantities.value(cap);
      if (size < want) {
        continue;
      }
      List<String> modes = claim.getSpec().getAccessModes();
      if (modes != null && (pv.getSpec().getAccessModes() == null || !pv.getSpec().getAccessModes()
          .containsAll(modes))) {
        continue;
      }
      if (!pvFitsNode(pv, node)) {
        continue;
      }
      if (size < bestSize) {
        best = pv;
        bestSize = size;
      }
    }
    return best;
  }

  @Override
  public Status reserve(CycleState state, PodInfo pod, String nodeName) {
    State s = state.readOrNull(STATE_KEY, State.class);
    if (s == null || s.delayed.isEmpty()) {
      return Status.SUCCESS;
    }
    NodeInfo node = handle.snapshot().get(nodeName);
    for (Delayed d : s.delayed) {
      if (NO_PROVISIONER.equals(d.sc().getProvisioner())) {
        PersistentVolume pv = findPv(d.claim(), node, pod.key());
        if (pv == null || assumedPvs.putIfAbsent(pv.getMetadata().getName(), pod.key()) != null
            && !pod.key().equals(assumedPvs.get(pv.getMetadata().getName()))) {
          return Status.unschedulable(ERR_BIND_CONFLICT);
        }
        s.chosen.put(d.claim().getMetadata().getName(), pv);
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public void unreserve(CycleState state, PodInfo pod, String nodeName) {
    assumedPvs.values().removeIf(pod.key()::equals);
  }

  @Override
  public Status preBind(CycleState state, PodInfo pod, String nodeName) {
    State s = state.readOrNull(STATE_KEY, State.class);
    if (s == null || s.delayed.isEmpty()) {
      return Status.SUCCESS;
    }
    try {
      for (Delayed d : s.delayed) {
        PersistentVolume pv = s.chosen.get(d.claim().getMetadata().getName());
        if (pv != null) {
          handle.api().bindPv(pv, d.claim());
        } else {
          handle.api().annotatePvc(d.claim().getMetadata().getNamespace(), d.claim().getMetadata().getName(),
              Map.of(SELECTED_NODE, nodeName));
        }
      }
    } catch (RuntimeException e) {
      return Status.error(e);
    } finally {
      assumedPvs.values().removeIf(pod.key()::equals);
    }
    return Status.SUCCESS;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.of(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ALL),
        ClusterEvent.of(ClusterEvent.Resource.PERSISTENT_VOLUME, ClusterEvent.ALL),
        ClusterEvent.of(ClusterEvent.Resource.STORAGE_CLASS, ClusterEvent.ALL),
        ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_LABEL));
  }
}

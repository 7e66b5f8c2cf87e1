package io.quarkube.scheduler.framework.plugins.volumezone;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.helper.Claims;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * VolumeZone (upstream's volumezone): a bound PV labelled with a zone or region (the GA topology labels or the
 * deprecated failure-domain ones; a value may list several zones joined by {@code __}) only fits nodes whose label
 * has one of those values. A node with none of those labels at all is not constrained (upstream: clusters without
 * zones). Unbound WaitForFirstConsumer claims are VolumeBinding's business and skipped here.
 */
public final class VolumeZone implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  public static final String NAME = "VolumeZone";
  public static final String ERR_CONFLICT = "node(s) had no available volume zone";
  static final String BETA_ZONE = "failure-domain.beta.kubernetes.io/zone";
  static final String BETA_REGION = "failure-domain.beta.kubernetes.io/region";
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String REGION = "topology.kubernetes.io/region";
  static final List<String> TOPOLOGY_LABELS = List.of(BETA_ZONE, BETA_REGION, ZONE, REGION);
  private static final String STATE_KEY = "PreFilter" + NAME;

  private final Handle handle;

  public VolumeZone(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** One topology label of one PV: the node's value for {@code key} must be among {@code values}. */
  record PvTopology(String pvName, String key, Set<String> values) {}

  private record State(List<PvTopology> topologies) implements CycleState.Data {
    @Override
    public CycleState.Data copy() {
      return this;
    }
  }

  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<Volume> volumes = pod.pod().getSpec().getVolumes();
    if (volumes == null || volumes.isEmpty()) {
      return Result.SKIP;
    }
    List<PvTopology> topologies = new ArrayList<>();
    for (Volume v : volumes) {
      if (v.getPersistentVolumeClaim() == null) {
        continue;
      }
      String claimName = v.getPersistentVolumeClaim().getClaimName();
      if (claimName == null || claimName.isEmpty()) {
        return Result.of(Status.unresolvable("PersistentVolumeClaim had no name"));
      }
      PersistentVolumeClaim pvc = handle.listers().pvc(pod.namespace(), claimName);
      if (pvc == null) {
        return Result.of(Status.unresolvable("persistentvolumeclaim \"" + claimName + "\" not found"));
      }
      String pvName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
      if (pvName == null || pvName.isEmpty()) {
        String className = Claims.storageClass(pvc);
        if (className.isEmpty()) {
          return Result.of(Status.unresolvable("PersistentVolumeClaim had no pv name and storageClass name"));
        }
        StorageClass sc = handle.listers().storageClass(className);
        if (sc == null) {
          return Result.of(Status.unresolvable("storageclass.storage.k8s.io \"" + className + "\" not found"));
        }
        if (sc.getVolumeBindingMode() == null) {
          return Result.of(Status.unresolvable("VolumeBindingMode not set for StorageClass \"" + className + "\""));
        }
        if ("WaitForFirstConsumer".equals(sc.getVolumeBindingMode())) {
          // Its PV does not exist yet: the provisioner follows the node the pod gets.
          continue;
        }
        return Result.of(Status.unresolvable("PersistentVolume had no name"));
      }
      PersistentVolume pv = handle.listers().pv(pvName);
      if (pv == null) {
        return Result.of(Status.unresolvable("persistentvolume \"" + pvName + "\" not found"));
      }
      topologies.addAll(topologies(pv));
    }
    if (topologies.isEmpty()) {
      return Result.SKIP;
    }
    state.write(STATE_KEY, new State(List.copyOf(topologies)));
    return Result.SUCCESS;
  }

  static List<PvTopology> topologies(PersistentVolume pv) {
    Map<String, String> labels = pv.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<PvTopology> out = new ArrayList<>(0);
    for (String key : TOPOLOGY_LABELS) {
      String value = labels.get(key);
      if (value == null) {
        continue;
      }
      Set<String> zones = zones(value);
      if (zones != null) {
        out.add(new PvTopology(pv.getMetadata().getName(), key, zones));
      }
    }
    return out;
  }

  /** A {@code __}-separated zone list; null (label ignored) when one of its entries is empty. */
  static Set<String> zones(String value) {
    Set<String> out = new HashSet<>();
    for (String z : value.split("__", -1)) {
      String t = z.trim();
      if (t.isEmpty()) {
        return null;
      }
      out.add(t);
    }
    return out;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    State s = state.read(STATE_KEY, State.class);
    Map<String, String> labels = node.labels();
    boolean constrained = false;
    for (String key : TOPOLOGY_LABELS) {
      if (labels.containsKey(key)) {
        constrained = true;
        break;
      }
    }
    if (!constrained) {
      return Status.SUCCESS;
    }
    for (PvTopology t : s.topologies()) {
      String v = labels.get(t.key());
      if (v == null) {
        // A PV with a deprecated label still matches a node labelled the GA way.
        v = labels.get(toGa(t.key()));
      }
      if (v == null || !t.values().contains(v)) {
        return Status.unresolvable(ERR_CONFLICT);
      }
    }
    return Status.SUCCESS;
  }

  private static String toGa(String key) {
    return switch (key) {
      case BETA_ZONE -> ZONE;
      case BETA_REGION -> REGION;
      default -> key;
    };
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    // A new class or claim/PV change may bind or relabel the volume; a new or relabelled node may be in the zone.
    return List.of(ClusterEvent.of(ClusterEvent.Resource.STORAGE_CLASS, ClusterEvent.ADD),
        ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_LABEL
            | ClusterEvent.UPDATE_NODE_TAINT),
        ClusterEvent.of(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ADD | ClusterEvent.UPDATE_OTHER),
        ClusterEvent.of(ClusterEvent.Resource.PERSISTENT_VOLUME, ClusterEvent.ADD | ClusterEvent.UPDATE_OTHER));
  }
}

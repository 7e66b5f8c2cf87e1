package io.quarkube.scheduler.framework.plugins.nodevolumelimits;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSINodeDriver;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * NodeVolumeLimits (upstream's nodevolumelimits CSILimits): a node takes no more unique CSI volumes per driver than
 * its CSINode's {@code spec.drivers[].allocatable.count} (or an {@code attachable-volumes-csi-<driver>} entry of the
 * node's allocatable, which CSINode overrides). A volume counts once however many pods on the node use it: it is the
 * PV's {@code csi.driver}/{@code csi.volumeHandle} of a claim (a pod's PVC or generic ephemeral volume), or, for a
 * claim not bound yet, its StorageClass's provisioner with a handle of its own. Inline {@code csi} volumes do not
 * count (upstream counts only in-tree inline volumes migrated to CSI, which Quarkube has none of).
 */
public final class NodeVolumeLimits implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodeVolumeLimits";
  public static final String ERR_MAX_VOLUME_COUNT = "node(s) exceed max volume count";
  static final String ATTACHABLE_PREFIX = "attachable-volumes-";
  static final String CSI_LIMIT_PREFIX = ATTACHABLE_PREFIX + "csi-";
  private static final int RESOURCE_NAME_LIMIT = 63;

  private final Handle handle;
  /**
   * Unbound claims get made-up handles under this prefix, unique to this scheduler, so that they never equal a real
   * volume's (upstream's randomVolumeIDPrefix).
   */
  private final String unboundPrefix = UUID.randomUUID().toString();

  public NodeVolumeLimits(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Only pods with a claim (PVC or generic ephemeral volume) need the Filter. */
  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<Volume> volumes = pod.pod().getSpec().getVolumes();
    if (volumes != null) {
      for (Volume v : volumes) {
        if (v.getPersistentVolumeClaim() != null || v.getEphemeral() != null) {
          return Result.SUCCESS;
        }
      }
    }
    return Result.SKIP;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    List<Volume> volumes = pod.pod().getSpec().getVolumes();
    if (volumes == null || volumes.isEmpty()) {
      return Status.SUCCESS;
    }
    Node node = nodeInfo.node();
    if (node == null) {
      return Status.error("node not found");
    }
    CSINode csiNode = handle.listers().csiNode(node.getMetadata().getName());
    Map<String, String> wanted = new HashMap<>();
    String missing = attachableVolumes(pod.pod(), true, wanted);
    if (missing != null) {
      return Status.unresolvable(missing);
    }
    if (wanted.isEmpty()) {
      return Status.SUCCESS;
    }
    Map<String, Long> limits = limits(node, csiNode);
    if (limits.isEmpty()) {
      return Status.SUCCESS;
    }
    Map<String, String> attached = new HashMap<>();
    for (PodInfo existing : nodeInfo.pods()) {
      attachableVolumes(existing.pod(), false, attached);
    }
    Map<String, Integer> attachedCount = new HashMap<>();
    for (Map.Entry<String, String> e : attached.entrySet()) {
      wanted.remove(e.getKey()); // a volume the node has already costs nothing more
      attachedCount.merge(e.getValue(), 1, Integer::sum);
    }
    Map<String, Integer> wantedCount = new HashMap<>();
    for (String key : wanted.values()) {
      wantedCount.merge(key, 1, Integer::sum);
    }
    for (Map.Entry<String, Integer> e : wantedCount.entrySet()) {
      Long max = limits.get(e.getKey());
      if (max != null && attachedCount.getOrDefault(e.getKey(), 0) + e.getValue() > max) {
        return Status.unschedulable(ERR_MAX_VOLUME_COUNT);
      }
    }
    return Status.SUCCESS;
  }

  /**
   * Adds the pod's CSI volumes to {@code out} as unique name ({@code driver/handle}) -> limit key. For the pod being
   * scheduled a missing claim is the reason it cannot be (returned); an existing pod's missing claim is not counted.
   */
  String attachableVolumes(Pod pod, boolean newPod, Map<String, String> out) {
    List<Volume> volumes = pod.getSpec() == null ? null : pod.getSpec().getVolumes();
    if (volumes == null) {
      return null;
    }
    String namespace = pod.getMetadata().getNamespace();
    for (Volume v : volumes) {
      String claimName;
      boolean ephemeral = false;
      if (v.getPersistentVolumeClaim() != null) {
        claimName = v.getPersistentVolumeClaim().getClaimName();
      } else if (v.getEphemeral() != null) {
        claimName = pod.getMetadata().getName() + "-" + v.getName();
        ephemeral = true;
      } else {
        continue;
      }
      if (claimName == null || claimName.isEmpty()) {
        if (newPod) {
          return "PersistentVolumeClaim had no name";
        }
        continue;
      }
      PersistentVolumeClaim pvc = handle.listers().pvc(namespace, claimName);
      if (pvc == null) {
        if (newPod) {
          return "looking up PVC " + namespace + "/" + claimName + ": persistentvolumeclaim \"" + claimName
              + "\" not found";
        }
        continue;
      }
      if (ephemeral && !ownedBy(pvc, pod)) {
        if (newPod) {
          return "PVC " + namespace + "/" + claimName + " was not created for pod " + namespace + "/"
              + pod.getMetadata().getName() + " (pod is not owner)";
        }
        continue;
      }
      String[] driverAndHandle = csiDriverInfo(pvc);
      if (driverAndHandle != null) {
        out.put(driverAndHandle[0] + "/" + driverAndHandle[1], limitKey(driverAndHandle[0]));
      }
    }
    return null;
  }

  /** The CSI driver and volume handle of a claim: its PV's, else its class's provisioner and a made-up handle. */
  private String[] csiDriverInfo(PersistentVolumeClaim pvc) {
    String pvName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
    if (pvName != null && !pvName.isEmpty()) {
      PersistentVolume pv = handle.listers().pv(pvName);
      if (pv != null) {
        var csi = pv.getSpec() == null ? null : pv.getSpec().getCsi();
        if (csi == null || isEmpty(csi.getDriver()) || isEmpty(csi.getVolumeHandle())) {
          return null; // not a CSI volume (no in-tree plugin of Quarkube's migrates to CSI)
        }
        return new String[] {csi.getDriver(), csi.getVolumeHandle()};
      }
      // the PV is gone or not made yet (a claim bound ahead): count by the class, as upstream falls back
    }
    String className = Claims.storageClass(pvc);
    if (className.isEmpty()) {
      return null; // no class: Immediate binding, bound before scheduling
    }
    StorageClass sc = handle.listers().storageClass(className);
    if (sc == null || isEmpty(sc.getProvisioner())) {
      return null;
    }
    return new String[] {sc.getProvisioner(),
        unboundPrefix + "-" + pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getName()};
  }

  private static boolean ownedBy(PersistentVolumeClaim pvc, Pod pod) {
    List<OwnerReference> refs = pvc.getMetadata().getOwnerReferences();
    if (refs == null) {
      return false;
    }
    for (OwnerReference r : refs) {
      if (Boolean.TRUE.equals(r.getController()) && r.getUid() != null
          && r.getUid().equals(pod.getMetadata().getUid())) {
        return true;
      }
    }
    return false;
  }

  /** The node's volume limits by key: its allocatable attachable-volumes-* entries, overridden by its CSINode. */
  static Map<String, Long> limits(Node node, CSINode csiNode) {
    Map<String, Long> out = new HashMap<>();
    Map<String, Quantity> allocatable = node.getStatus() == null ? null : node.getStatus().getAllocatable();
    if (allocatable != null) {
      allocatable.forEach((k, q) -> {
        if (k.startsWith(ATTACHABLE_PREFIX) && q != null) {
          try {
            out.put(k, Quantity.getAmountInBytes(q).longValue());
          } catch (RuntimeException e) {
            // not a number: no limit
          }
        }
      });
    }
    if (csiNode != null && csiNode.getSpec() != null && csiNode.getSpec().getDrivers() != null) {
      for (CSINodeDriver d : csiNode.getSpec().getDrivers()) {
        if (d.getName() != null && d.getAllocatable() != null && d.getAllocatable().getCount() != null) {
          out.put(limitKey(d.getName()), d.getAllocatable().getCount().longValue());
        }
      }
    }
    return out;
  }

  /**
   * Upstream's GetCSIAttachLimitKey: {@code attachable-volumes-csi-<driver>}, or, when that would not fit a resource
   * name, the driver's first 23 characters and 16 hex digits of its SHA-1.
   */
  static String limitKey(String driver) {
    if (CSI_LIMIT_PREFIX.length() + driver.length() < RESOURCE_NAME_LIMIT) {
      return CSI_LIMIT_PREFIX + driver;
    }
    try {
      byte[] sha = java.security.MessageDigest.getInstance("SHA-1")
          .digest(driver.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return CSI_LIMIT_PREFIX + driver.substring(0, 23) + java.util.HexFormat.of().formatHex(sha).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    // A new or changed CSINode may allow more volumes (a driver registering updates it); a deleted pod frees its
    // volumes; a claim that appears may be the one the pod was waiting for.
    return List.of(ClusterEvent.of(ClusterEvent.Resource.CSI_NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_OTHER),
        ClusterEvent.ASSIGNED_POD_DELETE,
        ClusterEvent.of(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM, ClusterEvent.ADD));
  }
}

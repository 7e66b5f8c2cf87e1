package io.quarkube.kubelet.node;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8s.cri.runtime.v1.Image;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.kubelet.pod.PodStatusBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Registers this node's Node object and keeps its status current (upstream's kubelet_node_status.go): capacity,
 * allocatable, addresses, nodeInfo, the four conditions, daemon endpoints and images. The status is compared every
 * update period and written when it differs, or when the report period has passed (heartbeat times).
 */
public final class NodeStatusManager {
  private static final Logger LOG = Logger.getLogger(NodeStatusManager.class);
  public static final String KUBELET_VERSION = "v1.32.0-quarkube";

  private final KubernetesClient client;
  private final String nodeName;
  private final NodeFactsProvider facts;
  private final int kubeletPort;
  private final String runtimeVersion;
  private final String podCidr;
  private final BooleanSupplier runtimeHealthy;
  private final Supplier<List<Image>> images;
  private final EventRecorder events;
  private final Duration reportPeriod;
  private final Clock clock;
  private Instant lastReport = Instant.EPOCH;
  private NodeStatus lastWritten;
  private volatile Node node;

  public NodeStatusManager(KubernetesClient client, String nodeName, NodeFactsProvider facts, int kubeletPort,
      String runtimeVersion, String podCidr, BooleanSupplier runtimeHealthy, Supplier<List<Image>> images,
      EventRecorder events, Duration reportPeriod, Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.facts = facts;
    this.kubeletPort = kubeletPort;
    this.runtimeVersion = runtimeVersion;
    this.podCidr = podCidr;
    this.runtimeHealthy = runtimeHealthy;
    this.images = images;
    this.events = events;
    this.reportPeriod = reportPeriod;
    this.clock = clock;
  }

  public Node node() {
    return node;
  }

  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("beta.kubernetes.io/arch", NodeFactsProvider.arch());
    labels.put("beta.kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", NodeFactsProvider.arch());
    labels.put("kubernetes.io/hostname", nodeName);
    labels.put("kubernetes.io/os", "linux");
    return labels;
  }

  /** Creates the Node, or adopts the existing one (a restarted kubelet), adding our labels. */
  public void register() {
    Node existing = client.nodes().withName(nodeName).get();
    if (existing == null) {
      Node fresh = new NodeBuilder().withNewMetadata().withName(nodeName).withLabels(labels())
          .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
          .endMetadata()
          .withNewSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr == null ? null : List.of(podCidr)).endSpec()
          .build();
      try {
        node = client.nodes().resource(fresh).create();
        LOG.infof("registered node %s", nodeName);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        existing = client.nodes().withName(nodeName).get();
      }
    }
    if (existing != null) {
      Map<String, String> merged = new LinkedHashMap<>(existing.getMetadata().getLabels() == null ? Map.of()
          : existing.getMetadata().getLabels());
      if (!merged.entrySet().containsAll(labels().entrySet())) {
        merged.putAll(labels());
        existing.getMetadata().setLabels(merged);
        existing = client.nodes().resource(existing).update();
      }
      node = existing;
      LOG.infof("node %s already registered; adopted", nodeName);
    }
    update(true);
    events.normal(node, "Starting", "Starting kubelet.");
  }

  /** Writes the status when it changed, or when the report period passed (or when {@code force}). */
  public synchronized void update(boolean force) {
    Instant now = clock.instant();
    NodeStatus wanted = status(now);
    boolean changed = lastWritten == null || !sameIgnoringHeartbeats(lastWritten, wanted);
    if (!force && !changed && Duration.between(lastReport, now).compareTo(reportPeriod) < 0
        && !overwrittenOnServer(wanted)) {
      return;
    }
    for (int attempt = 0; attempt < 3; attempt++) {
      Node current = client.nodes().withName(nodeName).get();
      if (current == null) {
        register();
        return;
      }
      NodeStatus merged = keepTransitions(current.getStatus(), wanted);
      current.setStatus(merged);
      try {
        node = client.nodes().resource(current).updateStatus();
        if (lastWritten != null && readyOf(lastWritten) != readyOf(merged)) {
          events.normal(node, readyOf(merged) ? "NodeReady" : "NodeNotReady", "Node %s status is now: %s",
              nodeName, readyOf(merged) ? "NodeReady" : "NodeNotReady");
        }
        lastWritten = merged;
        lastReport = now;
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          LOG.warnf("updating node status failed: %s", e.getMessage());
          return;
        }
      }
    }
  }

  /**
   * Whether the stored status' conditions (or allocatable, for extended resources put into capacity by others)
   * say something else than this kubelet would (upstream's kubelet compares
   * with the Node it reads, not with what it wrote last): the node lifecycle controller sets every condition
   * Unknown when it missed the Lease for a while, and this kubelet must put them right within one status period
   * rather than after the 5 min report period.
   */
  private boolean overwrittenOnServer(NodeStatus wanted) {
    Node current;
    try {
      current = client.nodes().withName(nodeName).get();
    } catch (KubernetesClientException e) {
      return false; // the next period tries again
    }
    if (current == null || current.getStatus() == null || current.getStatus().getConditions() == null) {
      return true;
    }
    NodeStatus extended = new NodeStatusBuilder(current.getStatus()).build();
    keepExtendedResources(current.getStatus(), extended);
    if (!Objects.equals(extended.getAllocatable(), current.getStatus().getAllocatable())) {
      return true; // an extended resource was added to or taken out of capacity: allocatable follows now
    }
    for (var c : wanted.getConditions()) {
      boolean same = current.getStatus().getConditions().stream().anyMatch(o -> o.getType().equals(c.getType())
          && Objects.equals(o.getStatus(), c.getStatus()));
      if (!same) {
        return true;
      }
    }
    return false;
  }

  /** True once a status with Ready=True was written. */
  public synchronized boolean reportedReady() {
    return lastWritten != null && readyOf(lastWritten);
  }

  private static boolean readyOf(NodeStatus s) {
    return s.getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  NodeStatus status(Instant now) {
    String time = PodStatusBuilder.time(now);
    boolean runtimeUp = runtimeHealthy.getAsBoolean();
    boolean diskPressure = facts.diskAvailableFraction() < 0.10;
    List<NodeCondition> conditions = List.of(
        condition("MemoryPressure", false, "KubeletHasSufficientMemory", "kubelet has sufficient memory available",
            time),
        condition("DiskPressure", diskPressure, diskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
            diskPressure ? "kubelet has disk pressure" : "kubelet has no disk pressure", time),
        condition("PIDPressure", false, "KubeletHasSufficientPID", "kubelet has sufficient PID available", time),
        condition("Ready", runtimeUp, runtimeUp ? "KubeletReady" : "KubeletNotReady",
            runtimeUp ? "kubelet is posting ready status"
                : "container runtime is down: the CRI at the containerd socket does not answer", time));
    List<ContainerImage> imageList = new ArrayList<>();
    try {
      images.get().stream().sorted(Comparator.comparingLong(Image::getSize).reversed()).limit(50).forEach(i -> {
        List<String> names = new ArrayList<>(i.getRepoDigestsList());
        names.addAll(i.getRepoTagsList());
        if (!names.isEmpty()) {
          imageList.add(new ContainerImage(names, i.getSize()));
        }
      });
    } catch (RuntimeException e) {
      // runtime down: no images listed
    }
    return new NodeStatusBuilder()
        .withCapacity(facts.capacity())
        .withAllocatable(facts.allocatable())
        .withConditions(conditions)
        .withAddresses(facts.addresses(nodeName))
        .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(kubeletPort).endKubeletEndpoint()
        .endDaemonEndpoints()
        .withNewNodeInfo()
        .withMachineID(NodeFactsProvider.machineId())
        .withSystemUUID(NodeFactsProvider.systemUuid())
        .withBootID(NodeFactsProvider.bootId())
        .withKernelVersion(NodeFactsProvider.kernelVersion())
        .withOsImage(NodeFactsProvider.osImage())
        .withContainerRuntimeVersion(runtimeVersion)
        .withKubeletVersion(KUBELET_VERSION)
        .withKubeProxyVersion("")
        .withOperatingSystem("linux")
        .withArchitecture(NodeFactsProvider.arch())
        .endNodeInfo()
        .withImages(imageList)
        .build();
  }

  private static NodeCondition condition(String type, boolean value, String reason, String message, String time) {
    return new NodeConditionBuilder().withType(type).withStatus(value ? "True" : "False").withReason(reason)
        .withMessage(message).withLastHeartbeatTime(time).withLastTransitionTime(time).build();
  }

  /** Keeps each condition's lastTransitionTime while its status stays the same. */
  private static NodeStatus keepTransitions(NodeStatus current, NodeStatus wanted) {
    if (current == null || current.getConditions() == null) {
      return wanted;
    }
    List<NodeCondition> merged = new ArrayList<>();
    for (NodeCondition c : wanted.getConditions()) {
      NodeCondition copy = new NodeConditionBuilder(c).build();
      current.getConditions().stream().filter(o -> o.getType().equals(c.getType())
          && Objects.equals(o.getStatus(), c.getStatus()) && o.getLastTransitionTime() != null).findFirst()
          .ifPresent(o -> copy.setLastTransitionTime(o.getLastTransitionTime()));
      merged.add(copy);
    }
    // Conditions other components set (e.g. NetworkUnavailable) stay.
    for (NodeCondition o : current.getConditions()) {
      if (merged.stream().noneMatch(c -> c.getType().equals(o.getType()))) {
        merged.add(o);
      }
    }
    NodeStatus result = new NodeStatusBuilder(wanted).withConditions(merged).build();
    result.setVolumesAttached(current.getVolumesAttached());
    result.setVolumesInUse(current.getVolumesInUse());
    keepExtendedResources(current, result);
    return result;
  }

  /**
   * Extended resources others advertise in the node's capacity (a device plugin's manager, or an administrator
   * patching {@code status.capacity} with e.g. {@code example.com/fakecpu}) stay there, and allocatable follows
   * capacity for them (nothing is reserved for them), as upstream's kubelet derives allocatable from the capacity it
   * read: one taken out of capacity leaves allocatable at the next update.
   */
  static void keepExtendedResources(NodeStatus current, NodeStatus result) {
    Map<String, Quantity> capacity = new LinkedHashMap<>(result.getCapacity());
    Map<String, Quantity> allocatable = new LinkedHashMap<>(result.getAllocatable());
    allocatable.keySet().removeIf(NodeStatusManager::isExtended);
    if (current.getCapacity() != null) {
      current.getCapacity().forEach((name, q) -> {
        if (isExtended(name)) {
          capacity.put(name, q);
          allocatable.put(name, q);
        }
      });
    }
    result.setCapacity(capacity);
    result.setAllocatable(allocatable);
  }

  /** Upstream's extended resource names: not native (no domain, or a kubernetes.io one). */
  static boolean isExtended(String name) {
    return name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
  }

  /** A copy without extended resources, which the kubelet carries over but does not produce itself. */
  private static Map<String, Quantity> ownResources(Map<String, Quantity> resources) {
    Map<String, Quantity> own = new LinkedHashMap<>(resources == null ? Map.of() : resources);
    own.keySet().removeIf(NodeStatusManager::isExtended);
    return own;
  }

  private static boolean sameIgnoringHeartbeats(NodeStatus a, NodeStatus b) {
    NodeStatus x = new NodeStatusBuilder(a).build();
    NodeStatus y = new NodeStatusBuilder(b).build();
    for (NodeStatus s : List.of(x, y)) {
      s.setCapacity(ownResources(s.getCapacity()));
      s.setAllocatable(ownResources(s.getAllocatable()));
    }
    x.getConditions().forEach(c -> {
      c.setLastHeartbeatTime(null);
      c.setLastTransitionTime(null);
    });
    y.getConditions().forEach(c -> {
      c.setLastHeartbeatTime(null);
      c.setLastTransitionTime(null);
    });
    return Objects.equals(x, y);
  }
}

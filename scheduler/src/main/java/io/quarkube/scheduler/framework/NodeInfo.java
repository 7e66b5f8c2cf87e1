package io.quarkube.scheduler.framework;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.quarkube.machinery.images.ImageNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node with the pods on it (bound and assumed) and their sums: requested and non-zero requested resources, used
 * host ports, pods with (anti-)affinity, PVC use. The cache owns the live instances and hands out
 * {@link #snapshotCopy() copies} to the scheduling cycle; every change bumps a global generation so the snapshot only
 * copies what changed.
 */
public final class NodeInfo {
  private static final AtomicLong GENERATION = new AtomicLong();

  private Node node;
  private List<PodInfo> pods;
  private List<PodInfo> podsWithAffinity;
  private List<PodInfo> podsWithRequiredAntiAffinity;
  private List<HostPort> usedPorts;
  private Resource requested;
  private Resource nonZeroRequested;
  private Resource allocatable;
  private Map<String, Integer> pvcRefCounts;
  /** The node's images (status.images) by normalized name -> size in bytes, for ImageLocality. */
  private Map<String, Long> imageSizes = Map.of();
  private long generation;

  public NodeInfo() {
    pods = new ArrayList<>();
    podsWithAffinity = new ArrayList<>(0);
    podsWithRequiredAntiAffinity = new ArrayList<>(0);
    usedPorts = new ArrayList<>(0);
    requested = new Resource();
    nonZeroRequested = new Resource();
    allocatable = new Resource();
    pvcRefCounts = new HashMap<>(0);
    generation = nextGeneration();
  }

  /** A node info for {@code node} holding {@code pods} (tests and simulations). */
  public static NodeInfo of(Node node, PodInfo... pods) {
    NodeInfo n = new NodeInfo();
    n.setNode(node);
    for (PodInfo p : pods) {
      n.addPod(p);
    }
    return n;
  }

  public static long nextGeneration() {
    return GENERATION.incrementAndGet();
  }

  public Node node() {
    return node;
  }

  public String name() {
    return node == null ? "" : node.getMetadata().getName();
  }

  public Map<String, String> labels() {
    Map<String, String> l = node == null ? null : node.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  public void setNode(Node node) {
    this.node = node;
    this.allocatable = node.getStatus() == null ? new Resource() : Resource.of(node.getStatus().getAllocatable());
    this.imageSizes = imageSizes(node);
    this.generation = nextGeneration();
  }

  /** Once per node update rather than per scored pod: the names are normalized as pods' images are. */
  private static Map<String, Long> imageSizes(Node node) {
    if (node.getStatus() == null || node.getStatus().getImages() == null || node.getStatus().getImages().isEmpty()) {
      return Map.of();
    }
    Map<String, Long> m = new HashMap<>();
    for (ContainerImage image : node.getStatus().getImages()) {
      if (image.getNames() == null) {
        continue;
      }
      long size = image.getSizeBytes() == null ? 0 : image.getSizeBytes();
      for (String name : image.getNames()) {
        m.putIfAbsent(ImageNames.normalize(name), size);
      }
    }
    return Map.copyOf(m);
  }

  /** Normalized image name ({@link ImageNames#normalize}) -> size in bytes of the images the node has. */
  public Map<String, Long> imageSizes() {
    return imageSizes;
  }

  /** Forgets the node object but keeps its pods (a node deleted while the cache still knows pods on it). */
  public void removeNode() {
    this.node = null;
    this.imageSizes = Map.of();
    this.generation = nextGeneration();
  }

  public List<PodInfo> pods() {
    return pods;
  }

  public List<PodInfo> podsWithAffinity() {
    return podsWithAffinity;
  }

  public List<PodInfo> podsWithRequiredAntiAffinity() {
    return podsWithRequiredAntiAffinity;
  }

  public List<HostPort> usedPorts() {
    return usedPorts;
  }

  public Resource requested() {
    return requested;
  }

  public Resource nonZeroRequested() {
    return nonZeroRequested;
  }

  public Resource allocatable() {
    return allocatable;
  }

  public long generation() {
    return generation;
  }

  /** How many pods on this node use the PVC {@code namespace/name}. */
  public int pvcRefCount(String namespacedName) {
    return pvcRefCounts.getOrDefault(namespacedName, 0);
  }

  public void addPod(PodInfo p) {
    pods.add(p);
    if (p.hasAffinity()) {
      podsWithAffinity.add(p);
    }
    if (p.hasRequiredAntiAffinity()) {
      podsWithRequiredAntiAffinity.add(p);
    }
    update(p, 1);
  }

  /** Removes the pod with {@code p}'s key; false when it was not here. */
  public boolean removePod(PodInfo p) {
    String key = p.key();
    for (int i = 0; i < pods.size(); i++) {
      PodInfo existing = pods.get(i);
      if (existing.key().equals(key)) {
        // Order does not matter: swap with the last for O(1) removal.
        int last = pods.size() - 1;
        pods.set(i, pods.get(last));
        pods.remove(last);
        removeByKey(podsWithAffinity, key);
        removeByKey(podsWithRequiredAntiAffinity, key);
        update(existing, -1);
        return true;
      }
    }
    return false;
  }

  private static void removeByKey(List<PodInfo> list, String key) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).key().equals(key)) {
        list.remove(i);
        return;
      }
    }
  }

  private void update(PodInfo p, int sign) {
    if (sign > 0) {
      requested.add(p.requests());
      nonZeroRequested.add(p.nonZeroRequests());
      usedPorts.addAll(p.hostPorts());
    } else {
      requested.subtract(p.requests());
      nonZeroRequested.subtract(p.nonZeroRequests());
      for (HostPort hp : p.hostPorts()) {
        usedPorts.remove(hp);
      }
    }
    for (String pvc : p.pvcNames()) {
      String k = p.namespace() + "/" + pvc;
      int n = pvcRefCounts.getOrDefault(k, 0) + sign;
      if (n <= 0) {
        pvcRefCounts.remove(k);
      } else {
        pvcRefCounts.put(k, n);
      }
    }
    generation = nextGeneration();
  }

  /** An independent copy for the scheduling cycle (the pod objects themselves are shared: they are immutable). */
  public NodeInfo snapshotCopy() {
    NodeInfo c = new NodeInfo();
    c.node = node;
    c.pods = new ArrayList<>(pods);
    c.podsWithAffinity = new ArrayList<>(podsWithAffinity);
    c.podsWithRequiredAntiAffinity = new ArrayList<>(podsWithRequiredAntiAffinity);
    c.usedPorts = new ArrayList<>(usedPorts);
    c.requested = requested.copy();
    c.nonZeroRequested = nonZeroRequested.copy();
    c.allocatable = allocatable.copy();
    c.pvcRefCounts = new HashMap<>(pvcRefCounts);
    c.imageSizes = imageSizes;
    c.generation = generation;
    return c;
  }

  @Override
  public String toString() {
    return name() + " (" + pods.size() + " pods, requested " + requested + ")";
  }
}

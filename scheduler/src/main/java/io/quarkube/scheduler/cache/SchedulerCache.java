package io.quarkube.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Nodes and the pods on them, as the scheduler believes them to be: bound pods from the informer plus
 * <em>assumed</em> pods — chosen for a node but not yet confirmed by the API server — so that two pods in flight can
 * never both take the last free CPU of a node. An assumed pod is confirmed when the informer reports it bound,
 * forgotten when binding fails, and expires if the confirmation never comes.
 */
public final class SchedulerCache {
  /** How long an assumed pod whose binding finished may wait for the informer's confirmation. */
  private final long assumedTtlNanos;

  private static final class PodState {
    PodInfo pod;
    String nodeName;
    boolean assumed;
    boolean bindingFinished;
    long deadlineNanos;
  }

  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
  private final Map<String, PodState> pods = new HashMap<>();
  private final Set<String> dirty = new HashSet<>();
  private boolean nodeSetChanged = true;

  public SchedulerCache(long assumedTtlNanos) {
    this.assumedTtlNanos = assumedTtlNanos;
  }

  // -------------------------------------------------------------------------------------------------------- nodes

  public synchronized void addOrUpdateNode(Node node) {
    String name = node.getMetadata().getName();
    NodeInfo n = nodes.get(name);
    if (n == null) {
      n = new NodeInfo();
      nodes.put(name, n);
      nodeSetChanged = true;
    } else if (n.node() == null) {
      nodeSetChanged = true;
    }
    n.setNode(node);
    dirty.add(name);
  }

  public synchronized void removeNode(String name) {
    NodeInfo n = nodes.get(name);
    if (n == null) {
      return;
    }
    // Pods may still point at the node (their deletion events come later): keep a node-less entry until then.
    if (n.pods().isEmpty()) {
      nodes.remove(name);
    } else {
      n.removeNode();
    }
    nodeSetChanged = true;
    dirty.add(name);
  }

  public synchronized int nodeCount() {
    int c = 0;
    for (NodeInfo n : nodes.values()) {
      if (n.node() != null) {
        c++;
      }
    }
    return c;
  }

  // --------------------------------------------------------------------------------------------------------- pods

  /** Puts a pod on a node before the binding is written. Fails if the cache already knows the pod. */
  public synchronized void assumePod(PodInfo pod, String nodeName) {
    if (pods.containsKey(pod.key())) {
      throw new IllegalStateException("pod " + pod + " is in the cache, so can't be assumed");
    }
    PodState s = new PodState();
    s.pod = pod;
    s.nodeName = nodeName;
    s.assumed = true;
    addToNode(pod, nodeName);
    pods.put(pod.key(), s);
  }

  /** The binding was written: start the assumed pod's expiry clock. */
  public synchronized void finishBinding(String podKey, long nowNanos) {
    PodState s = pods.get(podKey);
    if (s != null && s.assumed) {
      s.bindingFinished = true;
      s.deadlineNanos = nowNanos + assumedTtlNanos;
    }
  }

  /** The binding failed: take the assumed pod off its node. */
  public synchronized void forgetPod(String podKey) {
    PodState s = pods.get(podKey);
    if (s != null && s.assumed) {
      removeFromNode(s.pod, s.nodeName);
      pods.remove(podKey);
    }
  }

  public synchronized boolean isAssumed(String podKey) {
    PodState s = pods.get(podKey);
    return s != null && s.assumed;
  }

  /** Whether the cache holds the pod at all (bound or assumed). */
  public synchronized boolean contains(String podKey) {
    return pods.containsKey(podKey);
  }

  /** A bound pod seen by the informer: confirms an assumed pod, or adds it. */
  public synchronized void addPod(PodInfo pod) {
    String node = pod.nodeName();
    PodState s = pods.get(pod.key());
    if (s == null) {
      s = new PodState();
      s.pod = pod;
      s.nodeName = node;
      addToNode(pod, node);
      pods.put(pod.key(), s);
      return;
    }
    // Assumed (or already known): replace with what the API server says, on the node it says.
    removeFromNode(s.pod, s.nodeName);
    s.pod = pod;
    s.nodeName = node;
    s.assumed = false;
    addToNode(pod, node);
  }

  public synchronized void updatePod(PodInfo pod) {
    addPod(pod);
  }

  public synchronized void removePod(PodInfo pod) {
    PodState s = pods.remove(pod.key());
    if (s != null) {
      removeFromNode(s.pod, s.nodeName);
    } else if (pod.nodeName() != null) {
      removeFromNode(pod, pod.nodeName());
    }
  }

  /** Drops assumed pods whose binding finished long ago without a confirmation. Returns how many. */
  public synchronized int cleanupExpiredAssumedPods(long nowNanos) {
    List<String> expired = new ArrayList<>();
    for (Map.Entry<String, PodState> e : pods.entrySet()) {
      PodState s = e.getValue();
      if (s.assumed && s.bindingFinished && nowNanos - s.deadlineNanos > 0) {
        expired.add(e.getKey());
      }
    }
    for (String k : expired) {
      PodState s = pods.remove(k);
      removeFromNode(s.pod, s.nodeName);
    }
    return expired.size();
  }

  private void addToNode(PodInfo pod, String nodeName) {
    NodeInfo n = nodes.get(nodeName);
    if (n == null) {
      // The pod's node is not known yet (events arrive out of order across informers): hold it node-less.
      n = new NodeInfo();
      nodes.put(nodeName, n);
    }
    n.addPod(pod);
    dirty.add(nodeName);
  }

  private void removeFromNode(PodInfo pod, String nodeName) {
    NodeInfo n = nodes.get(nodeName);
    if (n == null) {
      return;
    }
    n.removePod(pod);
    if (n.node() == null && n.pods().isEmpty()) {
      nodes.remove(nodeName);
    }
    dirty.add(nodeName);
  }

  // ----------------------------------------------------------------------------------------------------- snapshot

  /**
   * Brings {@code snap} up to date: copies the nodes that changed since the last call (the cache has one
   * scheduling loop, so one dirty set suffices), and rebuilds the lists when nodes came or went.
   */
  public synchronized void updateSnapshot(Snapshot snap) {
    if (dirty.isEmpty() && !nodeSetChanged) {
      return;
    }
    boolean affinityChanged = false;
    for (String name : dirty) {
      NodeInfo live = nodes.get(name);
      NodeInfo old = snap.byName.get(name);
      if (old != null && (!old.podsWithAffinity().isEmpty() || !old.podsWithRequiredAntiAffinity().isEmpty())) {
        affinityChanged = true;
      }
      if (live == null || live.node() == null) {
        if (snap.byName.remove(name) != null) {
          nodeSetChanged = true;
        }
        continue;
      }
      NodeInfo copy = live.snapshotCopy();
      if (!copy.podsWithAffinity().isEmpty() || !copy.podsWithRequiredAntiAffinity().isEmpty()) {
        affinityChanged = true;
      }
      if (snap.byName.put(name, copy) == null) {
        nodeSetChanged = true;
      } else if (!nodeSetChanged) {
        Integer pos = snap.position.get(name);
        if (pos != null) {
          snap.list.set(pos, copy);
        }
      }
    }
    dirty.clear();
    if (nodeSetChanged) {
      List<NodeInfo> list = new ArrayList<>(nodes.size());
      snap.position.clear();
      for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
        NodeInfo s = snap.byName.get(e.getKey());
        if (s != null && e.getValue().node() != null) {
          snap.position.put(e.getKey(), list.size());
          list.add(s);
        }
      }
      snap.list = list;
      nodeSetChanged = false;
      affinityChanged = true;
    }
    if (affinityChanged) {
      snap.rebuildAffinityLists();
    }
  }

  /** A copy of one node's live info (tests and debugging). */
  public synchronized NodeInfo nodeInfo(String name) {
    NodeInfo n = nodes.get(name);
    return n == null ? null : n.snapshotCopy();
  }
}

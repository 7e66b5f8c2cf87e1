package io.quarkube.scheduler.queue;

import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which pending pods were nominated to which node by preemption (from {@code status.nominatedNodeName} or set by
 * this scheduler). Read from filter threads; written by the scheduling loop and informer threads.
 */
public final class Nominator implements PodNominator {
  private final Map<String, List<PodInfo>> byNode = new ConcurrentHashMap<>();
  private final Map<String, String> nodeOfPod = new ConcurrentHashMap<>();

  /** Nominates {@code pod} to {@code nodeName}; a null or empty node (and none in the pod's status) clears it. */
  public synchronized void add(PodInfo pod, String nodeName) {
    delete(pod);
    String node = nodeName;
    if (node == null || node.isEmpty()) {
      node = pod.pod().getStatus() == null ? null : pod.pod().getStatus().getNominatedNodeName();
    }
    if (node == null || node.isEmpty()) {
      return;
    }
    nodeOfPod.put(pod.key(), node);
    byNode.compute(node, (k, l) -> {
      List<PodInfo> n = l == null ? new ArrayList<>() : new ArrayList<>(l);
      n.add(pod);
      return List.copyOf(n);
    });
  }

  public synchronized void delete(PodInfo pod) {
    String node = nodeOfPod.remove(pod.key());
    if (node == null) {
      return;
    }
    byNode.computeIfPresent(node, (k, l) -> {
      List<PodInfo> n = new ArrayList<>(l);
      n.removeIf(p -> p.key().equals(pod.key()));
      return n.isEmpty() ? null : List.copyOf(n);
    });
  }

  /** Updates the pod's info, keeping a nomination this scheduler made unless the new pod says otherwise. */
  public synchronized void update(PodInfo oldPod, PodInfo newPod) {
    String node = nodeOfPod.get(oldPod.key());
    String fromStatus = newPod.pod().getStatus() == null ? null : newPod.pod().getStatus().getNominatedNodeName();
    if (fromStatus != null && !fromStatus.isEmpty()) {
      node = fromStatus;
    }
    delete(oldPod);
    if (node != null) {
      add(newPod, node);
    }
  }

  public String nominatedNode(String podKey) {
    return nodeOfPod.get(podKey);
  }

  @Override
  public List<PodInfo> nominatedPodsForNode(String nodeName) {
    List<PodInfo> l = byNode.get(nodeName);
    return l == null ? List.of() : l;
  }
}

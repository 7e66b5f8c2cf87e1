package io.quarkube.scheduler.cache;

import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.SharedLister;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduling cycle's frozen view of the cluster: copies of the cache's node infos, taken at the start of the
 * cycle and refreshed incrementally (only nodes that changed are copied again). Used by one thread at a time.
 */
public final class Snapshot implements SharedLister {
  final Map<String, NodeInfo> byName = new HashMap<>();
  final Map<String, Integer> position = new HashMap<>();
  List<NodeInfo> list = new ArrayList<>();
  List<NodeInfo> withAffinity = new ArrayList<>();
  List<NodeInfo> withRequiredAntiAffinity = new ArrayList<>();
  long generation;

  public Snapshot() {}

  /** A snapshot of the given node infos (tests, simulations). */
  public static Snapshot of(List<NodeInfo> nodes) {
    Snapshot s = new Snapshot();
    for (NodeInfo n : nodes) {
      s.position.put(n.name(), s.list.size());
      s.byName.put(n.name(), n);
      s.list.add(n);
    }
    s.rebuildAffinityLists();
    return s;
  }

  void rebuildAffinityLists() {
    List<NodeInfo> a = new ArrayList<>();
    List<NodeInfo> r = new ArrayList<>();
    for (NodeInfo n : list) {
      if (!n.podsWithAffinity().isEmpty()) {
        a.add(n);
      }
      if (!n.podsWithRequiredAntiAffinity().isEmpty()) {
        r.add(n);
      }
    }
    withAffinity = a;
    withRequiredAntiAffinity = r;
  }

  @Override
  public List<NodeInfo> nodeInfos() {
    return Collections.unmodifiableList(list);
  }

  @Override
  public List<NodeInfo> havePodsWithAffinity() {
    return withAffinity;
  }

  @Override
  public List<NodeInfo> havePodsWithRequiredAntiAffinity() {
    return withRequiredAntiAffinity;
  }

  @Override
  public NodeInfo get(String nodeName) {
    return byName.get(nodeName);
  }

  public int numNodes() {
    return list.size();
  }
}

package io.quarkube.scheduler.framework;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Why each node was turned down. Nodes not listed have {@link #absentStatus()}: when PreFilter narrowed the node set
 * or rejected the pod, every other node shares one status instead of a map entry each.
 */
public final class NodeToStatus {
  private final Map<String, Status> statuses = new HashMap<>();
  private Status absent = Status.unresolvable("node(s) didn't satisfy plugin(s) [PreFilter]");

  public void set(String node, Status s) {
    statuses.put(node, s);
  }

  public Status get(String node) {
    Status s = statuses.get(node);
    return s == null ? absent : s;
  }

  public Status absentStatus() {
    return absent;
  }

  public void setAbsentStatus(Status s) {
    absent = s;
  }

  public int size() {
    return statuses.size();
  }

  public void forEachExplicit(BiConsumer<String, Status> f) {
    statuses.forEach(f);
  }
}

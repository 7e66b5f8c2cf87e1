package io.quarkube.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The taints the node lifecycle controller owns, and upstream's toleration matching. */
public final class NodeTaints {
  public static final String NOT_READY = "node.kubernetes.io/not-ready";
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  public static final String NO_SCHEDULE = "NoSchedule";
  public static final String NO_EXECUTE = "NoExecute";

  private NodeTaints() {}

  public static Optional<NodeCondition> condition(Node n, String type) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return n.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** "True", "False", "Unknown", or null when the node never said. */
  public static String ready(Node n) {
    return condition(n, "Ready").map(NodeCondition::getStatus).orElse(null);
  }

  public static List<Taint> taints(Node n) {
    return n.getSpec() == null || n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints();
  }

  public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

  /**
   * Upstream's TaintNodesByCondition: a node condition in this state gets the NoSchedule taint named here, so pods
   * that tolerate it (DaemonSet pods do) still schedule and the rest do not.
   */
  private static final Map<String, String> CONDITION_TAINTS = Map.of(
      "MemoryPressure", "node.kubernetes.io/memory-pressure",
      "DiskPressure", "node.kubernetes.io/disk-pressure",
      "PIDPressure", "node.kubernetes.io/pid-pressure",
      "NetworkUnavailable", "node.kubernetes.io/network-unavailable");

  public static boolean isOurs(Taint t) {
    return NOT_READY.equals(t.getKey()) || UNREACHABLE.equals(t.getKey()) || UNSCHEDULABLE.equals(t.getKey())
        || CONDITION_TAINTS.containsValue(t.getKey());
  }

  /**
   * The keys the node should carry with effect NoSchedule: not-ready or unreachable by its Ready condition, one per
   * pressure condition that is True, and unschedulable when it is cordoned ({@code spec.unschedulable}).
   */
  public static Set<String> noScheduleKeys(Node n) {
    Set<String> keys = new TreeSet<>();
    String ready = ready(n);
    if ("False".equals(ready)) {
      keys.add(NOT_READY);
    } else if ("Unknown".equals(ready)) {
      keys.add(UNREACHABLE);
    }
    CONDITION_TAINTS.forEach((type, key) -> {
      if (condition(n, type).map(c -> "True".equals(c.getStatus())).orElse(false)) {
        keys.add(key);
      }
    });
    if (n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable())) {
      keys.add(UNSCHEDULABLE);
    }
    return keys;
  }

  /** Upstream's {@code Toleration.ToleratesTaint}. */
  public static boolean tolerates(Toleration tol, Taint taint) {
    if (tol.getEffect() != null && !tol.getEffect().isEmpty() && !tol.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (tol.getKey() != null && !tol.getKey().isEmpty() && !tol.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = tol.getOperator() == null || tol.getOperator().isEmpty() ? "Equal" : tol.getOperator();
    if ("Exists".equals(op)) {
      return true;
    }
    String a = tol.getValue() == null ? "" : tol.getValue();
    String b = taint.getValue() == null ? "" : taint.getValue();
    return "Equal".equals(op) && a.equals(b);
  }

  public static List<Toleration> tolerations(Pod p) {
    return p.getSpec() == null || p.getSpec().getTolerations() == null ? List.of() : p.getSpec().getTolerations();
  }
}

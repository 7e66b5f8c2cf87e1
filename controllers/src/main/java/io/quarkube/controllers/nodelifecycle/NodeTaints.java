package io.quarkube.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Optional;

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

  public static boolean isOurs(Taint t) {
    return NOT_READY.equals(t.getKey()) || UNREACHABLE.equals(t.getKey());
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

package io.quarkube.controllers.daemonset;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Whether a daemon pod belongs on a node (upstream's {@code NodeShouldRunDaemonPod}): the node name, nodeSelector
 * and required node affinity must match, and every NoSchedule/NoExecute taint must be tolerated for a new pod;
 * an existing pod may stay unless a NoExecute taint is not tolerated.
 */
record Eligibility(boolean shouldRun, boolean shouldContinueRunning) {
  static final Eligibility NO = new Eligibility(false, false);

  /** @param spec the daemon pod's spec as it would be created (default tolerations included) */
  static Eligibility of(PodSpec spec, Node node) {
    String name = node.getMetadata().getName();
    if (spec.getNodeName() != null && !spec.getNodeName().isEmpty() && !spec.getNodeName().equals(name)) {
      return NO;
    }
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (spec.getNodeSelector() != null) {
      for (Map.Entry<String, String> e : spec.getNodeSelector().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return NO;
        }
      }
    }
    NodeSelector required = spec.getAffinity() == null || spec.getAffinity().getNodeAffinity() == null ? null
        : spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required != null && !matches(required, name, labels)) {
      return NO;
    }
    List<Toleration> tolerations = spec.getTolerations() == null ? List.of() : spec.getTolerations();
    boolean fits = true;
    boolean stays = true;
    List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
        : node.getSpec().getTaints();
    for (Taint t : taints) {
      if (!"NoSchedule".equals(t.getEffect()) && !"NoExecute".equals(t.getEffect())) {
        continue;
      }
      if (tolerations.stream().noneMatch(tol -> tolerates(tol, t))) {
        fits = false;
        if ("NoExecute".equals(t.getEffect())) {
          stays = false;
        }
      }
    }
    return new Eligibility(fits, stays);
  }

  /** Terms are ORed; within a term every requirement must hold; an empty term matches nothing. */
  static boolean matches(NodeSelector selector, String nodeName, Map<String, String> labels) {
    if (selector.getNodeSelectorTerms() == null) {
      return false;
    }
    for (NodeSelectorTerm term : selector.getNodeSelectorTerms()) {
      List<NodeSelectorRequirement> exprs = term.getMatchExpressions() == null ? List.of()
          : term.getMatchExpressions();
      List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
      if (exprs.isEmpty() && fields.isEmpty()) {
        continue;
      }
      boolean all = exprs.stream().allMatch(r -> matches(r, labels.get(r.getKey()), labels.containsKey(r.getKey())))
          && fields.stream().allMatch(r -> "metadata.name".equals(r.getKey()) && matches(r, nodeName, true));
      if (all) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(NodeSelectorRequirement r, String value, boolean present) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> present && values.contains(value);
      case "NotIn" -> !present || !values.contains(value);
      case "Exists" -> present;
      case "DoesNotExist" -> !present;
      case "Gt", "Lt" -> present && values.size() == 1 && compare(value, values.get(0), r.getOperator());
      default -> false;
    };
  }

  private static boolean compare(String value, String bound, String op) {
    try {
      long v = Long.parseLong(value);
      long b = Long.parseLong(bound);
      return "Gt".equals(op) ? v > b : v < b;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** core/v1 Toleration.ToleratesTaint. */
  static boolean tolerates(Toleration tol, Taint taint) {
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
    if (tol.getKey() == null || tol.getKey().isEmpty()) {
      return false; // an empty key needs Exists
    }
    String want = tol.getValue() == null ? "" : tol.getValue();
    String have = taint.getValue() == null ? "" : taint.getValue();
    return "Equal".equals(op) && want.equals(have);
  }
}

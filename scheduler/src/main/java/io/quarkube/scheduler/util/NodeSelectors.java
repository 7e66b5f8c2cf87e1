package io.quarkube.scheduler.util;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Node selector terms (component-helpers' nodeaffinity): terms are ORed, the expressions and fields of one term are
 * ANDed; an empty term matches nothing; {@code matchFields} only knows {@code metadata.name}.
 */
public final class NodeSelectors {
  private NodeSelectors() {}

  public static boolean matches(NodeSelector selector, Node node) {
    if (selector == null) {
      return true;
    }
    return matchesAnyTerm(selector.getNodeSelectorTerms(), node);
  }

  public static boolean matchesAnyTerm(List<NodeSelectorTerm> terms, Node node) {
    if (terms == null) {
      return false;
    }
    for (NodeSelectorTerm t : terms) {
      if (matchesTerm(t, node)) {
        return true;
      }
    }
    return false;
  }

  public static boolean matchesTerm(NodeSelectorTerm term, Node node) {
    if (term == null) {
      return false;
    }
    List<NodeSelectorRequirement> exprs = term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields();
    boolean noExprs = exprs == null || exprs.isEmpty();
    boolean noFields = fields == null || fields.isEmpty();
    if (noExprs && noFields) {
      return false;
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    if (!noExprs) {
      for (NodeSelectorRequirement r : exprs) {
        if (!requirement(r).matches(labels)) {
          return false;
        }
      }
    }
    if (!noFields) {
      Map<String, String> nodeFields = Map.of("metadata.name", node.getMetadata().getName());
      for (NodeSelectorRequirement r : fields) {
        if (!"metadata.name".equals(r.getKey())) {
          return false;
        }
        if (!requirement(r).matches(nodeFields)) {
          return false;
        }
      }
    }
    return true;
  }

  private static Selectors.Requirement requirement(NodeSelectorRequirement r) {
    Selectors.Op op = Selectors.Op.parse(r.getOperator());
    if (op == null) {
      // An unknown operator can never match: use a requirement that is always false.
      return new Selectors.Requirement(r.getKey(), Selectors.Op.IN, java.util.Set.of());
    }
    return new Selectors.Requirement(r.getKey(), op, r.getValues() == null ? java.util.Set.of()
        : new HashSet<>(r.getValues()));
  }
}

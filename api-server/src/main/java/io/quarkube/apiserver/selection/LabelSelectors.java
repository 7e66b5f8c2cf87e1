package io.quarkube.apiserver.selection;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A structured {@code metav1.LabelSelector} (matchLabels and matchExpressions) applied to labels, as workload
 * selectors, PodDisruptionBudgets and ClusterRole aggregation use it. The string form that list requests carry
 * is parsed by {@link io.quarkube.apiserver.selection.LabelSelector}.
 */
public final class LabelSelectors {
  private LabelSelectors() {}

  /** Whether {@code selector} selects {@code labels}; an empty selector selects everything. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!Objects.equals(l.get(e.getKey()), e.getValue())) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String v = l.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok = switch (r.getOperator()) {
          case "In" -> v != null && values.contains(v);
          case "NotIn" -> v == null || !values.contains(v);
          case "Exists" -> v != null;
          case "DoesNotExist" -> v == null;
          default -> false;
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether the selector has any requirement at all. */
  public static boolean isEmpty(LabelSelector selector) {
    return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
  }
}

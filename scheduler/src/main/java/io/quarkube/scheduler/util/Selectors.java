package io.quarkube.scheduler.util;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Label selectors compiled once into matchers (metav1.LabelSelectorAsSelector): a {@code null} selector selects
 * nothing, an empty one selects everything.
 */
public final class Selectors {
  private Selectors() {}

  /** A compiled label selector. */
  public interface Matcher {
    boolean matches(Map<String, String> labels);

    /** True when this matcher selects every set of labels (an empty selector). */
    default boolean isEverything() {
      return false;
    }
  }

  public static final Matcher NOTHING = labels -> false;
  public static final Matcher EVERYTHING = new Matcher() {
    @Override
    public boolean matches(Map<String, String> labels) {
      return true;
    }

    @Override
    public boolean isEverything() {
      return true;
    }
  };

  /** Compiles a metav1.LabelSelector; unknown operators select nothing (upstream rejects them as invalid). */
  public static Matcher compile(LabelSelector selector) {
    if (selector == null) {
      return NOTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        reqs.add(new Requirement(e.getKey(), Op.IN, Set.of(e.getValue())));
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        Op op = Op.parse(r.getOperator());
        if (op == null) {
          return NOTHING;
        }
        reqs.add(new Requirement(r.getKey(), op, r.getValues() == null ? Set.of() : new HashSet<>(r.getValues())));
      }
    }
    if (reqs.isEmpty()) {
      return EVERYTHING;
    }
    return labels -> {
      for (Requirement r : reqs) {
        if (!r.matches(labels)) {
          return false;
        }
      }
      return true;
    };
  }

  /** Selects labels that contain every entry of {@code map} (a Service's selector); empty or null selects nothing. */
  public static Matcher fromMap(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return NOTHING;
    }
    Map<String, String> copy = Map.copyOf(map);
    return labels -> {
      if (labels == null) {
        return false;
      }
      for (Map.Entry<String, String> e : copy.entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    };
  }

  /** Label selector operators (also the node selector operators, Gt and Lt). */
  public enum Op {
    IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GT, LT;

    public static Op parse(String s) {
      if (s == null) {
        return null;
      }
      return switch (s) {
        case "In" -> IN;
        case "NotIn" -> NOT_IN;
        case "Exists" -> EXISTS;
        case "DoesNotExist" -> DOES_NOT_EXIST;
        case "Gt" -> GT;
        case "Lt" -> LT;
        default -> null;
      };
    }
  }

  /** One requirement: key, operator, values. */
  public record Requirement(String key, Op op, Set<String> values) {
    public boolean matches(Map<String, String> labels) {
      String v = labels == null ? null : labels.get(key);
      switch (op) {
        case IN:
          return v != null && values.contains(v);
        case NOT_IN:
          return v == null || !values.contains(v);
        case EXISTS:
          return v != null;
        case DOES_NOT_EXIST:
          return v == null;
        case GT:
        case LT:
          if (v == null || values.size() != 1) {
            return false;
          }
          try {
            long have = Long.parseLong(v);
            long want = Long.parseLong(values.iterator().next());
            return op == Op.GT ? have > want : have < want;
          } catch (NumberFormatException e) {
            return false;
          }
        default:
          return false;
      }
    }
  }
}

package io.quarkube.apiserver.admission.policy;

import io.quarkube.apiserver.admission.cel.CelEvaluationException;
import io.quarkube.apiserver.admission.cel.CostBudget;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code variables} of one evaluation: each is computed when an expression first reads it and then kept, as
 * upstream's composition evaluates variables lazily and once. A failing variable fails every expression reading
 * it, with upstream's "composited variable ... fails to evaluate" error.
 */
final class LazyVariables extends AbstractMap<String, Object> {
  private final Map<String, CompiledPolicy.Named> byName = new HashMap<>();
  private final Map<String, Object> values = new HashMap<>();
  private final Map<String, RuntimeException> failures = new HashMap<>();
  private final CostBudget budget;
  private Map<String, Object> activation;

  LazyVariables(List<CompiledPolicy.Named> variables, CostBudget budget) {
    variables.forEach(v -> byName.put(v.name(), v));
    this.budget = budget;
  }

  /** The activation the variables are evaluated in (it holds this map as {@code variables}). */
  void bind(Map<String, Object> activation) {
    this.activation = activation;
  }

  @Override
  public boolean containsKey(Object key) {
    return byName.containsKey(key);
  }

  @Override
  public Object get(Object key) {
    CompiledPolicy.Named v = byName.get(key);
    if (v == null) {
      return null;
    }
    String name = (String) key;
    if (values.containsKey(name)) {
      return values.get(name);
    }
    if (failures.containsKey(name)) {
      throw failures.get(name);
    }
    try {
      if (v.expression() == null) {
        throw new IllegalStateException("variable does not compile");
      }
      Object value = v.expression().evaluate(activation, budget);
      values.put(name, value);
      return value;
    } catch (CelEvaluationException | IllegalStateException e) {
      RuntimeException failure = new IllegalStateException("composited variable \"" + name
          + "\" fails to evaluate: " + e.getMessage());
      failures.put(name, failure);
      throw failure;
    }
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    // Expressions that use the map whole (size, iteration) evaluate every variable.
    Map<String, Object> all = new HashMap<>();
    byName.keySet().forEach(k -> all.put(k, get(k)));
    return all.entrySet();
  }
}

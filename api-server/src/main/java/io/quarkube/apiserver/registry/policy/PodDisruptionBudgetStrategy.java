package io.quarkube.apiserver.registry.policy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.List;

/**
 * policy/v1 PodDisruptionBudgets: spec changes bump {@code generation} (the eviction API refuses while the
 * disruption controller has not observed the current one), and the budget is one of minAvailable / maxUnavailable.
 */
public final class PodDisruptionBudgetStrategy implements Strategy<PodDisruptionBudget> {
  private static final List<String> POLICIES = List.of("IfHealthyBudget", "AlwaysAllow");

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public List<FieldError> validate(PodDisruptionBudget pdb) {
    List<FieldError> errors = new ArrayList<>();
    var spec = pdb.getSpec();
    if (spec == null) {
      return errors;
    }
    if (spec.getMinAvailable() != null && spec.getMaxUnavailable() != null) {
      errors.add(FieldError.invalid("spec", "", "minAvailable and maxUnavailable cannot be both set"));
    }
    amount("spec.minAvailable", spec.getMinAvailable(), errors);
    amount("spec.maxUnavailable", spec.getMaxUnavailable(), errors);
    if (spec.getUnhealthyPodEvictionPolicy() != null && !POLICIES.contains(spec.getUnhealthyPodEvictionPolicy())) {
      errors.add(FieldError.notSupported("spec.unhealthyPodEvictionPolicy", spec.getUnhealthyPodEvictionPolicy(),
          POLICIES));
    }
    return errors;
  }

  /** A non-negative int or a percentage from 0% to 100%, as upstream's ValidatePositiveIntOrPercent + IsNotMoreThan100Percent. */
  private static void amount(String field, IntOrString v, List<FieldError> errors) {
    if (v == null) {
      return;
    }
    if (v.getIntVal() != null) {
      if (v.getIntVal() < 0) {
        errors.add(FieldError.invalid(field, v.getIntVal(), "must be greater than or equal to 0"));
      }
      return;
    }
    String s = v.getStrVal();
    if (s == null || !s.matches("[0-9]+%")) {
      errors.add(FieldError.invalid(field, s, "a valid percent string must be a numeric string followed by an ending "
          + "'%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
    } else if (Integer.parseInt(s.substring(0, s.length() - 1)) > 100) {
      errors.add(FieldError.invalid(field, s, "must not be greater than 100%"));
    }
  }
}

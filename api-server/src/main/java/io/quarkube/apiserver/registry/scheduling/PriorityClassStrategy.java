package io.quarkube.apiserver.registry.scheduling;

import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * scheduling.k8s.io/v1 PriorityClasses, after upstream's {@code pkg/apis/scheduling/validation}: a missing value is
 * 0 and a missing preemptionPolicy PreemptLowerPriority (upstream's defaults); names starting with {@code system-}
 * are only the two system classes with their exact value; other classes stay at or below 1,000,000,000; value and
 * preemptionPolicy never change (pods already carry the priority they were admitted with).
 */
public final class PriorityClassStrategy implements Strategy<PriorityClass> {
  static final String SYSTEM_PREFIX = "system-";
  static final int HIGHEST_USER_DEFINABLE = 1_000_000_000;
  static final List<String> PREEMPTION_POLICIES = List.of("Never", "PreemptLowerPriority");
  /** Upstream's SystemPriorityClasses: name → value (neither is a global default). */
  static final Map<String, Integer> SYSTEM_CLASSES = Map.of(
      "system-node-critical", 2_000_001_000,
      "system-cluster-critical", 2_000_000_000);

  @Override
  public void prepareForCreate(PriorityClass pc) {
    defaults(pc);
  }

  @Override
  public void prepareForUpdate(PriorityClass pc, PriorityClass old) {
    defaults(pc);
  }

  private static void defaults(PriorityClass pc) {
    if (pc.getValue() == null) {
      pc.setValue(0);
    }
    if (pc.getPreemptionPolicy() == null) {
      pc.setPreemptionPolicy("PreemptLowerPriority");
    }
  }

  @Override
  public List<FieldError> validate(PriorityClass pc) {
    List<FieldError> errors = new ArrayList<>();
    String name = pc.getMetadata() == null ? "" : Objects.toString(pc.getMetadata().getName(), "");
    int value = pc.getValue() == null ? 0 : pc.getValue();
    if (name.startsWith(SYSTEM_PREFIX)) {
      String wrong = systemClassError(name, value, Boolean.TRUE.equals(pc.getGlobalDefault()));
      if (wrong != null) {
        errors.add(FieldError.forbidden("metadata.name", "priority class names with '" + SYSTEM_PREFIX
            + "' prefix are reserved for system use only. error: " + wrong));
      }
    } else if (value > HIGHEST_USER_DEFINABLE) {
      errors.add(FieldError.forbidden("value", "maximum allowed value of a user defined priority is "
          + HIGHEST_USER_DEFINABLE));
    }
    String policy = pc.getPreemptionPolicy();
    if (policy != null && !PREEMPTION_POLICIES.contains(policy)) {
      errors.add(FieldError.notSupported("preemptionPolicy", policy, PREEMPTION_POLICIES));
    }
    return errors;
  }

  /** Upstream's IsKnownSystemPriorityClass: null when the name, value and globalDefault are a system class's. */
  private static String systemClassError(String name, int value, boolean globalDefault) {
    Integer expected = SYSTEM_CLASSES.get(name);
    if (expected == null) {
      return name + " is not a known system priority class";
    }
    if (expected != value) {
      return "value of " + name + " PriorityClass must be " + expected;
    }
    if (globalDefault) {
      return "globalDefault of " + name + " PriorityClass must be false";
    }
    return null;
  }

  @Override
  public List<FieldError> validateUpdate(PriorityClass pc, PriorityClass old) {
    // Upstream's ValidatePriorityClassUpdate checks only what may not change.
    List<FieldError> errors = new ArrayList<>();
    if (!Objects.equals(valueOf(pc), valueOf(old))) {
      errors.add(FieldError.forbidden("value", "may not be changed in an update."));
    }
    if (!Objects.equals(pc.getPreemptionPolicy(), old.getPreemptionPolicy())) {
      errors.add(FieldError.invalid("preemptionPolicy", pc.getPreemptionPolicy(), "field is immutable"));
    }
    return errors;
  }

  private static int valueOf(PriorityClass pc) {
    return pc.getValue() == null ? 0 : pc.getValue();
  }
}

package io.quarkube.apiserver.registry.node;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.validation.Validation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * node.k8s.io/v1 RuntimeClasses, after upstream's {@code pkg/apis/node/validation}: the handler is a DNS-1123 label
 * and never changes; {@code overhead.podFixed} is checked as a container's limits are; {@code scheduling} holds
 * valid labels and valid, distinct tolerations.
 */
public final class RuntimeClassStrategy implements Strategy<RuntimeClass> {
  static final List<String> TOLERATION_OPERATORS = List.of("Equal", "Exists");
  static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
  private static final Set<String> STANDARD_CONTAINER_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage");

  @Override
  public List<FieldError> validate(RuntimeClass rc) {
    List<FieldError> errors = new ArrayList<>();
    String handler = Objects.toString(rc.getHandler(), "");
    if (!Validation.isDns1123Label(handler)) {
      errors.add(FieldError.invalid("handler", handler, handler.length() > 63
          ? "must be no more than 63 characters" : Validation.DNS1123_LABEL_MESSAGE));
    }
    if (rc.getOverhead() != null && rc.getOverhead().getPodFixed() != null) {
      validateOverhead(rc.getOverhead().getPodFixed(), errors);
    }
    if (rc.getScheduling() != null) {
      Map<String, String> selector = rc.getScheduling().getNodeSelector();
      if (selector != null) {
        selector.forEach((k, v) -> {
          if (!Validation.isQualifiedName(k)) {
            errors.add(FieldError.invalid("scheduling.nodeSelector", k, Validation.QUALIFIED_NAME_MESSAGE));
          }
          if (!Validation.isLabelValue(v)) {
            errors.add(FieldError.invalid("scheduling.nodeSelector", v, Validation.LABEL_VALUE_MESSAGE));
          }
        });
      }
      validateTolerations(rc.getScheduling().getTolerations(), "scheduling.tolerations", errors);
    }
    return errors;
  }

  @Override
  public List<FieldError> validateUpdate(RuntimeClass rc, RuntimeClass old) {
    // Upstream's ValidateRuntimeClassUpdate checks metadata and the handler alone.
    List<FieldError> errors = new ArrayList<>();
    if (!Objects.equals(rc.getHandler(), old.getHandler())) {
      errors.add(FieldError.invalid("handler", rc.getHandler(), "field is immutable"));
    }
    return errors;
  }

  /** Upstream reuses the container limits' rules, with their path ({@code overhead.limits[cpu]}). */
  static void validateOverhead(Map<String, Quantity> podFixed, List<FieldError> errors) {
    podFixed.forEach((name, q) -> {
      String path = "overhead.limits[" + name + "]";
      if (!Validation.isQualifiedName(name)) {
        errors.add(FieldError.invalid(path, name, Validation.QUALIFIED_NAME_MESSAGE));
      } else if (!name.contains("/") && !STANDARD_CONTAINER_RESOURCES.contains(name)
          && !name.startsWith("hugepages-")) {
        errors.add(FieldError.invalid(path, name, "must be a standard resource for containers"));
      }
      BigDecimal v = amount(q);
      if (v == null) {
        errors.add(FieldError.invalid(path, q == null ? "" : q.toString(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      } else if (v.signum() < 0) {
        errors.add(FieldError.invalid(path, q.toString(), "must be greater than or equal to 0"));
      }
    });
  }

  private static BigDecimal amount(Quantity q) {
    try {
      return q == null || q.getAmount() == null ? null : Quantity.getAmountInBytes(q);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Upstream's ValidateTolerations, then each (key, operator, value, effect) at most once. */
  static void validateTolerations(List<Toleration> tolerations, String path, List<FieldError> errors) {
    if (tolerations == null) {
      return;
    }
    Set<List<String>> seen = new HashSet<>();
    for (int i = 0; i < tolerations.size(); i++) {
      Toleration t = tolerations.get(i);
      String at = path + "[" + i + "]";
      String key = Objects.toString(t.getKey(), "");
      String operator = Objects.toString(t.getOperator(), "");
      String value = Objects.toString(t.getValue(), "");
      String effect = Objects.toString(t.getEffect(), "");
      if (!key.isEmpty() && !Validation.isQualifiedName(key)) {
        errors.add(FieldError.invalid(at + ".key", key, Validation.QUALIFIED_NAME_MESSAGE));
      }
      if (key.isEmpty() && !operator.equals("Exists")) {
        errors.add(FieldError.invalid(at + ".operator", operator,
            "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
      }
      if (t.getTolerationSeconds() != null && !effect.equals("NoExecute")) {
        errors.add(FieldError.invalid(at + ".effect", effect,
            "effect must be 'NoExecute' when `tolerationSeconds` is set"));
      }
      switch (operator) {
        case "Equal", "" -> {
          if (!Validation.isLabelValue(value)) {
            errors.add(FieldError.invalid(at + ".operator", value, Validation.LABEL_VALUE_MESSAGE));
          }
        }
        case "Exists" -> {
          if (!value.isEmpty()) {
            errors.add(FieldError.invalid(at + ".operator", value, "value must be empty when `operator` is 'Exists'"));
          }
        }
        default -> errors.add(FieldError.notSupported(at + ".operator", operator, TOLERATION_OPERATORS));
      }
      if (!effect.isEmpty() && !TAINT_EFFECTS.contains(effect)) {
        errors.add(FieldError.notSupported(at + ".effect", effect, TAINT_EFFECTS));
      }
      if (!seen.add(List.of(key, operator, value, effect))) {
        errors.add(FieldError.duplicate(at, t));
      }
    }
  }
}

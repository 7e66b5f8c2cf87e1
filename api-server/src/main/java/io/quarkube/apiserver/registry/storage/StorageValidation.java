package io.quarkube.apiserver.registry.storage;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.validation.Validation;
import java.math.BigDecimal;
import java.util.List;

/** Rules the storage.k8s.io strategies share (upstream's apivalidation helpers they call). */
final class StorageValidation {
  private StorageValidation() {}

  /**
   * A CSI driver's name (upstream's ValidateCSIDriverName: at most 63 characters, a DNS subdomain once lower-cased,
   * so {@code Example.com} passes).
   */
  static void csiDriverName(String name, String path, List<FieldError> errors) {
    if (name.isEmpty()) {
      errors.add(FieldError.required(path, ""));
      return;
    }
    if (name.length() > 63) {
      errors.add(new FieldError(FieldError.Type.TOO_LONG, path, name, "may not be more than 63 bytes"));
    }
    if (!Validation.isDns1123Subdomain(name.toLowerCase(java.util.Locale.ROOT))) {
      errors.add(FieldError.invalid(path, name, Validation.DNS1123_SUBDOMAIN_MESSAGE));
    }
  }

  /** Upstream's metav1validation.ValidateLabelSelector. */
  static void labelSelector(LabelSelector selector, String path, List<FieldError> errors) {
    if (selector == null) {
      return;
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (int i = 0; i < expressions.size(); i++) {
        LabelSelectorRequirement r = expressions.get(i);
        String at = path + ".matchExpressions[" + i + "]";
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        String op = r.getOperator() == null ? "" : r.getOperator();
        switch (op) {
          case "In", "NotIn" -> {
            if (values.isEmpty()) {
              errors.add(FieldError.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
            }
          }
          case "Exists", "DoesNotExist" -> {
            if (!values.isEmpty()) {
              errors.add(FieldError.forbidden(at + ".values",
                  "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
            }
          }
          default -> errors.add(FieldError.invalid(at + ".operator", op, "not a valid selector operator"));
        }
        String key = r.getKey() == null ? "" : r.getKey();
        if (!Validation.isQualifiedName(key)) {
          errors.add(FieldError.invalid(at + ".key", key, Validation.QUALIFIED_NAME_MESSAGE));
        }
        for (int j = 0; j < values.size(); j++) {
          if (!Validation.isLabelValue(values.get(j))) {
            errors.add(FieldError.invalid(at + ".values[" + j + "]", values.get(j), Validation.LABEL_VALUE_MESSAGE));
          }
        }
      }
    }
    if (selector.getMatchLabels() != null) {
      selector.getMatchLabels().forEach((k, v) -> {
        if (!Validation.isQualifiedName(k)) {
          errors.add(FieldError.invalid(path + ".matchLabels", k, Validation.QUALIFIED_NAME_MESSAGE));
        }
        if (!Validation.isLabelValue(v)) {
          errors.add(FieldError.invalid(path + ".matchLabels", v, Validation.LABEL_VALUE_MESSAGE));
        }
      });
    }
  }

  /** Upstream's ValidateNonnegativeQuantity. */
  static void nonNegative(Quantity q, String path, List<FieldError> errors) {
    BigDecimal amount;
    try {
      amount = q.getAmount() == null ? null : Quantity.getAmountInBytes(q);
    } catch (RuntimeException e) {
      amount = null;
    }
    if (amount == null) {
      errors.add(FieldError.invalid(path, q.toString(),
          "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    } else if (amount.signum() < 0) {
      errors.add(FieldError.invalid(path, q.toString(), "must be greater than or equal to 0"));
    }
  }
}

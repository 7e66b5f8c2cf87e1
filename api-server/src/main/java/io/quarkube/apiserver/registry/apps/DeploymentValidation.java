package io.quarkube.apiserver.registry.apps;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.validation.GoSyntax;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Upstream's ValidateDeploymentSpec rules beyond selector and template (pkg/apis/apps/validation), with its messages:
 * the strategy, its rolling-update bounds and the non-negative counters.
 */
final class DeploymentValidation {
  private static final Pattern PERCENT = Pattern.compile("[0-9]+%");
  private static final String PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an "
      + "ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
  private static final String NON_NEGATIVE = "must be greater than or equal to 0";

  private DeploymentValidation() {}

  static void validate(DeploymentSpec spec, List<FieldError> errors) {
    strategy(spec.getStrategy(), errors);
    int minReady = spec.getMinReadySeconds() == null ? 0 : spec.getMinReadySeconds();
    if (minReady < 0) {
      errors.add(FieldError.invalid("spec.minReadySeconds", minReady, NON_NEGATIVE));
    }
    if (spec.getRevisionHistoryLimit() != null && spec.getRevisionHistoryLimit() < 0) {
      errors.add(FieldError.invalid("spec.revisionHistoryLimit", spec.getRevisionHistoryLimit(), NON_NEGATIVE));
    }
    Integer deadline = spec.getProgressDeadlineSeconds();
    if (deadline != null) {
      if (deadline < 0) {
        errors.add(FieldError.invalid("spec.progressDeadlineSeconds", deadline, NON_NEGATIVE));
      }
      if (deadline <= minReady) {
        errors.add(FieldError.invalid("spec.progressDeadlineSeconds", deadline,
            "must be greater than minReadySeconds"));
      }
    }
  }

  /** Pods of Deployments and ReplicaSets run until replaced: they must restart always. */
  static void restartsAlways(PodTemplateSpec template, List<FieldError> errors) {
    String policy = template == null || template.getSpec() == null ? null : template.getSpec().getRestartPolicy();
    if (policy != null && !"Always".equals(policy)) {
      errors.add(FieldError.notSupported("spec.template.spec.restartPolicy", policy, List.of("Always")));
    }
  }

  private static void strategy(DeploymentStrategy strategy, List<FieldError> errors) {
    String type = strategy == null ? "" : String.valueOf(strategy.getType());
    RollingUpdateDeployment rolling = strategy == null ? null : strategy.getRollingUpdate();
    switch (type) {
      case "Recreate" -> {
        if (rolling != null) {
          errors.add(FieldError.forbidden("spec.strategy.rollingUpdate",
              "may not be specified when strategy `type` is 'Recreate'"));
        }
      }
      case "RollingUpdate" -> {
        if (rolling == null) {
          errors.add(FieldError.required("spec.strategy.rollingUpdate",
              "this should be defaulted and never be nil"));
        } else {
          rollingUpdate(rolling, errors);
        }
      }
      default -> errors.add(new FieldError(FieldError.Type.NOT_SUPPORTED, "spec.strategy",
          new GoSyntax.Value("apps.DeploymentStrategy{Type:\"" + (strategy == null ? "" : type)
              + "\", RollingUpdate:(*apps.RollingUpdateDeployment)(" + (rolling == null ? "nil" : "0xc000000000")
              + ")}"),
          "supported values: \"Recreate\", \"RollingUpdate\""));
    }
  }

  private static void rollingUpdate(RollingUpdateDeployment rolling, List<FieldError> errors) {
    String unavailablePath = "spec.strategy.rollingUpdate.maxUnavailable";
    positiveIntOrPercent(rolling.getMaxUnavailable(), unavailablePath, errors);
    positiveIntOrPercent(rolling.getMaxSurge(), "spec.strategy.rollingUpdate.maxSurge", errors);
    if (value(rolling.getMaxUnavailable()) == 0 && value(rolling.getMaxSurge()) == 0) {
      // Neither a pod less nor a pod more: a rollout could never make progress.
      errors.add(FieldError.invalid(unavailablePath, goValue(rolling.getMaxUnavailable()),
          "may not be 0 when `maxSurge` is 0"));
    }
    IntOrString unavailable = rolling.getMaxUnavailable();
    if (unavailable != null && unavailable.getStrVal() != null && PERCENT.matcher(unavailable.getStrVal()).matches()
        && value(unavailable) > 100) {
      errors.add(FieldError.invalid(unavailablePath, goValue(unavailable), "must not be greater than 100%"));
    }
  }

  private static void positiveIntOrPercent(IntOrString v, String path, List<FieldError> errors) {
    if (v == null) {
      return;
    }
    if (v.getStrVal() != null) {
      if (!PERCENT.matcher(v.getStrVal()).matches()) {
        errors.add(FieldError.invalid(path, goValue(v), PERCENT_MESSAGE));
      }
    } else if (v.getIntVal() != null && v.getIntVal() < 0) {
      errors.add(FieldError.invalid(path, v.getIntVal(), NON_NEGATIVE));
    }
  }

  /** The number of an int or a valid percent (its digits); anything else counts as not 0, as upstream's does. */
  private static long value(IntOrString v) {
    if (v == null) {
      return 0;
    }
    if (v.getStrVal() == null) {
      return v.getIntVal() == null ? 0 : v.getIntVal();
    }
    if (!PERCENT.matcher(v.getStrVal()).matches()) {
      return -1;
    }
    try {
      return Long.parseLong(v.getStrVal().substring(0, v.getStrVal().length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** An IntOrString as Go's %#v prints it. */
  private static GoSyntax.Value goValue(IntOrString v) {
    if (v == null) {
      return new GoSyntax.Value("intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}");
    }
    if (v.getStrVal() != null) {
      return new GoSyntax.Value("intstr.IntOrString{Type:1, IntVal:0, StrVal:\"" + v.getStrVal() + "\"}");
    }
    return new GoSyntax.Value("intstr.IntOrString{Type:0, IntVal:" + (v.getIntVal() == null ? 0 : v.getIntVal())
        + ", StrVal:\"\"}");
  }
}

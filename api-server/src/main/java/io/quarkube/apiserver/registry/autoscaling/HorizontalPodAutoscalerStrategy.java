package io.quarkube.apiserver.registry.autoscaling;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricIdentifier;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricSource;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.validation.Validation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * autoscaling/v2 HorizontalPodAutoscalers (the storage version; autoscaling/v1 objects are converted to it, see
 * {@link HorizontalPodAutoscalerConversion}), after upstream's {@code pkg/apis/autoscaling/v2/defaults.go} and
 * {@code pkg/apis/autoscaling/validation}: minReplicas defaults to 1, no metrics to a cpu Utilization 80 % metric, a
 * given behavior has its unset rules filled with upstream's defaults (a missing behavior stays missing: the controller
 * applies the same defaults); the target reference, replica bounds, metrics and behavior are validated.
 */
public final class HorizontalPodAutoscalerStrategy implements Strategy<HorizontalPodAutoscaler> {
  /** Upstream's {@code DefaultCPUUtilization}. */
  public static final int DEFAULT_CPU_UTILIZATION = 80;
  static final List<String> METRIC_TYPES = List.of("Object", "Pods", "Resource", "ContainerResource", "External");
  static final List<String> TARGET_TYPES = List.of("Utilization", "Value", "AverageValue");
  static final List<String> SELECT_POLICIES = List.of("Max", "Min", "Disabled");
  static final List<String> POLICY_TYPES = List.of("Pods", "Percent");
  private static final int MAX_PERIOD_SECONDS = 1800;
  private static final int MAX_STABILIZATION_WINDOW_SECONDS = 3600;

  @Override
  public void prepareForCreate(HorizontalPodAutoscaler hpa) {
    applyDefaults(hpa);
  }

  @Override
  public void prepareForUpdate(HorizontalPodAutoscaler hpa, HorizontalPodAutoscaler old) {
    applyDefaults(hpa);
  }

  /** Upstream's {@code SetDefaults_HorizontalPodAutoscaler}. */
  public static void applyDefaults(HorizontalPodAutoscaler hpa) {
    HorizontalPodAutoscalerSpec spec = hpa.getSpec();
    if (spec == null) {
      spec = new HorizontalPodAutoscalerSpec();
      hpa.setSpec(spec);
    }
    if (spec.getMinReplicas() == null) {
      spec.setMinReplicas(1);
    }
    if (spec.getMetrics() == null || spec.getMetrics().isEmpty()) {
      spec.setMetrics(new ArrayList<>(List.of(cpuUtilization(DEFAULT_CPU_UTILIZATION))));
    }
    HorizontalPodAutoscalerBehavior behavior = spec.getBehavior();
    if (behavior != null) {
      behavior.setScaleUp(withDefaults(behavior.getScaleUp(), defaultScaleUp()));
      behavior.setScaleDown(withDefaults(behavior.getScaleDown(), defaultScaleDown()));
    }
  }

  /** A Resource cpu metric with a Utilization target. */
  public static MetricSpec cpuUtilization(int percent) {
    MetricSpec m = new MetricSpec();
    m.setType("Resource");
    MetricTarget target = new MetricTarget();
    target.setType("Utilization");
    target.setAverageUtilization(percent);
    m.setResource(new ResourceMetricSource("cpu", target));
    return m;
  }

  /** Upstream's default scale-up rules: no stabilization, the larger of +100 % and +4 pods per 15 s. */
  public static HPAScalingRules defaultScaleUp() {
    HPAScalingRules r = new HPAScalingRules();
    r.setStabilizationWindowSeconds(0);
    r.setSelectPolicy("Max");
    r.setPolicies(new ArrayList<>(List.of(new HPAScalingPolicy(15, "Pods", 4),
        new HPAScalingPolicy(15, "Percent", 100))));
    return r;
  }

  /** Upstream's default scale-down rules: a 300 s stabilization window, -100 % per 15 s. */
  public static HPAScalingRules defaultScaleDown() {
    HPAScalingRules r = new HPAScalingRules();
    r.setStabilizationWindowSeconds(300);
    r.setSelectPolicy("Max");
    r.setPolicies(new ArrayList<>(List.of(new HPAScalingPolicy(15, "Percent", 100))));
    return r;
  }

  /** Upstream's {@code GenerateHPAScale{Up,Down}Rules}: each unset field of {@code rules} from the defaults. */
  public static HPAScalingRules withDefaults(HPAScalingRules rules, HPAScalingRules defaults) {
    if (rules == null) {
      return defaults;
    }
    if (rules.getStabilizationWindowSeconds() == null) {
      rules.setStabilizationWindowSeconds(defaults.getStabilizationWindowSeconds());
    }
    if (rules.getSelectPolicy() == null) {
      rules.setSelectPolicy(defaults.getSelectPolicy());
    }
    if (rules.getPolicies() == null || rules.getPolicies().isEmpty()) {
      rules.setPolicies(defaults.getPolicies());
    }
    return rules;
  }

  @Override
  public List<FieldError> validate(HorizontalPodAutoscaler hpa) {
    List<FieldError> errors = new ArrayList<>();
    HorizontalPodAutoscalerSpec spec = hpa.getSpec();
    if (spec == null) {
      errors.add(FieldError.required("spec.scaleTargetRef.kind", ""));
      return errors;
    }
    validateScaleTargetRef(spec, errors);
    Integer min = spec.getMinReplicas();
    if (min != null && min < 1) {
      errors.add(FieldError.invalid("spec.minReplicas", min, "must be greater than or equal to 1"));
    }
    int max = spec.getMaxReplicas() == null ? 0 : spec.getMaxReplicas();
    if (max < 1) {
      errors.add(FieldError.invalid("spec.maxReplicas", max, "must be greater than 0"));
    }
    if (min != null && max < min) {
      errors.add(FieldError.invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
    }
    List<MetricSpec> metrics = spec.getMetrics() == null ? List.of() : spec.getMetrics();
    for (int i = 0; i < metrics.size(); i++) {
      validateMetric(metrics.get(i), "spec.metrics[" + i + "]", errors);
    }
    if (spec.getBehavior() != null) {
      validateRules(spec.getBehavior().getScaleUp(), "spec.behavior.scaleUp", errors);
      validateRules(spec.getBehavior().getScaleDown(), "spec.behavior.scaleDown", errors);
    }
    return errors;
  }

  private static void validateScaleTargetRef(HorizontalPodAutoscalerSpec spec, List<FieldError> errors) {
    var ref = spec.getScaleTargetRef();
    String kind = ref == null ? "" : Objects.toString(ref.getKind(), "");
    String name = ref == null ? "" : Objects.toString(ref.getName(), "");
    if (kind.isEmpty()) {
      errors.add(FieldError.required("spec.scaleTargetRef.kind", ""));
    } else if (pathSegmentProblem(kind) != null) {
      errors.add(FieldError.invalid("spec.scaleTargetRef.kind", kind, pathSegmentProblem(kind)));
    }
    if (name.isEmpty()) {
      errors.add(FieldError.required("spec.scaleTargetRef.name", ""));
    } else if (pathSegmentProblem(name) != null) {
      errors.add(FieldError.invalid("spec.scaleTargetRef.name", name, pathSegmentProblem(name)));
    }
  }

  private static void validateMetric(MetricSpec m, String path, List<FieldError> errors) {
    String type = Objects.toString(m.getType(), "");
    if (type.isEmpty()) {
      errors.add(FieldError.required(path + ".type", "must specify a metric source type"));
    } else if (!METRIC_TYPES.contains(type)) {
      errors.add(FieldError.notSupported(path + ".type", type, METRIC_TYPES));
    }
    int populated = 0;
    String populatedType = null;
    if (m.getObject() != null) {
      populated++;
      populatedType = "Object";
    }
    if (m.getPods() != null) {
      populated++;
      populatedType = "Pods";
    }
    if (m.getResource() != null) {
      populated++;
      populatedType = "Resource";
    }
    if (m.getContainerResource() != null) {
      populated++;
      populatedType = "ContainerResource";
    }
    if (m.getExternal() != null) {
      populated++;
      populatedType = "External";
    }
    if (populated > 1 || (populated == 1 && !type.isEmpty() && !type.equals(populatedType))) {
      errors.add(FieldError.forbidden(path, "must populate the given metric source only"));
    }
    switch (type) {
      case "Resource" -> {
        if (m.getResource() == null) {
          errors.add(FieldError.required(path + ".resource", "must populate information for the given metric source"));
        } else {
          validateResourceSource(m.getResource().getName(), m.getResource().getTarget(), path + ".resource", errors);
        }
      }
      case "ContainerResource" -> {
        if (m.getContainerResource() == null) {
          errors.add(FieldError.required(path + ".containerResource",
              "must populate information for the given metric source"));
        } else {
          String cpath = path + ".containerResource";
          String container = Objects.toString(m.getContainerResource().getContainer(), "");
          if (container.isEmpty()) {
            errors.add(FieldError.required(cpath + ".container", "must specify a container"));
          } else if (!Validation.isDns1123Label(container)) {
            errors.add(FieldError.invalid(cpath + ".container", container, Validation.DNS1123_LABEL_MESSAGE));
          }
          validateResourceSource(m.getContainerResource().getName(), m.getContainerResource().getTarget(), cpath,
              errors);
        }
      }
      case "Pods" -> {
        if (m.getPods() == null) {
          errors.add(FieldError.required(path + ".pods", "must populate information for the given metric source"));
        } else {
          validateIdentifier(m.getPods().getMetric(), path + ".pods.metric", errors);
          MetricTarget t = m.getPods().getTarget();
          validateTarget(t, path + ".pods.target", errors);
          if (t == null || t.getAverageValue() == null) {
            errors.add(FieldError.required(path + ".pods.target.averageValue", "must specify a positive target "
                + "averageValue"));
          }
        }
      }
      case "Object" -> {
        if (m.getObject() == null) {
          errors.add(FieldError.required(path + ".object", "must populate information for the given metric source"));
        } else {
          var ref = m.getObject().getDescribedObject();
          if (ref == null || ref.getKind() == null || ref.getKind().isEmpty()) {
            errors.add(FieldError.required(path + ".object.describedObject.kind", ""));
          }
          if (ref == null || ref.getName() == null || ref.getName().isEmpty()) {
            errors.add(FieldError.required(path + ".object.describedObject.name", ""));
          }
          validateIdentifier(m.getObject().getMetric(), path + ".object.metric", errors);
          MetricTarget t = m.getObject().getTarget();
          validateTarget(t, path + ".object.target", errors);
          if (t == null || (t.getValue() == null && t.getAverageValue() == null)) {
            errors.add(FieldError.required(path + ".object.target.value", "must set either a target value or "
                + "averageValue"));
          }
        }
      }
      case "External" -> {
        if (m.getExternal() == null) {
          errors.add(FieldError.required(path + ".external",
              "must populate information for the given metric source"));
        } else {
          validateIdentifier(m.getExternal().getMetric(), path + ".external.metric", errors);
          MetricTarget t = m.getExternal().getTarget();
          validateTarget(t, path + ".external.target", errors);
          if (t == null || (t.getValue() == null && t.getAverageValue() == null)) {
            errors.add(FieldError.required(path + ".external.target.value", "must set either a target value for "
                + "metric or a per-pod target"));
          }
        }
      }
      default -> { }
    }
  }

  private static void validateResourceSource(String name, MetricTarget target, String path, List<FieldError> errors) {
    if (name == null || name.isEmpty()) {
      errors.add(FieldError.required(path + ".name", "must specify a resource name"));
    }
    validateTarget(target, path + ".target", errors);
    if (target == null) {
      return;
    }
    if (target.getAverageUtilization() == null && target.getAverageValue() == null) {
      errors.add(FieldError.required(path + ".target.averageUtilization",
          "must set either a target raw value or a target utilization"));
    }
    if (target.getAverageUtilization() != null && target.getAverageValue() != null) {
      errors.add(FieldError.forbidden(path + ".target.averageValue",
          "may not set both a target raw value and a target utilization"));
    }
  }

  private static void validateIdentifier(MetricIdentifier id, String path, List<FieldError> errors) {
    String name = id == null ? "" : Objects.toString(id.getName(), "");
    if (name.isEmpty()) {
      errors.add(FieldError.required(path + ".name", "must specify a metric name"));
    } else if (pathSegmentProblem(name) != null) {
      errors.add(FieldError.invalid(path + ".name", name, pathSegmentProblem(name)));
    }
  }

  /** Upstream's {@code validateMetricTarget}. */
  private static void validateTarget(MetricTarget t, String path, List<FieldError> errors) {
    String type = t == null ? "" : Objects.toString(t.getType(), "");
    if (type.isEmpty()) {
      errors.add(FieldError.required(path + ".type", "must specify a metric target type"));
      if (t == null) {
        return;
      }
    } else if (!TARGET_TYPES.contains(type)) {
      errors.add(FieldError.invalid(path + ".type", type, "must be either Utilization, Value, or AverageValue"));
    }
    if (t.getAverageUtilization() != null && t.getAverageUtilization() < 1) {
      errors.add(FieldError.invalid(path + ".averageUtilization", t.getAverageUtilization(),
          "must be greater than 0"));
    }
    if (t.getValue() != null && !positive(t.getValue())) {
      errors.add(FieldError.invalid(path + ".value", t.getValue().toString(), "must be positive"));
    }
    if (t.getAverageValue() != null && !positive(t.getAverageValue())) {
      errors.add(FieldError.invalid(path + ".averageValue", t.getAverageValue().toString(), "must be positive"));
    }
    // The target's type must name the field that is set.
    if ("Utilization".equals(type) && t.getAverageUtilization() == null) {
      errors.add(FieldError.required(path + ".averageUtilization", "must set averageUtilization when type is "
          + "Utilization"));
    } else if ("Value".equals(type) && t.getValue() == null) {
      errors.add(FieldError.required(path + ".value", "must set value when type is Value"));
    } else if ("AverageValue".equals(type) && t.getAverageValue() == null) {
      errors.add(FieldError.required(path + ".averageValue", "must set averageValue when type is AverageValue"));
    }
  }

  /** Upstream's {@code path.ValidatePathSegmentName}: null when {@code s} may be one segment of a URL path. */
  static String pathSegmentProblem(String s) {
    if (s.equals(".") || s.equals("..")) {
      return "may not be '" + s + "'";
    }
    if (s.contains("/")) {
      return "may not contain '/'";
    }
    if (s.contains("%")) {
      return "may not contain '%'";
    }
    return null;
  }

  private static boolean positive(Quantity q) {
    try {
      BigDecimal v = Quantity.getAmountInBytes(q);
      return v.signum() > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void validateRules(HPAScalingRules rules, String path, List<FieldError> errors) {
    if (rules == null) {
      return;
    }
    Integer window = rules.getStabilizationWindowSeconds();
    if (window != null && window < 0) {
      errors.add(FieldError.invalid(path + ".stabilizationWindowSeconds", window,
          "must be greater than or equal to zero"));
    } else if (window != null && window > MAX_STABILIZATION_WINDOW_SECONDS) {
      errors.add(FieldError.invalid(path + ".stabilizationWindowSeconds", window,
          "must be less than or equal to " + MAX_STABILIZATION_WINDOW_SECONDS));
    }
    if (rules.getSelectPolicy() != null && !SELECT_POLICIES.contains(rules.getSelectPolicy())) {
      errors.add(FieldError.notSupported(path + ".selectPolicy", rules.getSelectPolicy(), SELECT_POLICIES));
    }
    List<HPAScalingPolicy> policies = rules.getPolicies() == null ? List.of() : rules.getPolicies();
    if (policies.isEmpty()) {
      errors.add(FieldError.required(path + ".policies", "must specify at least one Policy"));
    }
    for (int i = 0; i < policies.size(); i++) {
      HPAScalingPolicy p = policies.get(i);
      String pp = path + ".policies[" + i + "]";
      if (p.getType() == null || !POLICY_TYPES.contains(p.getType())) {
        errors.add(FieldError.notSupported(pp + ".type", Objects.toString(p.getType(), ""), POLICY_TYPES));
      }
      int value = p.getValue() == null ? 0 : p.getValue();
      if (value <= 0) {
        errors.add(FieldError.invalid(pp + ".value", value, "must be greater than zero"));
      }
      int period = p.getPeriodSeconds() == null ? 0 : p.getPeriodSeconds();
      if (period <= 0) {
        errors.add(FieldError.invalid(pp + ".periodSeconds", period, "must be greater than zero"));
      } else if (period > MAX_PERIOD_SECONDS) {
        errors.add(FieldError.invalid(pp + ".periodSeconds", period,
            "must be less than or equal to " + MAX_PERIOD_SECONDS));
      }
    }
  }
}

package io.quarkube.apiserver.registry.admissionregistration;

import static io.quarkube.apiserver.registry.admissionregistration.AdmissionPolicyValidation.list;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.AuditAnnotation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ExpressionWarning;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamKind;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicySpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyStatus;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import io.quarkube.apiserver.admission.policy.PolicyCompiler;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * admissionregistration.k8s.io/v1 ValidatingAdmissionPolicies, after upstream's v1 defaults (failurePolicy Fail,
 * matchConstraints' defaults) and {@code ValidateValidatingAdmissionPolicy}: required fields, supported enums, and
 * every CEL expression compiling ({@link PolicyCompiler}; a bad one is Invalid on its field). The status (written by
 * the controller manager's status controller through {@code /status}) holds type-checking warnings and conditions.
 */
public final class ValidatingAdmissionPolicyStrategy implements Strategy<ValidatingAdmissionPolicy> {
  private static final List<String> REASONS = List.of("Forbidden", "Invalid", "RequestEntityTooLarge");
  private static final List<String> CONDITION_STATUSES = List.of("False", "True", "Unknown");
  private static final int MAX_AUDIT_ANNOTATIONS = 20;
  private static final int MAX_VALUE_EXPRESSION_BYTES = 5 * 1024;

  @Override
  public void prepareForCreate(ValidatingAdmissionPolicy p) {
    defaults(p);
  }

  @Override
  public void prepareForUpdate(ValidatingAdmissionPolicy p, ValidatingAdmissionPolicy old) {
    defaults(p);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  private static void defaults(ValidatingAdmissionPolicy p) {
    ValidatingAdmissionPolicySpec spec = p.getSpec();
    if (spec == null) {
      spec = new ValidatingAdmissionPolicySpec();
      p.setSpec(spec);
    }
    if (spec.getFailurePolicy() == null || spec.getFailurePolicy().isEmpty()) {
      spec.setFailurePolicy("Fail");
    }
    AdmissionPolicyValidation.defaults(spec.getMatchConstraints());
  }

  @Override
  public List<FieldError> validate(ValidatingAdmissionPolicy p) {
    List<FieldError> errors = new ArrayList<>();
    ValidatingAdmissionPolicySpec spec = p.getSpec();
    if (spec.getFailurePolicy() == null) {
      errors.add(FieldError.required("spec.failurePolicy", ""));
    } else if (!AdmissionPolicyValidation.FAILURE_POLICIES.contains(spec.getFailurePolicy())) {
      errors.add(FieldError.notSupported("spec.failurePolicy", spec.getFailurePolicy(),
          AdmissionPolicyValidation.FAILURE_POLICIES));
    }
    if (spec.getParamKind() != null) {
      paramKind(spec.getParamKind(), errors);
    }
    if (spec.getMatchConstraints() == null) {
      errors.add(FieldError.required("spec.matchConstraints", ""));
    } else {
      AdmissionPolicyValidation.matchResources(spec.getMatchConstraints(), "spec.matchConstraints", errors);
      if (list(spec.getMatchConstraints().getResourceRules()).isEmpty()) {
        errors.add(FieldError.required("spec.matchConstraints.resourceRules", ""));
      }
    }
    AdmissionPolicyValidation.matchConditions(list(spec.getMatchConditions()), "spec.matchConditions", errors);
    List<Variable> variables = list(spec.getVariables());
    for (int i = 0; i < variables.size(); i++) {
      Variable v = variables.get(i);
      String path = "spec.variables[" + i + "]";
      if (v.getName() == null || v.getName().isBlank()) {
        errors.add(FieldError.required(path + ".name", "name is not specified"));
      } else if (!AdmissionPolicyValidation.isCelIdentifier(v.getName())) {
        errors.add(FieldError.invalid(path + ".name", v.getName(), "name is not a valid CEL identifier"));
      }
      if (v.getExpression() == null || v.getExpression().isBlank()) {
        errors.add(FieldError.required(path + ".expression", "expression is not specified"));
      }
    }
    List<Validation> validations = list(spec.getValidations());
    List<AuditAnnotation> annotations = list(spec.getAuditAnnotations());
    if (validations.isEmpty() && annotations.isEmpty()) {
      String why = "validations or auditAnnotations must contain at least one item";
      errors.add(FieldError.required("spec.validations", why));
      errors.add(FieldError.required("spec.auditAnnotations", why));
    }
    for (int i = 0; i < validations.size(); i++) {
      validation(validations.get(i), "spec.validations[" + i + "]", errors);
    }
    auditAnnotations(p.getMetadata().getName(), annotations, errors);
    errors.addAll(PolicyCompiler.errors(p));
    status(p.getStatus(), errors);
    return errors;
  }

  /**
   * A write that leaves the spec alone (a status update, metadata) checks only the status: upstream validates the
   * status subresource alone, and a policy stored before an expression rule existed stays writable.
   */
  @Override
  public List<FieldError> validateUpdate(ValidatingAdmissionPolicy p, ValidatingAdmissionPolicy old) {
    if (old != null && java.util.Objects.equals(p.getSpec(), old.getSpec())) {
      List<FieldError> errors = new ArrayList<>();
      status(p.getStatus(), errors);
      return errors;
    }
    return validate(p);
  }

  private static void paramKind(ParamKind k, List<FieldError> errors) {
    String apiVersion = k.getApiVersion() == null ? "" : k.getApiVersion();
    if (apiVersion.isEmpty()) {
      errors.add(FieldError.required("spec.paramKind.apiVersion", ""));
    } else {
      String[] parts = apiVersion.split("/", -1);
      if (parts.length > 2) {
        errors.add(FieldError.invalid("spec.paramKind.apiVersion", apiVersion,
            "unexpected GroupVersion string: " + apiVersion));
      } else {
        String group = parts.length == 2 ? parts[0] : "";
        String version = parts.length == 2 ? parts[1] : parts[0];
        if (!group.isEmpty() && !io.quarkube.apiserver.validation.Validation.isDns1123Subdomain(group)) {
          errors.add(FieldError.invalid("spec.paramKind.apiVersion", group,
              io.quarkube.apiserver.validation.Validation.DNS1123_SUBDOMAIN_MESSAGE));
        }
        if (version.isEmpty()) {
          errors.add(FieldError.invalid("spec.paramKind.apiVersion", apiVersion, "version must be specified"));
        } else if (!io.quarkube.apiserver.validation.Validation.isDns1035Label(version)) {
          errors.add(FieldError.invalid("spec.paramKind.apiVersion", version,
              io.quarkube.apiserver.validation.Validation.DNS1035_LABEL_MESSAGE));
        }
      }
    }
    if (k.getKind() == null || k.getKind().isEmpty()) {
      errors.add(FieldError.required("spec.paramKind.kind", ""));
    } else if (!io.quarkube.apiserver.validation.Validation.isDns1035Label(k.getKind().toLowerCase())) {
      errors.add(FieldError.invalid("spec.paramKind.kind", k.getKind(),
          "may have mixed case, but should otherwise match: "
              + io.quarkube.apiserver.validation.Validation.DNS1035_LABEL_MESSAGE));
    }
  }

  private static void validation(Validation v, String path, List<FieldError> errors) {
    if (v.getExpression() == null || v.getExpression().isBlank()) {
      errors.add(FieldError.required(path + ".expression", "expression is not specified"));
    }
    if (v.getMessageExpression() != null && !v.getMessageExpression().isEmpty()
        && v.getMessageExpression().isBlank()) {
      errors.add(FieldError.invalid(path + ".messageExpression", v.getMessageExpression(),
          "must be non-empty if specified"));
    }
    String message = v.getMessage();
    if (message != null && !message.isEmpty() && message.isBlank()) {
      errors.add(FieldError.invalid(path + ".message", message, "message must be non-empty if specified"));
    } else if (message != null && (message.trim().contains("\n") || message.trim().contains("\r"))) {
      errors.add(FieldError.invalid(path + ".message", message, "message must not contain line breaks"));
    }
    if (v.getReason() != null && !REASONS.contains(v.getReason())) {
      errors.add(FieldError.notSupported(path + ".reason", v.getReason(), REASONS));
    }
  }

  private static void auditAnnotations(String policyName, List<AuditAnnotation> annotations,
      List<FieldError> errors) {
    if (annotations.size() > MAX_AUDIT_ANNOTATIONS) {
      errors.add(FieldError.invalid("spec.auditAnnotations", annotations.size() + " items",
          "must not have more than " + MAX_AUDIT_ANNOTATIONS + " auditAnnotations"));
    }
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < annotations.size(); i++) {
      AuditAnnotation a = annotations.get(i);
      String path = "spec.auditAnnotations[" + i + "]";
      String key = a.getKey() == null ? "" : a.getKey();
      if (policyName == null || policyName.isEmpty()) {
        errors.add(FieldError.invalid(path + ".key", key, "requires metadata.name be non-empty"));
      } else if (!io.quarkube.apiserver.validation.Validation.isQualifiedName(policyName + "/" + key)) {
        errors.add(FieldError.invalid(path + ".key", policyName + "/" + key,
            io.quarkube.apiserver.validation.Validation.QUALIFIED_NAME_MESSAGE));
      }
      String value = a.getValueExpression() == null ? "" : a.getValueExpression().trim();
      if (value.isEmpty()) {
        errors.add(FieldError.required(path + ".valueExpression", "valueExpression is not specified"));
      } else if (value.length() > MAX_VALUE_EXPRESSION_BYTES) {
        errors.add(FieldError.required(path + ".valueExpression", "must not exceed " + MAX_VALUE_EXPRESSION_BYTES
            + " bytes in length"));
      }
      if (!keys.add(key)) {
        errors.add(FieldError.duplicate(path + ".key", key));
      }
    }
  }

  private static void status(ValidatingAdmissionPolicyStatus status, List<FieldError> errors) {
    if (status == null) {
      return;
    }
    if (status.getTypeChecking() != null) {
      List<ExpressionWarning> warnings = list(status.getTypeChecking().getExpressionWarnings());
      for (int i = 0; i < warnings.size(); i++) {
        String path = "status.typeChecking.expressionWarnings[" + i + "]";
        if (warnings.get(i).getWarning() == null || warnings.get(i).getWarning().isEmpty()) {
          errors.add(FieldError.required(path + ".warning", ""));
        }
        if (warnings.get(i).getFieldRef() == null || warnings.get(i).getFieldRef().isBlank()) {
          errors.add(FieldError.required(path + ".fieldRef", ""));
        }
      }
    }
    List<Condition> conditions = list(status.getConditions());
    for (int i = 0; i < conditions.size(); i++) {
      Condition c = conditions.get(i);
      String path = "status.conditions[" + i + "]";
      if (c.getType() == null || !io.quarkube.apiserver.validation.Validation.isQualifiedName(c.getType())) {
        errors.add(FieldError.invalid(path + ".type", c.getType(),
            io.quarkube.apiserver.validation.Validation.QUALIFIED_NAME_MESSAGE));
      }
      if (!CONDITION_STATUSES.contains(c.getStatus())) {
        errors.add(FieldError.notSupported(path + ".status", c.getStatus(), CONDITION_STATUSES));
      }
      if (c.getReason() == null || c.getReason().isEmpty()) {
        errors.add(FieldError.required(path + ".reason", "reason must not be empty"));
      }
      if (c.getLastTransitionTime() == null || c.getLastTransitionTime().isEmpty()) {
        errors.add(FieldError.required(path + ".lastTransitionTime", "must be set"));
      }
    }
  }
}

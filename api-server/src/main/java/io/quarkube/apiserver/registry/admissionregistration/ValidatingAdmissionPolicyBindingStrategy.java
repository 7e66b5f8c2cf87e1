package io.quarkube.apiserver.registry.admissionregistration;

import static io.quarkube.apiserver.registry.admissionregistration.AdmissionPolicyValidation.list;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamRef;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBindings, after upstream's
 * {@code ValidateValidatingAdmissionPolicyBinding}: a policyName, a paramRef with name or selector (not both) and a
 * parameterNotFoundAction, valid matchResources (upstream names that path {@code spec.matchResouces}), and
 * validationActions from Deny, Warn, Audit, distinct, not both Deny and Warn.
 */
public final class ValidatingAdmissionPolicyBindingStrategy implements Strategy<ValidatingAdmissionPolicyBinding> {
  private static final List<String> ACTIONS = List.of("Audit", "Deny", "Warn");
  private static final List<String> NOT_FOUND_ACTIONS = List.of("Deny", "Allow");

  @Override
  public void prepareForCreate(ValidatingAdmissionPolicyBinding b) {
    if (b.getSpec() == null) {
      b.setSpec(new ValidatingAdmissionPolicyBindingSpec());
    }
    AdmissionPolicyValidation.defaults(b.getSpec().getMatchResources());
  }

  @Override
  public void prepareForUpdate(ValidatingAdmissionPolicyBinding b, ValidatingAdmissionPolicyBinding old) {
    prepareForCreate(b);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public List<FieldError> validate(ValidatingAdmissionPolicyBinding b) {
    List<FieldError> errors = new ArrayList<>();
    ValidatingAdmissionPolicyBindingSpec spec = b.getSpec();
    String policy = spec.getPolicyName() == null ? "" : spec.getPolicyName();
    if (policy.isEmpty()) {
      errors.add(FieldError.required("spec.policyName", ""));
    } else if (!Validation.isDns1123Subdomain(policy)) {
      errors.add(FieldError.invalid("spec.policyName", policy, Validation.DNS1123_SUBDOMAIN_MESSAGE));
    }
    paramRef(spec.getParamRef(), errors);
    AdmissionPolicyValidation.matchResources(spec.getMatchResources(), "spec.matchResouces", errors);
    actions(list(spec.getValidationActions()), errors);
    return errors;
  }

  private static void paramRef(ParamRef ref, List<FieldError> errors) {
    if (ref == null) {
      return;
    }
    boolean named = ref.getName() != null && !ref.getName().isEmpty();
    if (named) {
      String n = ref.getName();
      if (n.equals(".") || n.equals("..") || n.contains("/") || n.contains("%")) {
        errors.add(FieldError.invalid("spec.paramRef.name", n,
            n.equals(".") || n.equals("..") ? "may not be '" + n + "'" : "may not contain '/' or '%'"));
      }
      if (ref.getSelector() != null) {
        errors.add(FieldError.forbidden("spec.paramRef.name", "name and selector are mutually exclusive"));
      }
    }
    if (ref.getSelector() != null) {
      AdmissionPolicyValidation.selector(ref.getSelector(), "spec.paramRef.selector", errors);
      if (named) {
        errors.add(FieldError.forbidden("spec.paramRef.selector", "name and selector are mutually exclusive"));
      }
    }
    if (!named && ref.getSelector() == null) {
      errors.add(FieldError.required("spec.paramRef", "one of name or selector must be specified"));
    }
    String action = ref.getParameterNotFoundAction();
    if (action == null || action.isEmpty()) {
      errors.add(FieldError.required("spec.paramRef.parameterNotFoundAction", ""));
    } else if (!NOT_FOUND_ACTIONS.contains(action)) {
      errors.add(FieldError.notSupported("spec.paramRef.parameterNotFoundAction", action, NOT_FOUND_ACTIONS));
    }
  }

  private static void actions(List<String> actions, List<FieldError> errors) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < actions.size(); i++) {
      String a = actions.get(i);
      if (!ACTIONS.contains(a)) {
        errors.add(FieldError.notSupported("spec.validationActions[" + i + "]", a, ACTIONS));
      }
      if (!seen.add(a)) {
        errors.add(FieldError.duplicate("spec.validationActions[" + i + "]", a));
      }
    }
    if (seen.contains("Deny") && seen.contains("Warn")) {
      errors.add(FieldError.invalid("spec.validationActions", actions, "must not contain both Deny and Warn "
          + "(repeating the same validation failure information in the API response and headers serves no purpose)"));
    }
    if (seen.isEmpty()) {
      errors.add(FieldError.required("spec.validationActions", "at least one validation action is required"));
    }
  }
}

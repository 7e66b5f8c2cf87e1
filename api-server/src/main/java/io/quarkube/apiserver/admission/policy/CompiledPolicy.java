package io.quarkube.apiserver.admission.policy;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.quarkube.apiserver.admission.cel.Expression;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;

/**
 * A ValidatingAdmissionPolicy with its expressions compiled, kept while the policy is unchanged. A policy stored
 * before a rule existed may not compile: {@code errors} then is its configuration error, which a matching request
 * meets under the policy's failurePolicy.
 */
record CompiledPolicy(ValidatingAdmissionPolicy policy, List<Named> variables, List<Named> matchConditions,
    List<CompiledValidation> validations, List<Named> auditAnnotations, List<FieldError> errors) {

  /** A variable (name), a match condition (name) or an audit annotation (key) with its expression. */
  record Named(String name, Expression expression) {}

  /** A validation: its expression, the optional message expression, and the message/reason fields. */
  record CompiledValidation(int index, Expression expression, Expression messageExpression, String message,
      String reason) {}

  String name() {
    return policy.getMetadata().getName();
  }

  boolean failOpen() {
    return "Ignore".equals(policy.getSpec().getFailurePolicy());
  }

  boolean hasParams() {
    return policy.getSpec().getParamKind() != null;
  }
}

package io.quarkube.apiserver.admission.policy;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.AuditAnnotation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicySpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;
import io.quarkube.apiserver.admission.cel.CelCompileException;
import io.quarkube.apiserver.admission.cel.CelEnvironment;
import io.quarkube.apiserver.admission.cel.Expression;
import io.quarkube.apiserver.errors.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles every expression of a policy, as upstream's validation does when the policy is written (a bad
 * expression is a 422 naming its field) and its admission plugin when it loads the policy. Variables are compiled in
 * order, each seeing those before it; validations, message expressions and audit annotations see them all; match
 * conditions see none (upstream compiles them without composition).
 */
public final class PolicyCompiler {
  private PolicyCompiler() {}

  /** The field errors of the policy's expressions (empty when all compile). */
  public static List<FieldError> errors(ValidatingAdmissionPolicy policy) {
    return compile(policy).errors();
  }

  static CompiledPolicy compile(ValidatingAdmissionPolicy policy) {
    ValidatingAdmissionPolicySpec spec = policy.getSpec();
    List<FieldError> errors = new ArrayList<>();
    boolean params = spec.getParamKind() != null;
    CelEnvironment env = CelEnvironment.get();
    Set<String> known = new LinkedHashSet<>();
    List<CompiledPolicy.Named> variables = new ArrayList<>();
    List<Variable> vars = spec.getVariables() == null ? List.of() : spec.getVariables();
    for (int i = 0; i < vars.size(); i++) {
      Variable v = vars.get(i);
      Expression e = compile(env, v.getExpression(), params, Set.copyOf(known),
          "spec.variables[" + i + "].expression", errors);
      if (v.getName() != null) {
        known.add(v.getName());
        variables.add(new CompiledPolicy.Named(v.getName(), e));
      }
    }
    Set<String> all = Set.copyOf(known);
    List<CompiledPolicy.Named> conditions = new ArrayList<>();
    List<MatchCondition> mcs = spec.getMatchConditions() == null ? List.of() : spec.getMatchConditions();
    for (int i = 0; i < mcs.size(); i++) {
      conditions.add(new CompiledPolicy.Named(mcs.get(i).getName(), compile(env, mcs.get(i).getExpression(), params,
          Set.of(), "spec.matchConditions[" + i + "].expression", errors)));
    }
    List<CompiledPolicy.CompiledValidation> validations = new ArrayList<>();
    List<Validation> vs = spec.getValidations() == null ? List.of() : spec.getValidations();
    for (int i = 0; i < vs.size(); i++) {
      Validation v = vs.get(i);
      Expression e = compile(env, v.getExpression(), params, all, "spec.validations[" + i + "].expression", errors);
      Expression m = null;
      if (v.getMessageExpression() != null && !v.getMessageExpression().isBlank()) {
        m = compile(env, v.getMessageExpression(), params, all, "spec.validations[" + i + "].messageExpression",
            errors);
      }
      validations.add(new CompiledPolicy.CompiledValidation(i, e, m, v.getMessage(), v.getReason()));
    }
    List<CompiledPolicy.Named> annotations = new ArrayList<>();
    List<AuditAnnotation> as = spec.getAuditAnnotations() == null ? List.of() : spec.getAuditAnnotations();
    for (int i = 0; i < as.size(); i++) {
      annotations.add(new CompiledPolicy.Named(as.get(i).getKey(), compile(env, as.get(i).getValueExpression(),
          params, all, "spec.auditAnnotations[" + i + "].valueExpression", errors)));
    }
    return new CompiledPolicy(policy, variables, conditions, validations, annotations, List.copyOf(errors));
  }

  private static Expression compile(CelEnvironment env, String source, boolean params, Set<String> variables,
      String field, List<FieldError> errors) {
    if (source == null || source.isBlank()) {
      return null; // reported by the strategy as a required field
    }
    try {
      return env.compile(source, params, variables);
    } catch (CelCompileException e) {
      errors.add(FieldError.invalid(field, source, e.getMessage()));
      return null;
    }
  }
}

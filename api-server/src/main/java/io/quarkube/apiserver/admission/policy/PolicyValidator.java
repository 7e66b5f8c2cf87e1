package io.quarkube.apiserver.admission.policy;

import io.quarkube.apiserver.admission.cel.CelEvaluationException;
import io.quarkube.apiserver.admission.cel.CelValues;
import io.quarkube.apiserver.admission.cel.CostBudget;
import io.quarkube.apiserver.admission.cel.Expression;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one compiled policy for one request and one param (upstream's validator): the match conditions
 * first (any false: the policy does not apply; an error, with none false, follows failurePolicy), then every
 * validation, a false one denied with the message of its messageExpression, its message, or "failed expression:
 * &lt;expression&gt;"; then the audit annotations. All expressions of one evaluation share one cost budget.
 */
final class PolicyValidator {
  /** Upstream's MaxEvaluatedMessageExpressionSizeBytes. */
  static final int MAX_MESSAGE_BYTES = 5 * 1024;

  /** The decisions, and the audit annotations (key to value) to publish. */
  record Result(List<Decision> decisions, Map<String, String> auditAnnotations) {
    static final Result NOT_APPLICABLE = new Result(List.of(), Map.of());
  }

  private PolicyValidator() {}

  static Result validate(CompiledPolicy policy, PolicyRequest request, ResourceDefinition matched, Object params) {
    boolean failOpen = policy.failOpen();
    CostBudget budget = CostBudget.perEvaluation();
    LazyVariables variables = new LazyVariables(policy.variables(), budget);
    Map<String, Object> activation = new HashMap<>();
    activation.put("object", request.object(matched));
    activation.put("oldObject", request.oldObject(matched));
    activation.put("request", request.requestValue(matched));
    activation.put("namespaceObject", request.namespaceObject());
    activation.put("params", params == null ? CelValues.of(null) : params);
    activation.put("variables", variables);
    variables.bind(activation);

    String conditionError = null;
    for (CompiledPolicy.Named c : policy.matchConditions()) {
      try {
        Object v = eval(c.expression(), activation, budget);
        if (Boolean.FALSE.equals(v)) {
          return Result.NOT_APPLICABLE;
        }
        if (!(v instanceof Boolean)) {
          conditionError = "matchCondition '" + c.name() + "' must evaluate to bool";
        }
      } catch (CelEvaluationException e) {
        conditionError = "expression '" + c.expression().source() + "' resulted in error: " + e.getMessage();
      }
    }
    if (conditionError != null) {
      return new Result(List.of(Decision.failed(failOpen, 0, conditionError)), Map.of());
    }

    List<Decision> decisions = new ArrayList<>();
    for (CompiledPolicy.CompiledValidation v : policy.validations()) {
      Object result;
      try {
        result = eval(v.expression(), activation, budget);
      } catch (CelEvaluationException e) {
        if (e.outOfBudget()) {
          return new Result(List.of(Decision.failed(failOpen, v.index(), e.getMessage())), Map.of());
        }
        decisions.add(Decision.failed(failOpen, v.index(), "expression '" + v.expression().source()
            + "' resulted in error: " + e.getMessage()));
        continue;
      }
      if (Boolean.TRUE.equals(result)) {
        decisions.add(Decision.admit(v.index()));
        continue;
      }
      decisions.add(Decision.denied(v.index(), message(v, activation, budget),
          v.reason() == null || v.reason().isEmpty() ? "Invalid" : v.reason()));
    }
    Map<String, String> annotations = new HashMap<>();
    for (CompiledPolicy.Named a : policy.auditAnnotations()) {
      try {
        Object value = eval(a.expression(), activation, budget);
        if (value instanceof String s) {
          if (!s.isBlank()) {
            annotations.put(a.name(), s.trim());
          }
        } else if (!CelValues.isNull(value)) {
          decisions.add(Decision.failed(failOpen, Decision.AUDIT_ANNOTATION, "valueExpression '"
              + a.expression().source() + "' resulted in unsupported return type: " + CelValues.typeName(value)
              + ". Return type must be either string or null."));
        }
      } catch (CelEvaluationException e) {
        decisions.add(Decision.failed(failOpen, Decision.AUDIT_ANNOTATION, "expression '"
            + a.expression().source() + "' resulted in error: " + e.getMessage()));
      }
    }
    return new Result(decisions, annotations);
  }

  private static Object eval(Expression e, Map<String, Object> activation, CostBudget budget)
      throws CelEvaluationException {
    if (e == null) {
      throw new IllegalStateException("expression does not compile");
    }
    return e.evaluate(activation, budget);
  }

  /** The denial message: a usable messageExpression result, else message, else the expression. */
  private static String message(CompiledPolicy.CompiledValidation v, Map<String, Object> activation,
      CostBudget budget) {
    if (v.messageExpression() != null) {
      try {
        if (v.messageExpression().evaluate(activation, budget) instanceof String s) {
          String m = s.trim();
          if (!m.isEmpty() && m.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_MESSAGE_BYTES
              && !m.contains("\n")) {
            return m;
          }
        }
      } catch (CelEvaluationException e) {
        // upstream logs it and falls back
      }
    }
    if (v.message() != null && !v.message().isBlank()) {
      return v.message().trim();
    }
    return "failed expression: " + v.expression().source().trim();
  }
}

package io.quarkube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.admission.AdmissionAttributes;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.admission.cel.CelCompileException;
import io.quarkube.apiserver.admission.cel.CelEnvironment;
import io.quarkube.apiserver.admission.cel.CelEvaluationException;
import io.quarkube.apiserver.admission.cel.CelValues;
import io.quarkube.apiserver.admission.cel.CostBudget;
import io.quarkube.apiserver.admission.cel.Expression;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A webhook's {@code matchConditions}: CEL expressions over {@code object}, {@code oldObject} and {@code request}
 * (upstream's webhook match environment, without {@code authorizer}, which the CEL environment does not offer). They
 * are compiled when a configuration is written (one that does not compile is Invalid, "compilation failed") and
 * again when the configuration cache rebuilds; a request goes to the webhook only when all of them are true. As
 * upstream's matcher: a false condition decides at once; otherwise an error (or a non-bool result) is an error of
 * the call, which the webhook's failurePolicy decides.
 */
public final class MatchConditions {
  /** One compiled condition; {@code error} instead of an expression when it does not compile. */
  record Compiled(String name, Expression expression, String error) {}

  private MatchConditions() {}

  /** The field errors of the expressions of a webhook's {@code matchConditions} (its JSON array) that do not compile. */
  public static List<FieldError> compileErrors(JsonNode conditions, String path) {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < conditions.size(); i++) {
      String expression = conditions.get(i).path("expression").asText("");
      if (expression.isBlank()) {
        continue; // the strategy reports it as required
      }
      try {
        CelEnvironment.get().compile(expression, false, Set.of());
      } catch (CelCompileException e) {
        errors.add(FieldError.invalid(path + "[" + i + "].expression", expression, e.getMessage()));
      }
    }
    return errors;
  }

  static List<Compiled> compile(JsonNode conditions) {
    List<Compiled> out = new ArrayList<>();
    for (JsonNode c : conditions) {
      String name = c.path("name").asText("");
      try {
        out.add(new Compiled(name, CelEnvironment.get().compile(c.path("expression").asText(""), false, Set.of()),
            null));
      } catch (CelCompileException e) {
        out.add(new Compiled(name, null, e.getMessage()));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Whether the request matches every condition. Throws {@link WebhookCallException} when none is false but one
   * could not be evaluated.
   */
  static boolean matches(List<Compiled> conditions, AdmissionRequest r, HasMetadata oldObject) {
    if (conditions.isEmpty()) {
      return true;
    }
    Map<String, Object> activation = new HashMap<>();
    activation.put("object", CelValues.of(r.object() == null ? null : Json.tree(r.object())));
    activation.put("oldObject", CelValues.of(oldObject == null ? null : Json.tree(oldObject)));
    ObjectNode request = AdmissionAttributes.request(r, r.resource());
    request.put("dryRun", r.dryRun());
    activation.put("request", CelValues.of(request));
    CostBudget budget = CostBudget.perEvaluation();
    List<String> errors = new ArrayList<>();
    for (Compiled c : conditions) {
      if (c.expression() == null) {
        errors.add("matchCondition '" + c.name() + "': " + c.error());
        continue;
      }
      Object v;
      try {
        v = c.expression().evaluate(activation, budget);
      } catch (CelEvaluationException e) {
        errors.add("expression '" + c.expression().source() + "' resulted in error: " + e.getMessage());
        continue;
      }
      if (Boolean.FALSE.equals(v)) {
        return false;
      }
      if (!(v instanceof Boolean)) {
        errors.add("matchCondition '" + c.name() + "' must evaluate to bool");
      }
    }
    if (!errors.isEmpty()) {
      throw new WebhookCallException("failed to evaluate match conditions: " + String.join(", ", errors));
    }
    return true;
  }
}

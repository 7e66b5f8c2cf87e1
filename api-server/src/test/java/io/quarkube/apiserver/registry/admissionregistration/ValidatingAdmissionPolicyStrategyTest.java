package io.quarkube.apiserver.registry.admissionregistration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's defaults and validation of ValidatingAdmissionPolicies and their bindings. */
class ValidatingAdmissionPolicyStrategyTest {
  private final ValidatingAdmissionPolicyStrategy policies = new ValidatingAdmissionPolicyStrategy();
  private final ValidatingAdmissionPolicyBindingStrategy bindings = new ValidatingAdmissionPolicyBindingStrategy();

  private static <T> T yaml(String text, Class<T> type) {
    return Json.convert(Json.parseYaml(text.getBytes(StandardCharsets.UTF_8)), type);
  }

  private List<String> policyErrors(String spec) {
    ValidatingAdmissionPolicy p = yaml("metadata: {name: p}\nspec:\n" + spec.indent(2),
        ValidatingAdmissionPolicy.class);
    policies.prepareForCreate(p);
    return policies.validate(p).stream().map(FieldError::toString).toList();
  }

  private List<String> bindingErrors(String spec) {
    ValidatingAdmissionPolicyBinding b = yaml("metadata: {name: b}\nspec:\n" + spec.indent(2),
        ValidatingAdmissionPolicyBinding.class);
    bindings.prepareForCreate(b);
    return bindings.validate(b).stream().map(FieldError::toString).toList();
  }

  private static final String RULES = """
      matchConstraints:
        resourceRules:
        - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
      """;

  @Test
  void defaultsAsUpstreamsV1() {
    ValidatingAdmissionPolicy p = yaml("metadata: {name: p}\nspec:\n" + (RULES
        + "validations: [{expression: 'true'}]").indent(2), ValidatingAdmissionPolicy.class);
    policies.prepareForCreate(p);
    assertEquals("Fail", p.getSpec().getFailurePolicy());
    assertEquals("Equivalent", p.getSpec().getMatchConstraints().getMatchPolicy());
    assertEquals("*", p.getSpec().getMatchConstraints().getResourceRules().get(0).getScope());
    assertEquals("{}", Json.tree(p.getSpec().getMatchConstraints().getNamespaceSelector()).toString());
    assertEquals(List.of(), policyErrors(RULES + "validations: [{expression: 'object.spec.replicas <= 5'}]"));
  }

  @Test
  void requiredFieldsAndEnums() {
    assertEquals(List.of("spec.matchConstraints: Required value",
        "spec.validations: Required value: validations or auditAnnotations must contain at least one item",
        "spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item"),
        policyErrors("failurePolicy: Fail"));
    assertEquals(List.of("spec.failurePolicy: Unsupported value: \"Maybe\": supported values: \"Fail\", \"Ignore\"",
        "spec.validations[0].reason: Unsupported value: \"Conflict\": supported values: \"Forbidden\", \"Invalid\", "
            + "\"RequestEntityTooLarge\""),
        policyErrors(RULES + "failurePolicy: Maybe\nvalidations: [{expression: 'true', reason: Conflict}]"));
    assertEquals(List.of("spec.variables[0].name: Invalid value: \"namespace\": name is not a valid CEL identifier"),
        policyErrors(RULES + "variables: [{name: namespace, expression: '1'}]\nvalidations: [{expression: 'true'}]"));
  }

  @Test
  void everyExpressionMustCompile() {
    List<String> errors = policyErrors(RULES + """
        variables: [{name: a, expression: variables.b}, {name: b, expression: '1'}]
        validations: [{expression: 'object.spec.replicas >', messageExpression: 'params.x'}]
        """);
    assertEquals(3, errors.size(), errors.toString());
    assertEquals(true, errors.get(0).startsWith("spec.variables[0].expression: Invalid value: \"variables.b\": "
        + "compilation failed: ERROR: <input>: undefined field 'b'"), errors.get(0));
    assertEquals(true, errors.get(1).startsWith("spec.validations[0].expression: Invalid value: "
        + "\"object.spec.replicas >\": compilation failed: ERROR: <input>:1:"), errors.get(1));
    assertEquals(true, errors.get(2).startsWith("spec.validations[0].messageExpression: Invalid value: "
        + "\"params.x\": compilation failed: ERROR: <input>:1:1: undeclared reference to 'params'"), errors.get(2));
  }

  @Test
  void aStatusWriteChecksOnlyTheStatus() {
    ValidatingAdmissionPolicy old = yaml("metadata: {name: p}\nspec:\n" + (RULES
        + "validations: [{expression: 'object.spec.replicas >'}]").indent(2), ValidatingAdmissionPolicy.class);
    policies.prepareForCreate(old);
    ValidatingAdmissionPolicy next = yaml(Json.tree(old).toString(), ValidatingAdmissionPolicy.class);
    next.setStatus(yaml("{observedGeneration: 1, typeChecking: {}, conditions: [{type: Ready, status: Maybe}]}",
        io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyStatus.class));
    assertEquals(List.of("status.conditions[0].status: Unsupported value: \"Maybe\": supported values: \"False\", "
        + "\"True\", \"Unknown\"", "status.conditions[0].reason: Required value: reason must not be empty",
        "status.conditions[0].lastTransitionTime: Required value: must be set"),
        policies.validateUpdate(next, old).stream().map(FieldError::toString).toList());
    next.getSpec().setFailurePolicy("Ignore");
    assertEquals(true, policies.validateUpdate(next, old).stream()
        .anyMatch(e -> e.field().equals("spec.validations[0].expression")));
  }

  @Test
  void bindings() {
    assertEquals(List.of(), bindingErrors("policyName: p\nvalidationActions: [Deny, Audit]"));
    assertEquals(List.of("spec.validationActions: Invalid value: [Deny, Warn]: must not contain both Deny and Warn "
        + "(repeating the same validation failure information in the API response and headers serves no purpose)"),
        bindingErrors("policyName: p\nvalidationActions: [Deny, Warn]"));
    assertEquals(List.of("spec.policyName: Required value",
        "spec.validationActions: Required value: at least one validation action is required"), bindingErrors("{}"));
    assertEquals(List.of("spec.paramRef.parameterNotFoundAction: Required value"),
        bindingErrors("policyName: p\nvalidationActions: [Warn]\nparamRef: {name: limits}"));
    assertEquals(List.of("spec.paramRef.name: Forbidden: name and selector are mutually exclusive",
        "spec.paramRef.selector: Forbidden: name and selector are mutually exclusive"),
        bindingErrors("policyName: p\nvalidationActions: [Warn]\nparamRef: {name: l, selector: {}, "
            + "parameterNotFoundAction: Deny}"));
    assertEquals(List.of("spec.matchResouces.namespaceSelector.matchExpressions[0].values: Required value: must be "
        + "specified when `operator` is 'In' or 'NotIn'"), bindingErrors("policyName: p\nvalidationActions: [Audit]\n"
        + "matchResources: {namespaceSelector: {matchExpressions: [{key: a, operator: In}]}}"));
  }
}

package io.quarkube.apiserver.admission.policy;

import static io.quarkube.apiserver.admission.policy.Policies.binding;
import static io.quarkube.apiserver.admission.policy.Policies.create;
import static io.quarkube.apiserver.admission.policy.Policies.def;
import static io.quarkube.apiserver.admission.policy.Policies.deployment;
import static io.quarkube.apiserver.admission.policy.Policies.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.errors.ApiException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ValidatingAdmissionPolicy plugin: matching, evaluation, messages, actions, failure policy, params. */
class ValidatingAdmissionPolicyPluginTest {
  private static final String DENY = "validationActions: [Deny]";

  private static ApiException refused(Policies.Fixture f, AdmissionRequest r) {
    return assertThrows(ApiException.class, () -> f.plugin().admit(r));
  }

  private static AdmissionRequest createDeployment(int replicas) {
    return create(def("apps", "v1", "deployments"), "ns", deployment("web", replicas, Map.of("app", "web")));
  }

  @Test
  void aFalseValidationIsInvalidWithTheDefaultMessage() {
    var f = new Policies.Fixture().add(policy("max", "validations: [{expression: 'object.spec.replicas <= 5'}]"),
        binding("max-b", "max", DENY));
    f.plugin().admit(createDeployment(5));
    ApiException e = refused(f, createDeployment(6));
    assertEquals(422, e.code());
    assertEquals("Invalid", e.reason());
    assertEquals("deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'max' with binding 'max-b' "
        + "denied request: failed expression: object.spec.replicas <= 5", e.status().getMessage());
    assertEquals(e.status().getMessage().substring(e.status().getMessage().indexOf("ValidatingAdmissionPolicy")),
        e.status().getDetails().getCauses().get(0).getMessage());
  }

  @Test
  void messageExpressionThenMessageThenExpressionAndTheReasonsCode() {
    var f = new Policies.Fixture().add(policy("p", """
        validations:
        - expression: object.spec.replicas < 2
          messageExpression: "'too many: ' + string(object.spec.replicas)"
          message: unused
          reason: Forbidden
        - expression: object.spec.replicas < 3
          messageExpression: "object.spec.replicas"
          message: " fallback message "
        """), binding("b", "p", DENY));
    ApiException e = refused(f, createDeployment(4));
    assertEquals(403, e.code());
    assertEquals("Forbidden", e.reason());
    assertTrue(e.getMessage().endsWith("denied request: too many: 4"), e.getMessage());
    // the second validation's messageExpression is not a string: its message is used
    var g = new Policies.Fixture().add(policy("p", """
        validations:
        - expression: object.spec.replicas < 3
          messageExpression: "object.spec.replicas"
          message: " fallback message "
          reason: RequestEntityTooLarge
        """), binding("b", "p", DENY));
    ApiException e2 = refused(g, createDeployment(4));
    assertEquals(413, e2.code());
    assertTrue(e2.getMessage().endsWith("denied request: fallback message"), e2.getMessage());
  }

  @Test
  void warnAndAuditAloneDoNotRefuse() {
    var f = new Policies.Fixture().add(policy("p", "validations: [{expression: 'false'}]"),
        binding("b", "p", "validationActions: [Warn, Audit]"));
    f.plugin().admit(createDeployment(1));
  }

  @Test
  void evaluationErrorsFollowTheFailurePolicy() {
    String spec = "validations: [{expression: 'object.spec.nope > 1'}]";
    var fail = new Policies.Fixture().add(policy("p", spec), binding("b", "p", DENY));
    ApiException e = refused(fail, createDeployment(1));
    assertTrue(e.getMessage().endsWith("denied request: expression 'object.spec.nope > 1' resulted in error: "
        + "no such key: nope"), e.getMessage());
    var ignore = new Policies.Fixture().add(policy("p", "failurePolicy: Ignore\n" + spec), binding("b", "p", DENY));
    ignore.plugin().admit(createDeployment(1));
  }

  @Test
  void variablesAreEvaluatedInOrderAndOnlyWhenRead() {
    var f = new Policies.Fixture().add(policy("p", """
        variables:
        - {name: replicas, expression: object.spec.replicas}
        - {name: odd, expression: variables.replicas % 2 == 1}
        - {name: broken, expression: object.spec.nope}
        validations:
        - expression: variables.replicas > 1
        - expression: variables.odd
          messageExpression: "'even: ' + string(variables.replicas)"
        """), binding("b", "p", DENY));
    f.plugin().admit(createDeployment(3)); // "broken" is never read
    assertTrue(refused(f, createDeployment(4)).getMessage().endsWith("denied request: even: 4"));
    var g = new Policies.Fixture().add(policy("p", """
        variables:
        - {name: broken, expression: object.spec.nope}
        validations:
        - expression: variables.broken == 1
        """), binding("b", "p", DENY));
    assertTrue(refused(g, createDeployment(1)).getMessage().contains(
        "resulted in error: composited variable \"broken\" fails to evaluate: no such key: nope"));
  }

  @Test
  void paramsByNameAndSelectorWithTheirNotFoundActions() {
    String spec = """
        paramKind: {apiVersion: v1, kind: ConfigMap}
        validations:
        - expression: object.spec.replicas <= int(params.data.max)
          messageExpression: "'at most ' + params.data.max"
        """;
    var f = new Policies.Fixture().add(policy("p", spec),
        binding("b", "p", DENY + "\nparamRef: {name: limits, parameterNotFoundAction: Deny}"));
    ApiException missing = refused(f, createDeployment(1));
    assertTrue(missing.getMessage().endsWith("with binding 'b' denied request: failed to configure binding: no params "
        + "found for policy binding with `Deny` parameterNotFoundAction"), missing.getMessage());
    f.params.add(configMap("limits", "ns", "3", Map.of()));
    f.plugin().admit(createDeployment(3));
    assertTrue(refused(f, createDeployment(4)).getMessage().endsWith("denied request: at most 3"));

    var allow = new Policies.Fixture().add(policy("p", spec),
        binding("b", "p", DENY + "\nparamRef: {name: limits, parameterNotFoundAction: Allow}"));
    allow.plugin().admit(createDeployment(100));

    var selected = new Policies.Fixture().add(policy("p", spec), binding("b", "p",
        DENY + "\nparamRef: {selector: {matchLabels: {kind: limit}}, parameterNotFoundAction: Deny}"));
    selected.params.add(configMap("a", "ns", "10", Map.of("kind", "limit")));
    selected.params.add(configMap("b", "ns", "2", Map.of("kind", "limit")));
    selected.params.add(configMap("c", "ns", "1", Map.of("kind", "other")));
    selected.params.add(configMap("d", "dev", "1", Map.of("kind", "limit")));
    selected.plugin().admit(createDeployment(2));
    assertTrue(refused(selected, createDeployment(3)).getMessage().endsWith("denied request: at most 2"));
  }

  private static HasMetadata configMap(String name, String ns, String max, Map<String, String> labels) {
    var cm = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
        .endMetadata().withData(Map.of("max", max)).build();
    cm.setApiVersion("v1");
    cm.setKind("ConfigMap");
    return cm;
  }

  @Test
  void selectorsExclusionsAndMatchConditionsScopeThePolicy() {
    var scoped = policy("p", """
        matchConditions:
        - {name: not-system, expression: "!request.userInfo.username.startsWith('system:')"}
        validations: [{expression: 'false', message: no}]
        """).edit().editSpec().editMatchConstraints()
        .withNewNamespaceSelector().withMatchLabels(Map.of("env", "prod")).endNamespaceSelector()
        .withNewObjectSelector().addNewMatchExpression().withKey("skip").withOperator("DoesNotExist")
        .endMatchExpression().endObjectSelector().endMatchConstraints().endSpec().build();
    var f = new Policies.Fixture().add(scoped, binding("b", "p", DENY));
    refused(f, createDeployment(1));
    var d = def("apps", "v1", "deployments");
    f.plugin().admit(create(d, "dev", deployment("x", 1, Map.of())));
    f.plugin().admit(create(d, "ns", deployment("x", 1, Map.of("skip", "yes"))));
    f.plugin().admit(new AdmissionRequest(AdmissionRequest.Operation.CREATE, d, "ns", "x", null,
        deployment("x", 1, Map.of()), new UserInfo("system:admin", "", List.of()), false));
    // a binding's own matchResources narrow it further
    var g = new Policies.Fixture().add(policy("p", "validations: [{expression: 'false'}]"), binding("b", "p",
        DENY + "\nmatchResources: {namespaceSelector: {matchLabels: {env: dev}}}"));
    g.plugin().admit(createDeployment(1));
    refused(g, create(d, "dev", deployment("x", 1, Map.of())));
    var h = new Policies.Fixture().add(policy("p", "validations: [{expression: 'false'}]"), binding("b", "p",
        DENY + "\nmatchResources:\n  excludeResourceRules:\n  - {apiGroups: [apps], apiVersions: ['*'], "
            + "operations: ['*'], resources: [deployments], resourceNames: [web]}"));
    h.plugin().admit(createDeployment(1));
    refused(h, create(d, "ns", deployment("other", 1, Map.of())));
  }

  @Test
  void subresourcesAndEquivalentVersionsMatchAsUpstream() {
    var status = new Policies.Fixture().add(policy("p", "validations: [{expression: 'false'}]")
        .edit().editSpec().editMatchConstraints().editFirstResourceRule().withResources("*/status").endResourceRule()
        .endMatchConstraints().endSpec().build(), binding("b", "p", DENY));
    var d = def("apps", "v1", "deployments");
    var update = new AdmissionRequest(AdmissionRequest.Operation.UPDATE, d, "ns", "web", "status",
        deployment("web", 1, Map.of()), new UserInfo("u", "", List.of()), false);
    refused(status, update);
    status.plugin().admit(new AdmissionRequest(AdmissionRequest.Operation.UPDATE, d, "ns", "web", null,
        deployment("web", 1, Map.of()), new UserInfo("u", "", List.of()), false));

    // a rule on autoscaling/v2 matches an autoscaling/v1 request under Equivalent, and request.resource says v2
    var hpa = new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerBuilder().withNewMetadata()
        .withName("h").withNamespace("ns").endMetadata().build();
    var v1 = def("autoscaling", "v1", "horizontalpodautoscalers");
    String spec = "validations: [{expression: \"request.resource.version != 'v2' || object.apiVersion != "
        + "'autoscaling/v2' || request.requestResource.version != 'v1'\"}]";
    var eq = new Policies.Fixture().add(policy("p", spec).edit().editSpec().editMatchConstraints()
        .editFirstResourceRule().withApiGroups("autoscaling").withApiVersions("v2")
        .withResources("horizontalpodautoscalers").endResourceRule().endMatchConstraints().endSpec().build(),
        binding("b", "p", DENY));
    refused(eq, create(v1, "ns", hpa));
    var exact = new Policies.Fixture().add(policy("p", spec).edit().editSpec().editMatchConstraints()
        .withMatchPolicy("Exact").editFirstResourceRule().withApiGroups("autoscaling").withApiVersions("v2")
        .withResources("horizontalpodautoscalers").endResourceRule().endMatchConstraints().endSpec().build(),
        binding("b", "p", DENY));
    exact.plugin().admit(create(v1, "ns", hpa));
  }

  @Test
  void aRunawayExpressionFailsInsteadOfHanging() {
    String big = "[" + "1,".repeat(199) + "1]";
    var f = new Policies.Fixture().add(policy("p", "validations: [{expression: '" + big + ".all(a, " + big
        + ".all(b, " + big + ".all(c, a + b + c > 0)))'}]"), binding("b", "p", DENY));
    ApiException e = refused(f, createDeployment(1));
    assertTrue(e.getMessage().contains("operation cancelled: actual cost limit exceeded"), e.getMessage());
  }

  @Test
  void aPolicyThatDoesNotCompileIsAConfigurationError() {
    var f = new Policies.Fixture().add(policy("p", "validations: [{expression: 'object.spec.replicas >'}]"),
        binding("b", "p", DENY));
    assertTrue(refused(f, createDeployment(1)).getMessage().contains(
        "ValidatingAdmissionPolicy 'p' denied request: failed to configure policy: spec.validations[0].expression"));
  }

  @Test
  void theAdmissionConfigurationResourcesAreExempt() {
    var f = new Policies.Fixture().add(policy("p", "validations: [{expression: 'false'}]").edit().editSpec()
        .editMatchConstraints().editFirstResourceRule().withApiGroups("*").withApiVersions("*").withResources("*")
        .endResourceRule().endMatchConstraints().endSpec().build(), binding("b", "p", DENY));
    var vap = def("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies");
    f.plugin().admit(create(vap, null, policy("x", "validations: [{expression: 'true'}]")));
    refused(f, create(def("", "v1", "configmaps"), "ns", configMap("c", "ns", "1", Map.of())));
  }

  @Test
  void theRequestAndNamespaceObjectVariables() {
    var f = new Policies.Fixture().add(policy("p", """
        validations:
        - expression: >-
            request.operation == 'CREATE' && request.namespace == 'ns' && request.name == 'web' &&
            request.kind.kind == 'Deployment' && request.userInfo.username == 'alice' &&
            namespaceObject.metadata.labels.env == 'prod' && oldObject == null &&
            object.metadata.labels.all(k, k.matches('^[a-z]+$')) &&
            [3, 1, 2].sum() == 6 && ![3, 1].isSorted() && [1, 2, 1].lastIndexOf(1) == 2 &&
            'a-b-c'.split('-').size() == 3 && 'abc123'.find('[0-9]+') == '123'
        """), binding("b", "p", DENY));
    f.plugin().admit(createDeployment(1));
  }
}

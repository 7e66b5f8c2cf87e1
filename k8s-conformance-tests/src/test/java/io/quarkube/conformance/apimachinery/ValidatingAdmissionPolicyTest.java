package io.quarkube.conformance.apimachinery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * admissionregistration.k8s.io/v1 ValidatingAdmissionPolicies and bindings: CEL validations refusing, warning about
 * and scoping requests through stock kubectl (params from a ConfigMap, variables, a namespace selector), and the API
 * operations of upstream's conformance tests through the Fabric8 client.
 */
@ExtendWith(TestNamespace.class)
class ValidatingAdmissionPolicyTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private static String deployment(String name, int replicas, String labels) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %s, labels: {%s}}
        spec:
          replicas: %d
          selector: {matchLabels: {app: %s}}
          template:
            metadata: {labels: {app: %s}}
            spec:
              schedulerName: quarkube-e2e-unscheduled
              containers: [{name: main, image: registry.local/pause:3.9}]
        """.formatted(name, labels, replicas, name, name);
  }

  private void label(String ns, String key) {
    client.namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editMetadata().addToLabels(key, "true")
        .endMetadata().build());
  }

  @Conformance("api-machinery.validating-admission-policy")
  @Test
  void kubectlPoliciesRefuseWarnAndAreScopedByTheirBindings(String ns) {
    String policy = "e2e-max-replicas-" + ns;
    String warn = "e2e-team-label-" + ns;
    String other = ns + "-other";
    String selectorLabel = "e2e-vap-" + ns;
    try {
      label(ns, selectorLabel);
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other).endMetadata().build())
          .create();
      kubectl.runWithInput("""
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: replica-limits}
          data: {maxReplicas: "5"}
          """, "apply", "-n", ns, "-f", "-").ok();
      kubectl.runWithInput("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: %s}
          spec:
            failurePolicy: Fail
            paramKind: {apiVersion: v1, kind: ConfigMap}
            matchConstraints:
              resourceRules:
              - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
            variables:
            - {name: maxReplicas, expression: "int(params.data.maxReplicas)"}
            validations:
            - expression: object.spec.replicas <= variables.maxReplicas
              messageExpression: "'replicas must be at most ' + string(variables.maxReplicas)"
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: %s-binding}
          spec:
            policyName: %s
            validationActions: [Deny]
            paramRef: {name: replica-limits, parameterNotFoundAction: Deny}
            matchResources:
              namespaceSelector: {matchLabels: {%s: "true"}}
          """.formatted(policy, policy, policy, selectorLabel), "apply", "-f", "-").ok();

      // the status controller observes the policy's generation
      Await.until(WAIT, "status.observedGeneration of " + policy, () -> {
        ValidatingAdmissionPolicy p = client.admissionRegistration().v1().validatingAdmissionPolicies()
            .withName(policy).get();
        return p.getStatus() != null && p.getStatus().getTypeChecking() != null
            && p.getMetadata().getGeneration().equals(p.getStatus().getObservedGeneration());
      });
      List<String> policies = kubectl.run("get", "validatingadmissionpolicies", policy).ok().out().lines().toList();
      assertEquals(List.of("NAME", "VALIDATIONS", "PARAMKIND", "AGE"), words(policies.get(0)));
      assertEquals(List.of(policy, "1", "v1/ConfigMap"), words(policies.get(1)).subList(0, 3));
      List<String> bindings = kubectl.run("get", "validatingadmissionpolicybindings", policy + "-binding").ok().out()
          .lines().toList();
      assertEquals(List.of("NAME", "POLICYNAME", "PARAMREF", "AGE"), words(bindings.get(0)));
      assertEquals(List.of(policy + "-binding", policy, "*/replica-limits"), words(bindings.get(1)).subList(0, 3));
      String explain = kubectl.run("explain", "validatingadmissionpolicy.spec.validations.messageExpression").ok()
          .out();
      assertTrue(explain.contains("messageExpression"), explain);

      // a violating Deployment is refused with the message and code of the policy (once the policy is in effect)
      Await.until(WAIT, "the policy refusing 6 replicas", () -> {
        Kubectl.Result r = kubectl.runWithInput(deployment("big", 6, ""), "create", "-n", ns, "-f", "-");
        kubectl.run("delete", "deployment", "big", "-n", ns, "--ignore-not-found");
        return r.exitCode() != 0;
      });
      Kubectl.Result refused = kubectl.runWithInput(deployment("big", 6, ""), "create", "-n", ns, "-f", "-")
          .fails();
      assertTrue(refused.err().contains("The deployments \"big\" is invalid: : ValidatingAdmissionPolicy '" + policy
          + "' with binding '" + policy + "-binding' denied request: replicas must be at most 5"), refused.err());
      KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client.apps().deployments()
          .inNamespace(ns).resource(client.getKubernetesSerialization().unmarshal(deployment("big", 7, ""),
              Deployment.class)).create());
      assertEquals(422, e.getCode());
      assertEquals("Invalid", e.getStatus().getReason());
      kubectl.runWithInput(deployment("small", 5, "team: a"), "create", "-n", ns, "-f", "-").ok();
      // an update is checked too
      Kubectl.Result scaled = kubectl.run("patch", "deployment", "small", "-n", ns, "-p",
          "{\"spec\":{\"replicas\":9}}").fails();
      assertTrue(scaled.err().contains("replicas must be at most 5"), scaled.err());
      // deployments/scale is another resource, which the policy's rule does not name (as upstream)
      kubectl.run("scale", "deployment", "small", "-n", ns, "--replicas=9").ok();
      // the binding's namespaceSelector leaves other namespaces alone
      kubectl.runWithInput(deployment("big", 6, ""), "create", "-n", other, "-f", "-").ok();
      // a bigger limit in the param takes effect
      kubectl.run("patch", "configmap", "replica-limits", "-n", ns, "-p", "{\"data\":{\"maxReplicas\":\"8\"}}").ok();
      Await.until(WAIT, "the new limit", () -> kubectl.runWithInput(deployment("six", 6, "team: b"), "create", "-n",
          ns, "-f", "-").exitCode() == 0);

      // Warn: the request goes through, kubectl prints the failure as a warning
      kubectl.runWithInput("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: %s}
          spec:
            matchConstraints:
              resourceRules:
              - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
            validations:
            - expression: has(object.metadata.labels) && 'team' in object.metadata.labels
              message: deployments should carry a team label
            auditAnnotations:
            - {key: replicas, valueExpression: "'replicas: ' + string(object.spec.replicas)"}
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: %s-binding}
          spec:
            policyName: %s
            validationActions: [Warn, Audit]
            matchResources:
              namespaceSelector: {matchLabels: {%s: "true"}}
          """.formatted(warn, warn, warn, selectorLabel), "apply", "-f", "-").ok();
      String warning = "Warning: Validation failed for ValidatingAdmissionPolicy '" + warn + "' with binding '" + warn
          + "-binding': deployments should carry a team label";
      Await.until(WAIT, "the warning", () -> {
        Kubectl.Result r = kubectl.runWithInput(deployment("unlabelled", 1, ""), "create", "-n", ns, "-f", "-")
            .ok();
        kubectl.run("delete", "deployment", "unlabelled", "-n", ns).ok();
        return r.err().contains(warning);
      });
      assertTrue(!kubectl.runWithInput(deployment("labelled", 1, "team: c"), "create", "-n", ns, "-f", "-").ok()
          .err().contains("Warning"));
      // Audit: the failure and the policy's audit annotation are in the request's audit event
      java.nio.file.Path log = Cluster.stateDir().resolve("logs/audit.log");
      Await.until(WAIT, "the audit annotations", () -> {
        try {
          return java.nio.file.Files.readAllLines(log).stream().anyMatch(l -> l.contains("\"namespace\":\"" + ns
              + "\"") && l.contains("\"name\":\"unlabelled\"") && l.contains("\"verb\":\"create\"")
              && l.contains("validation.policy.admission.k8s.io/validation_failure")
              && l.contains("\"" + warn + "/replicas\":\"replicas: 1\""));
        } catch (java.io.IOException notYet) {
          return false;
        }
      });

      // an expression that does not compile is refused, naming its field
      Kubectl.Result bad = kubectl.runWithInput("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: %s-bad}
          spec:
            matchConstraints:
              resourceRules:
              - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
            validations: [{expression: "object.spec.replicas >"}]
          """.formatted(policy), "apply", "-f", "-").fails();
      assertTrue(bad.err().contains("The ValidatingAdmissionPolicy \"" + policy + "-bad\" is invalid: "
          + "spec.validations[0].expression: Invalid value: \"object.spec.replicas >\": compilation failed: ERROR: "
          + "<input>:1:"), bad.err());

      // without the policy, the violating Deployment is allowed again
      kubectl.run("delete", "validatingadmissionpolicy", policy).ok();
      Await.until(WAIT, "the policy gone", () -> kubectl.runWithInput(deployment("huge", 20, "team: d"), "create",
          "-n", ns, "-f", "-").exitCode() == 0);
    } finally {
      kubectl.run("delete", "validatingadmissionpolicy", policy, warn, "--ignore-not-found");
      kubectl.run("delete", "validatingadmissionpolicybinding", policy + "-binding", warn + "-binding",
          "--ignore-not-found");
      kubectl.run("delete", "namespace", other, "--ignore-not-found", "--wait=false");
    }
  }

  /**
   * matchPolicy Equivalent: a policy on autoscaling/v2 HPAs sees an autoscaling/v1 write converted to v2 (its
   * targetCPUUtilizationPercentage as a cpu metric), as upstream converts the object to the matched version.
   */
  @Conformance("api-machinery.validating-admission-policy")
  @Test
  void anEquivalentVersionIsValidatedInThePolicysVersion(String ns) {
    String policy = "e2e-hpa-cpu-" + ns;
    String label = "e2e-vap-hpa-" + ns;
    try {
      label(ns, label);
      kubectl.runWithInput("""
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicy
          metadata: {name: %s}
          spec:
            matchConstraints:
              resourceRules:
              - {apiGroups: [autoscaling], apiVersions: [v2], operations: [CREATE], resources: [horizontalpodautoscalers]}
            validations:
            - expression: >-
                request.requestResource.version == 'v1' && object.apiVersion == 'autoscaling/v2' &&
                object.spec.metrics.all(m, m.resource.target.averageUtilization <= 90)
              messageExpression: "'v1 as ' + object.apiVersion + ': cpu target above 90'"
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingAdmissionPolicyBinding
          metadata: {name: %s}
          spec:
            policyName: %s
            validationActions: [Deny]
            matchResources: {namespaceSelector: {matchLabels: {%s: "true"}}}
          """.formatted(policy, policy, policy, label), "apply", "-f", "-").ok();
      String hpa = """
          apiVersion: autoscaling/v1
          kind: HorizontalPodAutoscaler
          metadata: {name: %s}
          spec:
            scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
            maxReplicas: 3
            targetCPUUtilizationPercentage: %d
          """;
      Await.until(WAIT, "the v1 HPA refused", () -> kubectl.runWithInput(hpa.formatted("hot", 95), "create", "-n",
          ns, "-f", "-").err().contains("denied request: v1 as autoscaling/v2: cpu target above 90"));
      kubectl.runWithInput(hpa.formatted("cool", 50), "create", "-n", ns, "-f", "-").ok();
    } finally {
      kubectl.run("delete", "validatingadmissionpolicy", policy, "--ignore-not-found");
      kubectl.run("delete", "validatingadmissionpolicybinding", policy, "--ignore-not-found");
    }
  }

  /** Upstream's "should validate against a Deployment" and "should allow expressions to refer variables.". */
  @Conformance("api-machinery.validating-admission-policy")
  @Test
  void deploymentsAreValidatedWithNamespaceObjectAndVariables(String ns) {
    String name = ns + ".policy.example.com";
    label(ns, ns);
    var policies = client.admissionRegistration().v1().validatingAdmissionPolicies();
    var bindings = client.admissionRegistration().v1().validatingAdmissionPolicyBindings();
    try {
      policies.resource(new ValidatingAdmissionPolicyBuilder().withNewMetadata().withName(name).endMetadata()
          .withNewSpec().withNewMatchConstraints().withNewNamespaceSelector().addToMatchLabels(ns, "true")
          .endNamespaceSelector().addNewResourceRule().withOperations("CREATE", "UPDATE").withApiGroups("apps")
          .withApiVersions("v1").withResources("deployments").endResourceRule().endMatchConstraints()
          .addNewVariable().withName("replicas").withExpression("object.spec.replicas").endVariable()
          .addNewVariable().withName("oddReplicas").withExpression("variables.replicas % 2 == 1").endVariable()
          .addNewValidation().withExpression("variables.replicas > 1")
          .withMessageExpression("'wants replicas > 1, got ' + object.spec.replicas").endValidation()
          .addNewValidation().withExpression("variables.oddReplicas").endValidation()
          .addNewValidation().withExpression("namespaceObject.metadata.name == '" + ns + "'")
          .withMessage("Internal error! Other namespace should not be allowed.").endValidation()
          .endSpec().build()).create();
      bindings.resource(new ValidatingAdmissionPolicyBindingBuilder().withNewMetadata()
          .withName(ns + ".binding.example.com").endMetadata().withNewSpec().withPolicyName(name)
          .withValidationActions("Deny").withNewMatchResources().withNewNamespaceSelector().addToMatchLabels(ns, "true")
          .endNamespaceSelector().endMatchResources().endSpec().build()).create();
      Await.until(WAIT, "the marker deployment denied", () -> {
        try {
          client.apps().deployments().inNamespace(ns).resource(basicDeployment("marker", 1)).create();
          client.apps().deployments().inNamespace(ns).withName("marker").delete();
          return false;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 422) {
            throw e;
          }
          // string + int has no overload: upstream falls back to the expression
          assertTrue(e.getMessage().contains("failed expression: variables.replicas > 1"), e.getMessage());
          return true;
        }
      });
      client.apps().deployments().inNamespace(ns).resource(basicDeployment("replicated", 3)).create();
      KubernetesClientException even = assertThrows(KubernetesClientException.class, () -> client.apps()
          .deployments().inNamespace(ns).resource(basicDeployment("even", 2)).create());
      assertTrue(even.getMessage().contains("failed expression: variables.oddReplicas"), even.getMessage());
      client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata()
          .withName("non-replicated").endMetadata().withNewSpec().withReplicas(1).withNewSelector()
          .addToMatchLabels("app", "nginx").endSelector().withNewTemplate().withNewMetadata()
          .addToLabels("app", "nginx").endMetadata().withNewSpec().withSchedulerName("quarkube-e2e-unscheduled")
          .addNewContainer().withName("nginx").withImage("registry.local/pause:3.9").endContainer().endSpec()
          .endTemplate().endSpec().build()).create();
    } finally {
      bindings.withName(ns + ".binding.example.com").delete();
      policies.withName(name).delete();
    }
  }

  private static Deployment basicDeployment(String name, int replicas) {
    return new DeploymentBuilder().withNewMetadata().withName(name).addToLabels("app", "nginx").endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "nginx").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "nginx").endMetadata().withNewSpec()
        .withSchedulerName("quarkube-e2e-unscheduled").addNewContainer().withName("nginx")
        .withImage("registry.local/pause:3.9").endContainer().endSpec().endTemplate().endSpec().build();
  }

  @Conformance("api-machinery.validating-admission-policy-api")
  @Test
  void policyApiOperations(String ns) throws Exception {
    List<String> resources = client.getApiResources("admissionregistration.k8s.io/v1").getResources().stream()
        .map(APIResource::getName).toList();
    assertTrue(resources.containsAll(List.of("validatingadmissionpolicies", "validatingadmissionpolicies/status",
        "validatingadmissionpolicybindings")), resources.toString());
    var api = client.admissionRegistration().v1().validatingAdmissionPolicies();
    String label = "example-e2e-vap-label";
    ValidatingAdmissionPolicy template = new ValidatingAdmissionPolicyBuilder().withNewMetadata()
        .withGenerateName("e2e-example-vap-").addToLabels(label, ns).endMetadata().withNewSpec()
        .addNewValidation().withExpression("object.spec.replicas <= 100").endValidation().withNewMatchConstraints()
        .addNewResourceRule().withOperations("CREATE").withApiGroups("apps").withApiVersions("v1")
        .withResources("deployments").endResourceRule().endMatchConstraints().endSpec().build();
    try {
      api.resource(template).create();
      api.resource(template).create();
      ValidatingAdmissionPolicy created = api.resource(template).create();
      String name = created.getMetadata().getName();
      assertEquals("Fail", created.getSpec().getFailurePolicy());
      assertEquals(created.getMetadata().getUid(), api.withName(name).get().getMetadata().getUid());
      var list = api.withLabel(label, ns).list();
      assertEquals(3, list.getItems().size());

      BlockingQueue<ValidatingAdmissionPolicy> modified = new LinkedBlockingQueue<>();
      try (Watch w = api.withLabel(label, ns).withResourceVersion(list.getMetadata().getResourceVersion())
          .watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ValidatingAdmissionPolicy p) {
              if (action == Action.MODIFIED) {
                modified.add(p);
              }
            }

            @Override
            public void onClose(WatcherException cause) {}
          })) {
        ValidatingAdmissionPolicy patched = api.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"patched\":\"true\"}},\"spec\":{\"failurePolicy\":\"Ignore\"}}");
        assertEquals("true", patched.getMetadata().getAnnotations().get("patched"));
        assertEquals("Ignore", patched.getSpec().getFailurePolicy());
        // an update of what was read (the status controller may write in between: retry on conflict, as upstream)
        Await.until(WAIT, "an update", () -> {
          try {
            return "Fail".equals(api.withName(name).edit(p -> new ValidatingAdmissionPolicyBuilder(p)
                .editMetadata().addToAnnotations("updated", "true").endMetadata().editSpec()
                .withFailurePolicy("Fail").endSpec().build()).getSpec().getFailurePolicy());
          } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
              return false;
            }
            throw e;
          }
        });
        // as upstream's test: MODIFIED events until one carries the patch (the status controller writes too)
        ValidatingAdmissionPolicy seen;
        do {
          seen = modified.poll(30, TimeUnit.SECONDS);
          assertNotNull(seen, "a MODIFIED event with the patched annotation");
        } while (seen.getMetadata().getAnnotations() == null
            || !"true".equals(seen.getMetadata().getAnnotations().get("patched")));
      }

      // the status subresource
      ValidatingAdmissionPolicy statusPatched = api.withName(name).subresource("status").patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"conditions\":[{\"type\":\"PatchStatusFailed\","
              + "\"status\":\"False\",\"reason\":\"e2e\",\"message\":\"Set from an e2e test\","
              + "\"lastTransitionTime\":\"2024-01-01T00:00:00Z\"}]}}");
      assertTrue(statusPatched.getStatus().getConditions().stream().anyMatch(c -> c.getType()
          .equals("PatchStatusFailed")));
      Await.until(WAIT, "a status update", () -> {
        ValidatingAdmissionPolicy current = api.withName(name).get();
        List<Condition> conditions = new ArrayList<>(current.getStatus().getConditions());
        conditions.add(new ConditionBuilder().withType("StatusUpdateFailed").withStatus("False").withReason("E2E")
            .withMessage("Set from an e2e test").withLastTransitionTime("2024-01-02T00:00:00Z").build());
        current.getStatus().setConditions(conditions);
        try {
          return api.resource(current).updateStatus().getStatus().getConditions().stream()
              .anyMatch(c -> c.getType().equals("StatusUpdateFailed"));
        } catch (KubernetesClientException e) {
          if (e.getCode() == 409) {
            return false; // the status controller wrote in between
          }
          throw e;
        }
      });

      api.withName(name).delete();
      Await.until(WAIT, name + " deleted", () -> api.withName(name).get() == null);
      assertEquals(2, api.withLabel(label, ns).list().getItems().size());
      api.withLabel(label, ns).delete();
      Await.until(WAIT, "the collection deleted", () -> api.withLabel(label, ns).list().getItems().isEmpty());
    } finally {
      api.withLabel(label, ns).delete();
    }
  }

  @Conformance("api-machinery.validating-admission-policy-api")
  @Test
  void bindingApiOperations(String ns) throws Exception {
    var api = client.admissionRegistration().v1().validatingAdmissionPolicyBindings();
    String label = "example-e2e-vapb-label";
    ValidatingAdmissionPolicyBinding template = new ValidatingAdmissionPolicyBindingBuilder().withNewMetadata()
        .withGenerateName("e2e-example-vapb-").addToLabels(label, ns).endMetadata().withNewSpec()
        .withPolicyName("replicalimit-policy.example.com").withValidationActions("Deny").endSpec().build();
    try {
      api.resource(template).create();
      api.resource(template).create();
      ValidatingAdmissionPolicyBinding created = api.resource(template).create();
      String name = created.getMetadata().getName();
      var list = api.withLabel(label, ns).list();
      assertEquals(3, list.getItems().size());
      BlockingQueue<ValidatingAdmissionPolicyBinding> modified = new LinkedBlockingQueue<>();
      try (Watch w = api.withLabel(label, ns).withResourceVersion(list.getMetadata().getResourceVersion())
          .watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ValidatingAdmissionPolicyBinding b) {
              if (action == Action.MODIFIED) {
                modified.add(b);
              }
            }

            @Override
            public void onClose(WatcherException cause) {}
          })) {
        ValidatingAdmissionPolicyBinding patched = api.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"patched\":\"true\"}},\"spec\":{\"validationActions\":[\"Warn\"]}}");
        assertEquals(List.of("Warn"), patched.getSpec().getValidationActions());
        ValidatingAdmissionPolicyBinding updated = api.withName(name).edit(b ->
            new ValidatingAdmissionPolicyBindingBuilder(b).editMetadata().addToAnnotations("updated", "true")
                .endMetadata().editSpec().withValidationActions("Deny").endSpec().build());
        assertEquals(List.of("Deny"), updated.getSpec().getValidationActions());
        // as upstream's test: MODIFIED events until one carries the patch (the status controller writes too)
        ValidatingAdmissionPolicyBinding seen;
        do {
          seen = modified.poll(30, TimeUnit.SECONDS);
          assertNotNull(seen, "a MODIFIED event with the patched annotation");
        } while (seen.getMetadata().getAnnotations() == null
            || !"true".equals(seen.getMetadata().getAnnotations().get("patched")));
      }
      // Deny and Warn together are refused
      KubernetesClientException both = assertThrows(KubernetesClientException.class, () -> api.withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"validationActions\":[\"Deny\",\"Warn\"]}}"));
      assertEquals(422, both.getCode());
      api.withName(name).delete();
      Await.until(WAIT, name + " deleted", () -> api.withName(name).get() == null);
      assertEquals(2, api.withLabel(label, ns).list().getItems().size());
      api.withLabel(label, ns).delete();
      Await.until(WAIT, "the collection deleted", () -> api.withLabel(label, ns).list().getItems().isEmpty());
    } finally {
      api.withLabel(label, ns).delete();
    }
  }

  private static List<String> words(String line) {
    return Arrays.asList(line.trim().split("\\s+"));
  }
}

package io.quarkube.apiserver.admission.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamKind;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.admissionregistration.ValidatingAdmissionPolicyStrategy;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test fixtures: policies and bindings from YAML, a plugin over them, requests. */
final class Policies {
  static final ResourceCatalog CATALOG = ResourceCatalog.builtIn();

  private Policies() {}

  static <T> T yaml(String text, Class<T> type) {
    return Json.convert(Json.parseYaml(text.getBytes(StandardCharsets.UTF_8)), type);
  }

  /** A policy on apps/v1 deployments (CREATE, UPDATE) with the given spec lines appended (2-space indented). */
  static ValidatingAdmissionPolicy policy(String name, String specLines) {
    ValidatingAdmissionPolicy p = yaml("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: %s, uid: u-%s, resourceVersion: "1"}
        spec:
          matchConstraints:
            resourceRules:
            - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
        %s
        """.formatted(name, name, specLines.indent(2)), ValidatingAdmissionPolicy.class);
    new ValidatingAdmissionPolicyStrategy().prepareForCreate(p);
    return p;
  }

  static ValidatingAdmissionPolicyBinding binding(String name, String policy, String specLines) {
    return yaml("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: %s}
        spec:
          policyName: %s
        %s
        """.formatted(name, policy, specLines.indent(2)), ValidatingAdmissionPolicyBinding.class);
  }

  static HasMetadata deployment(String name, int replicas, Map<String, String> labels) {
    var d = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withNewMetadata().withName(name)
        .withNamespace("ns").withLabels(labels).endMetadata().withNewSpec().withReplicas(replicas).endSpec().build();
    d.setApiVersion("apps/v1");
    d.setKind("Deployment");
    return d;
  }

  static ResourceDefinition def(String group, String version, String resource) {
    return CATALOG.find(group, version, resource).orElseThrow();
  }

  static AdmissionRequest create(ResourceDefinition d, String namespace, HasMetadata o) {
    return new AdmissionRequest(AdmissionRequest.Operation.CREATE, d, namespace, o.getMetadata().getName(), null, o,
        new UserInfo("alice", "", List.of("system:authenticated")), false);
  }

  /** A plugin evaluating fixed policies, with namespaces and params given by hand. */
  static final class Fixture {
    final List<PolicySource.Hook> hooks = new ArrayList<>();
    final Map<String, Namespace> namespaces = new java.util.HashMap<>();
    final List<HasMetadata> params = new ArrayList<>();

    Fixture() {
      namespace("ns", Map.of("env", "prod"));
      namespace("dev", Map.of("env", "dev"));
    }

    Fixture namespace(String name, Map<String, String> labels) {
      namespaces.put(name, new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
          .build());
      return this;
    }

    Fixture add(ValidatingAdmissionPolicy p, ValidatingAdmissionPolicyBinding... bindings) {
      hooks.add(new PolicySource.Hook(PolicyCompiler.compile(p), List.of(bindings)));
      return this;
    }

    ValidatingAdmissionPolicyPlugin plugin() {
      ParamSource.Objects objects = new ParamSource.Objects() {
        @Override
        public Optional<ResourceDefinition> resourceOf(ParamKind kind) {
          return ParamSource.resourceOf(CATALOG.all(), kind);
        }

        @Override
        public Optional<HasMetadata> find(ResourceDefinition d, String namespace, String name) {
          return list(d, namespace).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
        }

        @Override
        public List<HasMetadata> list(ResourceDefinition d, String namespace) {
          return params.stream().filter(o -> o.getKind().equals(d.kind())
              && java.util.Objects.equals(o.getMetadata().getNamespace(), namespace)).toList();
        }
      };
      return new ValidatingAdmissionPolicyPlugin(() -> hooks, (Duration t) -> true, new ParamSource(objects),
          d -> ResourceMatcher.equivalentsIn(CATALOG.all(), d), r -> r.oldObject(), ns -> {
            Namespace n = namespaces.get(ns);
            if (n == null) {
              throw io.quarkube.apiserver.errors.ApiException.notFound("", "namespaces", ns);
            }
            return n;
          }, (o, from, to) -> {
            // autoscaling v1 -> v2 in the tests: the target reference is all they look at
            var tree = Json.tree(o);
            tree.put("apiVersion", to.apiVersion());
            return Json.convert(tree, to.type());
          });
    }
  }
}

package io.quarkube.apiserver.admission.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.quarkube.apiserver.admission.AdmissionPlugin;
import io.quarkube.apiserver.admission.AdmissionAttributes;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.admission.AdmissionRequest.Operation;
import io.quarkube.apiserver.admission.CachedReads;
import io.quarkube.apiserver.authz.Forbidden;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.security.RequestContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Upstream's ValidatingAdmissionPolicy plugin, in the validating phase beside the validating webhooks: for every
 * policy whose matchConstraints select the request, every binding of it whose matchResources select it too, and
 * every param the binding names, the policy's validations run ({@link PolicyValidator}). A failed validation acts by
 * the binding's {@code validationActions}: Deny refuses the request (the first denial: a Status with the validation's
 * reason, Invalid 422 by default, and upstream's "ValidatingAdmissionPolicy 'p' with binding 'b' denied request"
 * message), Warn adds a {@code Warning} header, Audit the {@code validation.policy.admission.k8s.io/validation_failure}
 * audit annotation. Configuration errors (a policy that does not compile, params not found) follow the policy's
 * failurePolicy. Requests on the admission configuration resources themselves are never checked, so a bad policy
 * can always be fixed.
 */
public final class ValidatingAdmissionPolicyPlugin implements AdmissionPlugin {
  static final String VALIDATION_FAILURE = "validation.policy.admission.k8s.io/validation_failure";
  private static final Set<String> EXEMPT = Set.of("validatingadmissionpolicies", "validatingadmissionpolicybindings",
      "mutatingadmissionpolicies", "mutatingadmissionpolicybindings", "validatingwebhookconfigurations",
      "mutatingwebhookconfigurations");

  private final Supplier<List<PolicySource.Hook>> hooks;
  private final Predicate<Duration> synced;
  private final ParamSource params;
  private final ResourceMatcher matcher;
  private final Function<AdmissionRequest, HasMetadata> stored;
  private final Function<String, HasMetadata> namespaces;
  private final PolicyRequest.Converter converter;

  ValidatingAdmissionPolicyPlugin(Supplier<List<PolicySource.Hook>> hooks, Predicate<Duration> synced,
      ParamSource params, Function<ResourceDefinition, List<ResourceDefinition>> equivalents,
      Function<AdmissionRequest, HasMetadata> stored, Function<String, HasMetadata> namespaces,
      PolicyRequest.Converter converter) {
    this.converter = converter;
    this.hooks = hooks;
    this.synced = synced;
    this.params = params;
    this.stored = stored;
    this.namespaces = namespaces;
    this.matcher = new ResourceMatcher(ns -> {
      Map<String, String> labels = namespaces.apply(ns).getMetadata().getLabels();
      return labels == null ? Map.of() : labels;
    }, equivalents);
  }

  /** The plugin of the API server: policies from {@code source}, params and stored objects from the registry. */
  public static ValidatingAdmissionPolicyPlugin create(PolicySource source, Registry registry,
      CachedReads namespaceReads) {
    return new ValidatingAdmissionPolicyPlugin(source::hooks, source::awaitSynced, ParamSource.of(registry),
        d -> ResourceMatcher.equivalentsIn(registry.catalog().all(), d), r -> stored(registry, r),
        ns -> namespaceReads.find(null, ns).orElseThrow(() -> ApiException.notFound("", "namespaces", ns)),
        (o, from, to) -> registry.store(from).convertTo(o, registry.store(to)));
  }

  @Override
  public String name() {
    return "ValidatingAdmissionPolicy";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (isExempt(r.resource())) {
      return;
    }
    if (!synced.test(Duration.ofSeconds(10))) {
      throw Forbidden.forbidden(r.resource().group(), r.resource().resource(), AdmissionAttributes.name(r),
          "not yet ready to handle request");
    }
    List<PolicySource.Hook> current = hooks.get();
    if (current.isEmpty()) {
      return;
    }
    PolicyRequest request = new PolicyRequest(r, () -> stored.apply(r), namespaces, converter);
    List<Denial> denials = new ArrayList<>();
    for (PolicySource.Hook hook : current) {
      dispatch(hook, request, denials);
    }
    if (!denials.isEmpty()) {
      throw denials.get(0).toException(r);
    }
  }

  /** One denial with the policy and binding behind it (binding null: the policy itself is misconfigured). */
  record Denial(String policy, String binding, String message, String reason) {
    ApiException toException(AdmissionRequest r) {
      String message = binding == null
          ? "ValidatingAdmissionPolicy '" + policy + "' denied request: " + this.message
          : "ValidatingAdmissionPolicy '" + policy + "' with binding '" + binding + "' denied request: "
              + this.message;
      Status s = Forbidden.forbidden(r.resource().group(), r.resource().resource(), AdmissionAttributes.name(r), message)
          .status();
      String why = reason == null || reason.isEmpty() ? "Invalid" : reason;
      s.setReason(why);
      s.setCode(code(why));
      StatusDetails details = s.getDetails() == null ? new StatusDetails() : s.getDetails();
      List<StatusCause> causes = details.getCauses() == null ? new ArrayList<>() : new ArrayList<>(details.getCauses());
      causes.add(new StatusCause(null, message, null));
      details.setCauses(causes);
      s.setDetails(details);
      return new ApiException(s);
    }

    static int code(String reason) {
      return switch (reason) {
        case "Forbidden" -> 403;
        case "Unauthorized" -> 401;
        case "RequestEntityTooLarge" -> 413;
        default -> 422;
      };
    }
  }

  private void dispatch(PolicySource.Hook hook, PolicyRequest request, List<Denial> denials) {
    CompiledPolicy policy = hook.policy();
    AdmissionRequest r = request.request;
    Supplier<HasMetadata> old = request::storedObject;
    Optional<ResourceDefinition> matched;
    try {
      matched = matcher.matches(policy.policy().getSpec().getMatchConstraints(), r, old);
    } catch (ApiException e) {
      configError(policy, null, e.getMessage(), denials);
      return;
    }
    if (matched.isEmpty()) {
      return;
    }
    if (!policy.errors().isEmpty()) {
      configError(policy, null, String.join("; ", policy.errors().stream().map(FieldError::toString).toList()),
          denials);
      return;
    }
    Map<String, List<String>> annotations = new LinkedHashMap<>();
    for (ValidatingAdmissionPolicyBinding binding : hook.bindings()) {
      try {
        if (matcher.matches(binding.getSpec().getMatchResources(), r, old).isEmpty()) {
          continue;
        }
      } catch (ApiException e) {
        configError(policy, binding, e.getMessage(), denials);
        continue;
      }
      List<Object> found;
      try {
        found = params.collect(policy.policy().getSpec().getParamKind(), binding.getSpec().getParamRef(),
            r.namespace());
      } catch (ParamSource.ParamException e) {
        configError(policy, binding, e.getMessage(), denials);
        continue;
      }
      for (Object param : found) {
        PolicyValidator.Result result = PolicyValidator.validate(policy, request, matched.get(), param);
        act(policy, binding, result, denials);
        result.auditAnnotations().forEach((k, v) -> {
          List<String> values = annotations.computeIfAbsent(k, x -> new ArrayList<>());
          if (!values.contains(v)) {
            values.add(v);
          }
        });
      }
    }
    annotations.forEach((k, v) -> RequestContexts.annotate(policy.name() + "/" + k, String.join(", ", v)));
  }

  private static void act(CompiledPolicy policy, ValidatingAdmissionPolicyBinding binding,
      PolicyValidator.Result result, List<Denial> denials) {
    List<String> actions = binding.getSpec().getValidationActions() == null ? List.of()
        : binding.getSpec().getValidationActions();
    for (Decision d : result.decisions()) {
      if (!d.deny()) {
        continue;
      }
      if (d.index() == Decision.AUDIT_ANNOTATION) {
        denials.add(new Denial(policy.name(), binding.getMetadata().getName(), d.message(), d.reason()));
        continue;
      }
      for (String action : new LinkedHashSet<>(actions)) {
        switch (action) {
          case "Deny" -> denials.add(new Denial(policy.name(), binding.getMetadata().getName(), d.message(),
              d.reason()));
          case "Warn" -> RequestContexts.warn("Validation failed for ValidatingAdmissionPolicy '" + policy.name()
              + "' with binding '" + binding.getMetadata().getName() + "': " + d.message());
          case "Audit" -> RequestContexts.annotate(VALIDATION_FAILURE, failureValue(policy, binding, d, actions));
          default -> { }
        }
      }
    }
  }

  /** A configuration error: a denial under failurePolicy Fail, nothing under Ignore. */
  private static void configError(CompiledPolicy policy, ValidatingAdmissionPolicyBinding binding, String why,
      List<Denial> denials) {
    if (policy.failOpen()) {
      return;
    }
    denials.add(new Denial(policy.name(), binding == null ? null : binding.getMetadata().getName(),
        (binding == null ? "failed to configure policy: " : "failed to configure binding: ") + why, "Invalid"));
  }

  private static String failureValue(CompiledPolicy policy, ValidatingAdmissionPolicyBinding binding, Decision d,
      List<String> actions) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    ObjectNode v = list.addObject();
    v.put("message", d.message());
    v.put("policy", policy.name());
    v.put("binding", binding.getMetadata().getName());
    v.put("expressionIndex", d.index());
    ArrayNode a = v.putArray("validationActions");
    actions.forEach(a::add);
    return list.toString();
  }

  /** The stored object of an update or delete: the one the request carries, else read. */
  private static HasMetadata stored(Registry registry, AdmissionRequest r) {
    if (r.operation() != Operation.UPDATE && r.operation() != Operation.DELETE || r.name() == null) {
      return null;
    }
    if (r.oldObject() != null) {
      return r.oldObject();
    }
    GenericStore<HasMetadata> store = registry.store(r.resource());
    if (store == null) {
      return null;
    }
    try {
      return store.find(r.resource().namespaced() ? r.namespace() : null, r.name()).orElse(null);
    } catch (ApiException e) {
      return null;
    }
  }

  static boolean isExempt(ResourceDefinition d) {
    return d.group().equals("admissionregistration.k8s.io") && EXEMPT.contains(d.resource());
  }

  public void stop() {
    params.stop();
  }
}

package io.quarkube.apiserver.registry.admissionregistration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.quarkube.apiserver.admission.webhook.MatchConditions;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Strategy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Mutating- and ValidatingWebhookConfigurations: upstream's v1 defaults (failurePolicy Fail, matchPolicy
 * Equivalent, timeoutSeconds 10, empty selectors, scope "*", service port 443, reinvocationPolicy Never) and the
 * validation of {@code ValidateMutatingWebhookConfiguration}, matchConditions compiled (one that does not compile is
 * Invalid, "compilation failed"). Both kinds share the webhook fields, so the rules work
 * on the JSON form of the webhook list and one class serves both.
 */
public final class WebhookConfigurationStrategy<T extends HasMetadata, W> implements Strategy<T> {
  private static final List<String> OPERATIONS = List.of("*", "CREATE", "UPDATE", "DELETE", "CONNECT");
  private static final List<String> SCOPES = List.of("Cluster", "Namespaced", "*");
  private static final List<String> FAILURE_POLICIES = List.of("Ignore", "Fail");
  private static final List<String> MATCH_POLICIES = List.of("Exact", "Equivalent");
  private static final List<String> SIDE_EFFECTS = List.of("None", "NoneOnDryRun");
  private static final List<String> REINVOCATION = List.of("Never", "IfNeeded");
  private static final List<String> REVIEW_VERSIONS = List.of("v1", "v1beta1");

  private final Function<T, List<W>> webhooks;
  private final BiConsumer<T, List<W>> setWebhooks;
  private final Class<W> type;
  private final boolean mutating;

  private WebhookConfigurationStrategy(Function<T, List<W>> webhooks, BiConsumer<T, List<W>> setWebhooks,
      Class<W> type, boolean mutating) {
    this.webhooks = webhooks;
    this.setWebhooks = setWebhooks;
    this.type = type;
    this.mutating = mutating;
  }

  public static Strategy<MutatingWebhookConfiguration> mutating() {
    return new WebhookConfigurationStrategy<>(MutatingWebhookConfiguration::getWebhooks,
        MutatingWebhookConfiguration::setWebhooks, MutatingWebhook.class, true);
  }

  public static Strategy<ValidatingWebhookConfiguration> validating() {
    return new WebhookConfigurationStrategy<>(ValidatingWebhookConfiguration::getWebhooks,
        ValidatingWebhookConfiguration::setWebhooks, ValidatingWebhook.class, false);
  }

  @Override
  public void prepareForCreate(T object) {
    List<W> list = webhooks.apply(object);
    if (list == null || list.isEmpty()) {
      return;
    }
    List<W> out = new ArrayList<>();
    for (W w : list) {
      ObjectNode n = Json.MAPPER.valueToTree(w);
      defaults(n);
      out.add(Json.convert(n, type));
    }
    setWebhooks.accept(object, out);
  }

  @Override
  public void prepareForUpdate(T object, T old) {
    prepareForCreate(object);
  }

  @Override
  public boolean resetsStatusOnCreate() {
    return false;
  }

  private void defaults(ObjectNode w) {
    putIfMissing(w, "failurePolicy", "Fail");
    putIfMissing(w, "matchPolicy", "Equivalent");
    if (!w.hasNonNull("timeoutSeconds")) {
      w.put("timeoutSeconds", 10);
    }
    for (String selector : List.of("namespaceSelector", "objectSelector")) {
      if (!w.hasNonNull(selector)) {
        w.putObject(selector);
      }
    }
    if (mutating) {
      putIfMissing(w, "reinvocationPolicy", "Never");
    }
    JsonNode service = w.path("clientConfig").path("service");
    if (service.isObject() && !service.hasNonNull("port")) {
      ((ObjectNode) service).put("port", 443);
    }
    if (w.path("rules").isArray()) {
      for (JsonNode rule : w.get("rules")) {
        if (rule.isObject()) {
          putIfMissing((ObjectNode) rule, "scope", "*");
        }
      }
    }
  }

  private static void putIfMissing(ObjectNode n, String field, String value) {
    if (!n.hasNonNull(field) || n.get(field).asText().isEmpty()) {
      n.put(field, value);
    }
  }

  @Override
  public List<FieldError> validate(T object) {
    List<FieldError> errors = new ArrayList<>();
    List<W> list = webhooks.apply(object);
    if (list == null) {
      return errors;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode w = Json.MAPPER.valueToTree(list.get(i));
      String path = "webhooks[" + i + "]";
      String name = w.path("name").asText("");
      if (name.isEmpty()) {
        errors.add(FieldError.required(path + ".name", ""));
      } else if (!fullyQualified(name)) {
        errors.add(FieldError.invalid(path + ".name", name, "should be a domain with at least three segments "
            + "separated by dots"));
      } else if (!names.add(name)) {
        errors.add(new FieldError(FieldError.Type.DUPLICATE, path + ".name", name, null));
      }
      validateWebhook(w, path, errors);
    }
    return errors;
  }

  private void validateWebhook(JsonNode w, String path, List<FieldError> errors) {
    JsonNode rules = w.path("rules");
    for (int r = 0; r < rules.size(); r++) {
      validateRule(rules.get(r), path + ".rules[" + r + "]", errors);
    }
    oneOf(w, "failurePolicy", FAILURE_POLICIES, path, errors);
    oneOf(w, "matchPolicy", MATCH_POLICIES, path, errors);
    if (mutating) {
      oneOf(w, "reinvocationPolicy", REINVOCATION, path, errors);
    }
    String sideEffects = w.path("sideEffects").asText("");
    if (sideEffects.isEmpty()) {
      errors.add(FieldError.required(path + ".sideEffects", "must specify one of None, NoneOnDryRun"));
    } else if (!SIDE_EFFECTS.contains(sideEffects)) {
      errors.add(FieldError.notSupported(path + ".sideEffects", sideEffects, SIDE_EFFECTS));
    }
    if (w.hasNonNull("timeoutSeconds")) {
      int t = w.get("timeoutSeconds").asInt();
      if (t < 1 || t > 30) {
        errors.add(FieldError.invalid(path + ".timeoutSeconds", t,
            "the timeout value must be between 1 and 30 seconds"));
      }
    }
    JsonNode versions = w.path("admissionReviewVersions");
    if (versions.size() == 0) {
      errors.add(FieldError.required(path + ".admissionReviewVersions", "must specify one of v1, v1beta1"));
    } else {
      boolean known = false;
      for (JsonNode v : versions) {
        known |= REVIEW_VERSIONS.contains(v.asText());
      }
      if (!known) {
        errors.add(FieldError.invalid(path + ".admissionReviewVersions", Json.MAPPER.convertValue(versions,
            List.class), "must include at least one of v1, v1beta1"));
      }
    }
    validateClientConfig(w.path("clientConfig"), path + ".clientConfig", errors);
    JsonNode conditions = w.path("matchConditions");
    if (conditions.isArray()) {
      AdmissionPolicyValidation.matchConditions(Json.MAPPER.convertValue(conditions,
          new com.fasterxml.jackson.core.type.TypeReference<List<MatchCondition>>() {}), path + ".matchConditions",
          errors);
      errors.addAll(MatchConditions.compileErrors(conditions, path + ".matchConditions"));
    }
  }

  private static void validateRule(JsonNode rule, String path, List<FieldError> errors) {
    JsonNode ops = rule.path("operations");
    if (ops.size() == 0) {
      errors.add(FieldError.required(path + ".operations", ""));
    }
    for (JsonNode op : ops) {
      if (!OPERATIONS.contains(op.asText())) {
        errors.add(FieldError.notSupported(path + ".operations", op.asText(), OPERATIONS));
      }
    }
    for (String field : List.of("apiGroups", "apiVersions", "resources")) {
      if (rule.path(field).size() == 0) {
        errors.add(FieldError.required(path + "." + field, ""));
      }
    }
    for (JsonNode res : rule.path("resources")) {
      String s = res.asText();
      if (s.isEmpty()) {
        errors.add(FieldError.required(path + ".resources", ""));
      } else if (s.startsWith("*/") && !s.equals("*/*") && s.length() > 2 && s.substring(2).contains("/")) {
        errors.add(FieldError.invalid(path + ".resources", s, "resource contains more than one \"/\""));
      }
    }
    oneOf(rule, "scope", SCOPES, path, errors);
  }

  private static void validateClientConfig(JsonNode cc, String path, List<FieldError> errors) {
    boolean hasUrl = cc.hasNonNull("url") && !cc.get("url").asText().isEmpty();
    boolean hasService = cc.hasNonNull("service") && cc.get("service").isObject();
    if (hasUrl == hasService) {
      errors.add(FieldError.required(path, "exactly one of url or service is required"));
      return;
    }
    if (hasUrl) {
      String url = cc.get("url").asText();
      try {
        URI u = new URI(url);
        if (!"https".equals(u.getScheme())) {
          errors.add(FieldError.invalid(path + ".url", url, "'https' is the only allowed URL scheme"));
        } else if (u.getHost() == null || u.getHost().isEmpty()) {
          errors.add(FieldError.invalid(path + ".url", url, "host must be specified"));
        } else if (u.getRawFragment() != null || u.getRawQuery() != null) {
          errors.add(FieldError.invalid(path + ".url", url, "fragments and query parameters are not permitted"));
        } else if (u.getRawUserInfo() != null) {
          errors.add(FieldError.invalid(path + ".url", url, "user information is not permitted in the URL"));
        }
      } catch (URISyntaxException e) {
        errors.add(FieldError.invalid(path + ".url", url, "url must be a valid URL: " + e.getMessage()));
      }
      return;
    }
    JsonNode svc = cc.get("service");
    for (String field : List.of("name", "namespace")) {
      if (svc.path(field).asText("").isEmpty()) {
        errors.add(FieldError.required(path + ".service." + field, "service " + field + " is required"));
      }
    }
    if (svc.hasNonNull("port")) {
      int port = svc.get("port").asInt();
      if (port < 1 || port > 65535) {
        errors.add(FieldError.invalid(path + ".service.port", port, "port is not valid: must be between 1 and "
            + "65535, inclusive"));
      }
    }
    String p = svc.path("path").asText("");
    if (!p.isEmpty() && !p.startsWith("/")) {
      errors.add(FieldError.invalid(path + ".service.path", p, "must start with a '/'"));
    }
  }

  private static void oneOf(JsonNode n, String field, List<String> allowed, String path, List<FieldError> errors) {
    if (n.hasNonNull(field) && !allowed.contains(n.get(field).asText())) {
      errors.add(FieldError.notSupported(path + "." + field, n.get(field).asText(), allowed));
    }
  }

  /** Upstream's IsFullyQualifiedName: a DNS subdomain with at least three segments. */
  private static boolean fullyQualified(String name) {
    return name.split("\\.", -1).length >= 3
        && name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*") && name.length() <= 253;
  }
}

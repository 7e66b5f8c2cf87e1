package io.quarkube.apiserver.registry.flowcontrol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaCondition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchemaSpec;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.LimitResponse;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.LimitedPriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.NonResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PolicyRulesWithSubjects;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationCondition;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationSpec;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.QueuingConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.Subject;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Upstream's {@code pkg/apis/flowcontrol/validation} (1.32): flow schemas, priority levels and their statuses, and
 * the mandatory objects' fixed specs (only the {@code exempt} level's {@code spec.exempt} may differ).
 */
public final class FlowControlValidation {
  static final int MAX_MATCHING_PRECEDENCE = 10000;
  static final int MAX_QUEUES = 10_000_000;
  /** Upstream's shufflesharding.MaxHashBits. */
  static final int MAX_HASH_BITS = 60;
  static final List<String> DISTINGUISHER_METHODS = List.of("ByNamespace", "ByUser");
  static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "proxy",
      "update", "watch");
  static final List<String> SUBJECT_KINDS = List.of("Group", "ServiceAccount", "User");
  static final List<String> LEVEL_TYPES = List.of("Exempt", "Limited");
  static final List<String> LIMIT_RESPONSE_TYPES = List.of("Queue", "Reject");
  private static final String NS_INTRO = "each member of this list must be '*' or a DNS-1123 label; ";

  private FlowControlValidation() {}

  // ------------------------------------------------------------------------------------------------ FlowSchema

  public static List<FieldError> flowSchema(FlowSchema fs) {
    List<FieldError> errors = new ArrayList<>();
    String name = fs.getMetadata().getName();
    FlowSchemaSpec spec = fs.getSpec() == null ? new FlowSchemaSpec() : fs.getSpec();
    int precedence = spec.getMatchingPrecedence() == null ? 0 : spec.getMatchingPrecedence();
    if (precedence <= 0) {
      errors.add(FieldError.invalid("spec.matchingPrecedence", precedence, "must be a positive value"));
    }
    if (precedence > MAX_MATCHING_PRECEDENCE) {
      errors.add(FieldError.invalid("spec.matchingPrecedence", precedence,
          "must not be greater than " + MAX_MATCHING_PRECEDENCE));
    }
    if (precedence == 1 && !BootstrapConfiguration.EXEMPT.equals(name)) {
      errors.add(FieldError.invalid("spec.matchingPrecedence", precedence,
          "only the schema named 'exempt' may have matchingPrecedence 1"));
    }
    if (spec.getDistinguisherMethod() != null
        && !DISTINGUISHER_METHODS.contains(spec.getDistinguisherMethod().getType())) {
      errors.add(FieldError.notSupported("spec.distinguisherMethod.type",
          Objects.toString(spec.getDistinguisherMethod().getType(), ""), DISTINGUISHER_METHODS));
    }
    String level = spec.getPriorityLevelConfiguration() == null ? null : spec.getPriorityLevelConfiguration().getName();
    if (level == null || level.isEmpty()) {
      errors.add(FieldError.required("spec.priorityLevelConfiguration.name", "must reference a priority level"));
    } else if (!Validation.isDns1123Subdomain(level)) {
      errors.add(FieldError.invalid("spec.priorityLevelConfiguration.name", level,
          level.length() > 253 ? "must be no more than 253 characters" : Validation.DNS1123_SUBDOMAIN_MESSAGE));
    }
    List<PolicyRulesWithSubjects> rules = nullToEmpty(spec.getRules());
    for (int i = 0; i < rules.size(); i++) {
      policyRules(rules.get(i), "spec.rules[" + i + "]", errors);
    }
    FlowSchema mandatory = BootstrapConfiguration.mandatoryFlowSchema(name);
    if (mandatory != null && !semanticallyEqual(spec, mandatory.getSpec())) {
      errors.add(FieldError.invalid("spec", Json.tree(spec).toString(),
          "spec of '" + name + "' must equal the fixed value"));
    }
    flowSchemaStatus(fs, errors);
    return errors;
  }

  static void flowSchemaStatus(FlowSchema fs, List<FieldError> errors) {
    if (fs.getStatus() == null) {
      return;
    }
    List<FlowSchemaCondition> conditions = nullToEmpty(fs.getStatus().getConditions());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < conditions.size(); i++) {
      String type = Objects.toString(conditions.get(i).getType(), "");
      conditionType(type, "status.conditions[" + i + "]", seen, errors);
    }
  }

  private static void conditionType(String type, String path, Set<String> seen, List<FieldError> errors) {
    if (!seen.add(type)) {
      errors.add(FieldError.duplicate(path + ".type", type));
    }
    if (type.isEmpty()) {
      errors.add(FieldError.required(path + ".type", "must not be empty"));
    }
  }

  private static void policyRules(PolicyRulesWithSubjects rule, String path, List<FieldError> errors) {
    List<Subject> subjects = nullToEmpty(rule.getSubjects());
    if (subjects.isEmpty()) {
      errors.add(FieldError.required(path + ".subjects", "subjects must contain at least one value"));
    }
    for (int i = 0; i < subjects.size(); i++) {
      subject(subjects.get(i), path + ".subjects[" + i + "]", errors);
    }
    List<ResourcePolicyRule> resourceRules = nullToEmpty(rule.getResourceRules());
    List<NonResourcePolicyRule> nonResourceRules = nullToEmpty(rule.getNonResourceRules());
    if (resourceRules.isEmpty() && nonResourceRules.isEmpty()) {
      errors.add(FieldError.required(path, "at least one of resourceRules and nonResourceRules has to be non-empty"));
    }
    for (int i = 0; i < resourceRules.size(); i++) {
      resourceRule(resourceRules.get(i), path + ".resourceRules[" + i + "]", errors);
    }
    for (int i = 0; i < nonResourceRules.size(); i++) {
      nonResourceRule(nonResourceRules.get(i), path + ".nonResourceRules[" + i + "]", errors);
    }
  }

  private static void subject(Subject s, String path, List<FieldError> errors) {
    String kind = Objects.toString(s.getKind(), "");
    switch (kind) {
      case "ServiceAccount" -> {
        if (s.getServiceAccount() == null) {
          errors.add(FieldError.required(path + ".serviceAccount",
              "serviceAccount is required when subject kind is 'ServiceAccount'"));
        } else {
          String name = Objects.toString(s.getServiceAccount().getName(), "");
          if (name.isEmpty()) {
            errors.add(FieldError.required(path + ".serviceAccount.name", ""));
          } else if (!name.equals("*") && !Validation.isDns1123Subdomain(name)) {
            errors.add(FieldError.invalid(path + ".serviceAccount.name", name, Validation.DNS1123_SUBDOMAIN_MESSAGE));
          }
          String ns = Objects.toString(s.getServiceAccount().getNamespace(), "");
          if (ns.isEmpty()) {
            errors.add(FieldError.required(path + ".serviceAccount.namespace",
                "must specify namespace for service account"));
          } else if (!Validation.isDns1123Label(ns)) {
            errors.add(FieldError.invalid(path + ".serviceAccount.namespace", ns, Validation.DNS1123_LABEL_MESSAGE));
          }
        }
        forbidUser(s, path, errors);
        forbidGroup(s, path, errors);
      }
      case "User" -> {
        if (s.getUser() == null) {
          errors.add(FieldError.required(path + ".user", "user is required when subject kind is 'User'"));
        } else if (s.getUser().getName() == null || s.getUser().getName().isEmpty()) {
          errors.add(FieldError.required(path + ".user.name", ""));
        }
        forbidServiceAccount(s, path, errors);
        forbidGroup(s, path, errors);
      }
      case "Group" -> {
        if (s.getGroup() == null) {
          errors.add(FieldError.required(path + ".group", "group is required when subject kind is 'Group'"));
        } else if (s.getGroup().getName() == null || s.getGroup().getName().isEmpty()) {
          errors.add(FieldError.required(path + ".group.name", ""));
        }
        forbidServiceAccount(s, path, errors);
        forbidUser(s, path, errors);
      }
      default -> errors.add(FieldError.notSupported(path + ".kind", kind, SUBJECT_KINDS));
    }
  }

  private static void forbidUser(Subject s, String path, List<FieldError> errors) {
    if (s.getUser() != null) {
      errors.add(FieldError.forbidden(path + ".user", "user is forbidden when subject kind is not 'User'"));
    }
  }

  private static void forbidGroup(Subject s, String path, List<FieldError> errors) {
    if (s.getGroup() != null) {
      errors.add(FieldError.forbidden(path + ".group", "group is forbidden when subject kind is not 'Group'"));
    }
  }

  private static void forbidServiceAccount(Subject s, String path, List<FieldError> errors) {
    if (s.getServiceAccount() != null) {
      errors.add(FieldError.forbidden(path + ".serviceAccount",
          "serviceAccount is forbidden when subject kind is not 'ServiceAccount'"));
    }
  }

  private static void verbs(List<String> verbs, String path, List<FieldError> errors) {
    if (verbs.isEmpty()) {
      errors.add(FieldError.required(path + ".verbs", "verbs must contain at least one value"));
    } else if (verbs.contains("*")) {
      if (verbs.size() > 1) {
        errors.add(FieldError.invalid(path + ".verbs", goList(verbs), "if '*' is present, must not specify other verbs"));
      }
    } else if (!VERBS.containsAll(verbs)) {
      errors.add(FieldError.notSupported(path + ".verbs", goList(verbs), VERBS));
    }
  }

  private static void resourceRule(ResourcePolicyRule r, String path, List<FieldError> errors) {
    verbs(nullToEmpty(r.getVerbs()), path, errors);
    List<String> groups = nullToEmpty(r.getApiGroups());
    if (groups.isEmpty()) {
      errors.add(FieldError.required(path + ".apiGroups", "resource rules must supply at least one api group"));
    } else if (groups.size() > 1 && groups.contains("*")) {
      errors.add(FieldError.invalid(path + ".apiGroups", goList(groups),
          "if '*' is present, must not specify other api groups"));
    }
    List<String> resources = nullToEmpty(r.getResources());
    if (resources.isEmpty()) {
      errors.add(FieldError.required(path + ".resources", "resource rules must supply at least one resource"));
    } else if (resources.size() > 1 && resources.contains("*")) {
      errors.add(FieldError.invalid(path + ".resources", goList(resources),
          "if '*' is present, must not specify other resources"));
    }
    List<String> namespaces = nullToEmpty(r.getNamespaces());
    if (namespaces.isEmpty() && !Boolean.TRUE.equals(r.getClusterScope())) {
      errors.add(FieldError.required(path + ".namespaces",
          "resource rules that are not cluster scoped must supply at least one namespace"));
    } else if (namespaces.contains("*")) {
      if (namespaces.size() > 1) {
        errors.add(FieldError.invalid(path + ".namespaces", goList(namespaces),
            "if '*' is present, must not specify other namespaces"));
      }
    } else {
      for (int i = 0; i < namespaces.size(); i++) {
        String ns = namespaces.get(i);
        if (!Validation.isDns1123Label(ns)) {
          errors.add(FieldError.invalid(path + ".namespaces[" + i + "]", ns, NS_INTRO
              + (ns.length() > 63 ? "must be no more than 63 characters" : Validation.DNS1123_LABEL_MESSAGE)));
        }
      }
    }
  }

  private static void nonResourceRule(NonResourcePolicyRule r, String path, List<FieldError> errors) {
    verbs(nullToEmpty(r.getVerbs()), path, errors);
    List<String> urls = nullToEmpty(r.getNonResourceURLs());
    if (urls.isEmpty()) {
      errors.add(FieldError.required(path + ".nonResourceURLs", "nonResourceURLs must contain at least one value"));
    } else if (urls.contains("*")) {
      if (urls.size() > 1) {
        errors.add(FieldError.invalid(path + ".nonResourceURLs", goList(urls),
            "if '*' is present, must not specify other non-resource URLs"));
      }
    } else {
      for (int i = 0; i < urls.size(); i++) {
        String problem = nonResourceUrlProblem(urls.get(i));
        if (problem != null) {
          errors.add(FieldError.invalid(path + ".nonResourceURLs[" + i + "]", urls.get(i), problem));
        }
      }
    }
  }

  /** Upstream's ValidateNonResourceURLPath: a leading slash, no blanks or "//", "*" only as a final "/*". */
  static String nonResourceUrlProblem(String path) {
    if (path.isEmpty()) {
      return "must not be empty";
    }
    if (path.equals("/")) {
      return null;
    }
    if (!path.startsWith("/")) {
      return "must start with slash";
    }
    if (path.contains(" ")) {
      return "must not contain white-space";
    }
    if (path.contains("//")) {
      return "must not contain double slash";
    }
    long wildcards = path.chars().filter(c -> c == '*').count();
    if (wildcards > 1 || (wildcards == 1 && !path.endsWith("/*"))) {
      return "wildcard can only do suffix matching";
    }
    return null;
  }

  // --------------------------------------------------------------------------------- PriorityLevelConfiguration

  public static List<FieldError> priorityLevel(PriorityLevelConfiguration pl, String sharesField) {
    List<FieldError> errors = new ArrayList<>();
    String name = pl.getMetadata().getName();
    PriorityLevelConfigurationSpec spec = pl.getSpec() == null ? new PriorityLevelConfigurationSpec() : pl.getSpec();
    String type = Objects.toString(spec.getType(), "");
    if (BootstrapConfiguration.EXEMPT.equals(name) != type.equals("Exempt")) {
      errors.add(FieldError.invalid("spec.type", type, "type must be 'Exempt' if and only if name is 'exempt'"));
    }
    switch (type) {
      case "Exempt" -> {
        if (spec.getLimited() != null) {
          errors.add(FieldError.forbidden("spec.limited", "must be nil if the type is not Limited"));
        }
        if (spec.getExempt() != null) {
          Integer shares = spec.getExempt().getNominalConcurrencyShares();
          if (shares != null && shares < 0) {
            errors.add(FieldError.invalid("spec.exempt.nominalConcurrencyShares", shares,
                "must be a non-negative integer"));
          }
          lendable(spec.getExempt().getLendablePercent(), "spec.exempt.lendablePercent", errors);
        }
      }
      case "Limited" -> {
        if (spec.getExempt() != null) {
          errors.add(FieldError.forbidden("spec.exempt", "must be nil if the type is Limited"));
        }
        if (spec.getLimited() == null) {
          errors.add(FieldError.required("spec.limited", "must not be empty when type is Limited"));
        } else {
          limited(spec.getLimited(), sharesField, errors);
        }
      }
      default -> errors.add(FieldError.notSupported("spec.type", type, LEVEL_TYPES));
    }
    PriorityLevelConfiguration mandatory = BootstrapConfiguration.mandatoryPriorityLevel(name);
    if (mandatory != null) {
      if (BootstrapConfiguration.EXEMPT.equals(name)) {
        // An administrator may change the exempt level's spec.exempt (its shares), nothing else.
        PriorityLevelConfigurationSpec have = BootstrapConfiguration.copy(spec, PriorityLevelConfigurationSpec.class);
        have.setExempt(mandatory.getSpec().getExempt());
        if (!semanticallyEqual(have, mandatory.getSpec())) {
          errors.add(FieldError.invalid("spec", Json.tree(spec).toString(),
              "spec of '" + name + "' except the 'spec.exempt' field must equal the fixed value"));
        }
      } else if (!semanticallyEqual(spec, mandatory.getSpec())) {
        errors.add(FieldError.invalid("spec", Json.tree(spec).toString(),
            "spec of '" + name + "' must equal the fixed value"));
      }
    }
    if (pl.getStatus() != null) {
      List<PriorityLevelConfigurationCondition> conditions = nullToEmpty(pl.getStatus().getConditions());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < conditions.size(); i++) {
        conditionType(Objects.toString(conditions.get(i).getType(), ""), "status.conditions[" + i + "]", seen, errors);
      }
    }
    return errors;
  }

  private static void limited(LimitedPriorityLevelConfiguration l, String sharesField, List<FieldError> errors) {
    int shares = l.getNominalConcurrencyShares() == null ? 0 : l.getNominalConcurrencyShares();
    if (shares < 0) {
      errors.add(FieldError.invalid("spec.limited." + sharesField, shares, "must be a non-negative integer"));
    }
    LimitResponse response = l.getLimitResponse() == null ? new LimitResponse() : l.getLimitResponse();
    String type = Objects.toString(response.getType(), "");
    switch (type) {
      case "Reject" -> {
        if (response.getQueuing() != null) {
          errors.add(FieldError.forbidden("spec.limited.limitResponse.queuing",
              "must be nil if limited.limitResponse.type is not Limited"));
        }
      }
      case "Queue" -> {
        if (response.getQueuing() == null) {
          errors.add(FieldError.required("spec.limited.limitResponse.queuing",
              "must not be empty if limited.limitResponse.type is Limited"));
        } else {
          queuing(response.getQueuing(), errors);
        }
      }
      default -> errors.add(FieldError.notSupported("spec.limited.limitResponse.type", type, LIMIT_RESPONSE_TYPES));
    }
    lendable(l.getLendablePercent(), "spec.limited.lendablePercent", errors);
    if (l.getBorrowingLimitPercent() != null && l.getBorrowingLimitPercent() < 0) {
      errors.add(FieldError.invalid("spec.limited.borrowingLimitPercent", l.getBorrowingLimitPercent(),
          "if specified, must be a non-negative integer"));
    }
  }

  private static void lendable(Integer percent, String path, List<FieldError> errors) {
    if (percent != null && (percent < 0 || percent > 100)) {
      errors.add(FieldError.invalid(path, percent, "must be between 0 and 100, inclusive"));
    }
  }

  private static void queuing(QueuingConfiguration q, List<FieldError> errors) {
    String path = "spec.limited.limitResponse.queuing";
    int limit = q.getQueueLengthLimit() == null ? 0 : q.getQueueLengthLimit();
    int queues = q.getQueues() == null ? 0 : q.getQueues();
    int handSize = q.getHandSize() == null ? 0 : q.getHandSize();
    if (limit <= 0) {
      errors.add(FieldError.invalid(path + ".queueLengthLimit", limit, "must be positive"));
    }
    if (queues <= 0) {
      errors.add(FieldError.invalid(path + ".queues", queues, "must be positive"));
    } else if (queues > MAX_QUEUES) {
      errors.add(FieldError.invalid(path + ".queues", queues, "must not be greater than " + MAX_QUEUES));
    }
    if (handSize <= 0) {
      errors.add(FieldError.invalid(path + ".handSize", handSize, "must be positive"));
    } else if (handSize > queues) {
      errors.add(FieldError.invalid(path + ".handSize", handSize,
          "should not be greater than queues (" + queues + ")"));
    } else if (requiredEntropyBits(queues, handSize) > MAX_HASH_BITS) {
      errors.add(FieldError.invalid(path + ".handSize", handSize, "required entropy bits of deckSize " + queues
          + " and handSize " + handSize + " should not be greater than " + MAX_HASH_BITS));
    }
  }

  /** Upstream's shufflesharding.RequiredEntropyBits: ceil(log2(deckSize) * handSize). */
  static int requiredEntropyBits(int deckSize, int handSize) {
    return (int) Math.ceil(Math.log(deckSize) / Math.log(2) * handSize);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /**
   * Go's semantic equality of two specs as their JSON: absent, null, empty and false fields are the same (Go omits
   * them all), everything else must match.
   */
  public static boolean semanticallyEqual(Object a, Object b) {
    return normalized(Json.tree(a)).equals(normalized(Json.tree(b)));
  }

  private static JsonNode normalized(JsonNode n) {
    if (n instanceof ObjectNode o) {
      for (Iterator<java.util.Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        var e = it.next();
        JsonNode v = normalized(e.getValue());
        if (v.isNull() || (v.isBoolean() && !v.asBoolean()) || (v.isContainerNode() && v.isEmpty())) {
          it.remove();
        } else {
          e.setValue(v);
        }
      }
    } else if (n instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        a.set(i, normalized(a.get(i)));
      }
    }
    return n;
  }

  /** How Go prints a []string in a field error: {@code []string{"a", "b"}}. */
  private static String goList(List<String> values) {
    return "[]string{" + String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList()) + "}";
  }

  private static <T> List<T> nullToEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}

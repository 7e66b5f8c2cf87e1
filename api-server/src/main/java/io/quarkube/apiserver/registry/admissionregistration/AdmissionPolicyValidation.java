package io.quarkube.apiserver.registry.admissionregistration;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.validation.Validation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What ValidatingAdmissionPolicies and their bindings share, after upstream's admissionregistration validation and
 * v1 defaults: {@code matchResources} (matchPolicy Equivalent, empty selectors, rule scope {@code *} by default;
 * strictly valid selectors; rules with operations, groups, versions and resources, {@code *} alone, valid
 * subresource patterns, distinct valid resourceNames); and the shape of {@code matchConditions}, which webhooks
 * share.
 */
final class AdmissionPolicyValidation {
  static final List<String> FAILURE_POLICIES = List.of("Fail", "Ignore");
  private static final List<String> MATCH_POLICIES = List.of("Equivalent", "Exact");
  private static final List<String> OPERATIONS = List.of("*", "CONNECT", "CREATE", "DELETE", "UPDATE");
  private static final List<String> SCOPES = List.of("*", "Cluster", "Namespaced");
  private static final int MAX_MATCH_CONDITIONS = 64;

  private AdmissionPolicyValidation() {}

  static void defaults(MatchResources m) {
    if (m == null) {
      return;
    }
    if (m.getMatchPolicy() == null || m.getMatchPolicy().isEmpty()) {
      m.setMatchPolicy("Equivalent");
    }
    if (m.getNamespaceSelector() == null) {
      m.setNamespaceSelector(new LabelSelector());
    }
    if (m.getObjectSelector() == null) {
      m.setObjectSelector(new LabelSelector());
    }
    for (List<NamedRuleWithOperations> rules : List.of(list(m.getResourceRules()),
        list(m.getExcludeResourceRules()))) {
      for (NamedRuleWithOperations r : rules) {
        if (r.getScope() == null || r.getScope().isEmpty()) {
          r.setScope("*");
        }
      }
    }
  }

  static void matchResources(MatchResources m, String path, List<FieldError> errors) {
    if (m == null) {
      return;
    }
    if (m.getMatchPolicy() == null) {
      errors.add(FieldError.required(path + ".matchPolicy", ""));
    } else if (!MATCH_POLICIES.contains(m.getMatchPolicy())) {
      errors.add(FieldError.notSupported(path + ".matchPolicy", m.getMatchPolicy(), MATCH_POLICIES));
    }
    if (m.getNamespaceSelector() == null) {
      errors.add(FieldError.required(path + ".namespaceSelector", ""));
    } else {
      selector(m.getNamespaceSelector(), path + ".namespaceSelector", errors);
    }
    if (m.getObjectSelector() == null) {
      errors.add(FieldError.required(path + ".objectSelector", ""));
    } else {
      selector(m.getObjectSelector(), path + ".objectSelector", errors);
    }
    List<NamedRuleWithOperations> rules = list(m.getResourceRules());
    for (int i = 0; i < rules.size(); i++) {
      rule(rules.get(i), path + ".resourceRules[" + i + "]", errors);
    }
    List<NamedRuleWithOperations> excluded = list(m.getExcludeResourceRules());
    for (int i = 0; i < excluded.size(); i++) {
      rule(excluded.get(i), path + ".excludeResourceRules[" + i + "]", errors);
    }
  }

  private static void rule(NamedRuleWithOperations r, String path, List<FieldError> errors) {
    Set<String> names = new HashSet<>();
    List<String> resourceNames = list(r.getResourceNames());
    for (int i = 0; i < resourceNames.size(); i++) {
      String n = resourceNames.get(i);
      if (n.equals(".") || n.equals("..") || n.contains("/") || n.contains("%")) {
        errors.add(FieldError.invalid(path + ".resourceNames[" + i + "]", n,
            n.equals(".") || n.equals("..") ? "may not be '" + n + "'" : "may not contain '/' or '%'"));
      }
      if (!names.add(n)) {
        errors.add(FieldError.duplicate(path + ".resourceNames[" + i + "]", n));
      }
    }
    List<String> ops = list(r.getOperations());
    if (ops.isEmpty()) {
      errors.add(FieldError.required(path + ".operations", ""));
    }
    if (ops.size() > 1 && ops.contains("*")) {
      errors.add(FieldError.invalid(path + ".operations", ops, "if '*' is present, must not specify other operations"));
    }
    for (int i = 0; i < ops.size(); i++) {
      if (!OPERATIONS.contains(ops.get(i))) {
        errors.add(FieldError.notSupported(path + ".operations[" + i + "]", ops.get(i), OPERATIONS));
      }
    }
    List<String> groups = list(r.getApiGroups());
    if (groups.isEmpty()) {
      errors.add(FieldError.required(path + ".apiGroups", ""));
    } else if (groups.size() > 1 && groups.contains("*")) {
      errors.add(FieldError.invalid(path + ".apiGroups", groups,
          "if '*' is present, must not specify other API groups"));
    }
    List<String> versions = list(r.getApiVersions());
    if (versions.isEmpty()) {
      errors.add(FieldError.required(path + ".apiVersions", ""));
    } else if (versions.size() > 1 && versions.contains("*")) {
      errors.add(FieldError.invalid(path + ".apiVersions", versions,
          "if '*' is present, must not specify other API versions"));
    }
    for (int i = 0; i < versions.size(); i++) {
      if (versions.get(i).isEmpty()) {
        errors.add(FieldError.required(path + ".apiVersions[" + i + "]", ""));
      }
    }
    resources(list(r.getResources()), path + ".resources", errors);
    if (r.getScope() != null && !SCOPES.contains(r.getScope())) {
      errors.add(FieldError.notSupported(path + ".scope", r.getScope(), SCOPES));
    }
  }

  /** Upstream's validateResources: subresource patterns and where {@code *} may stand. */
  private static void resources(List<String> resources, String path, List<FieldError> errors) {
    if (resources.isEmpty()) {
      errors.add(FieldError.required(path, ""));
    }
    Set<String> wildcardSub = new HashSet<>();
    Set<String> wildcardRes = new HashSet<>();
    boolean doubleWildcard = false;
    boolean singleWildcard = false;
    boolean plain = false;
    for (int i = 0; i < resources.size(); i++) {
      String rs = resources.get(i);
      if (rs.isEmpty()) {
        errors.add(FieldError.required(path + "[" + i + "]", ""));
        continue;
      }
      doubleWildcard |= rs.equals("*/*");
      singleWildcard |= rs.equals("*");
      int slash = rs.indexOf('/');
      if (slash < 0) {
        plain = !rs.equals("*");
        continue;
      }
      String res = rs.substring(0, slash);
      String sub = rs.substring(slash + 1);
      if (wildcardSub.contains(res)) {
        errors.add(FieldError.invalid(path + "[" + i + "]", rs, "if '" + res + "/*' is present, must not specify "
            + rs));
      }
      if (wildcardRes.contains(sub)) {
        errors.add(FieldError.invalid(path + "[" + i + "]", rs, "if '*/" + sub + "' is present, must not specify "
            + rs));
      }
      if (sub.equals("*")) {
        wildcardSub.add(res);
      }
      if (res.equals("*")) {
        wildcardRes.add(sub);
      }
    }
    if (resources.size() > 1 && doubleWildcard) {
      errors.add(FieldError.invalid(path, resources, "if '*/*' is present, must not specify other resources"));
    }
    if (singleWildcard && plain) {
      errors.add(FieldError.invalid(path, resources,
          "if '*' is present, must not specify other resources without subresources"));
    }
  }

  /** Upstream's strict ValidateLabelSelector. */
  static void selector(LabelSelector s, String path, List<FieldError> errors) {
    List<LabelSelectorRequirement> exprs = list(s.getMatchExpressions());
    for (int i = 0; i < exprs.size(); i++) {
      LabelSelectorRequirement r = exprs.get(i);
      String p = path + ".matchExpressions[" + i + "]";
      String op = r.getOperator() == null ? "" : r.getOperator();
      List<String> values = list(r.getValues());
      switch (op) {
        case "In", "NotIn" -> {
          if (values.isEmpty()) {
            errors.add(FieldError.required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (!values.isEmpty()) {
            errors.add(FieldError.forbidden(p + ".values",
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          }
        }
        default -> errors.add(FieldError.invalid(p + ".operator", op, "not a valid selector operator"));
      }
      if (r.getKey() == null || !Validation.isQualifiedName(r.getKey())) {
        errors.add(FieldError.invalid(p + ".key", r.getKey(), Validation.QUALIFIED_NAME_MESSAGE));
      }
      for (String v : values) {
        if (!Validation.isLabelValue(v)) {
          errors.add(FieldError.invalid(p + ".values", v, Validation.LABEL_VALUE_MESSAGE));
        }
      }
    }
    if (s.getMatchLabels() != null) {
      s.getMatchLabels().forEach((k, v) -> {
        if (!Validation.isQualifiedName(k)) {
          errors.add(FieldError.invalid(path + ".matchLabels", k, Validation.QUALIFIED_NAME_MESSAGE));
        }
        if (!Validation.isLabelValue(v)) {
          errors.add(FieldError.invalid(path + ".matchLabels", v, Validation.LABEL_VALUE_MESSAGE));
        }
      });
    }
  }

  /**
   * The shape of {@code matchConditions} (policies and webhooks alike): at most 64, each with an expression and a
   * unique qualified name. Compiling the expressions is the caller's part.
   */
  static void matchConditions(List<MatchCondition> conditions, String path, List<FieldError> errors) {
    if (conditions.size() > MAX_MATCH_CONDITIONS) {
      errors.add(FieldError.preformatted("FieldValueTooMany", path,
          "Too many: " + conditions.size() + ": must have at most " + MAX_MATCH_CONDITIONS + " items"));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < conditions.size(); i++) {
      MatchCondition c = conditions.get(i);
      String at = path + "[" + i + "]";
      if (c.getExpression() == null || c.getExpression().isBlank()) {
        errors.add(FieldError.required(at + ".expression", ""));
      }
      if (c.getName() == null || c.getName().isEmpty()) {
        errors.add(FieldError.required(at + ".name", ""));
      } else {
        if (!Validation.isQualifiedName(c.getName())) {
          errors.add(FieldError.invalid(at + ".name", c.getName(), Validation.QUALIFIED_NAME_MESSAGE));
        }
        if (!names.add(c.getName())) {
          errors.add(FieldError.duplicate(at + ".name", c.getName()));
        }
      }
    }
  }

  static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  /** Upstream's isCELIdentifier: {@code [_a-zA-Z][_a-zA-Z0-9]*}, not a reserved word. */
  static boolean isCelIdentifier(String name) {
    return name.matches("[_a-zA-Z][_a-zA-Z0-9]*") && !Set.of("true", "false", "null", "in", "as", "break", "const",
        "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
        "void", "while").contains(name);
  }
}

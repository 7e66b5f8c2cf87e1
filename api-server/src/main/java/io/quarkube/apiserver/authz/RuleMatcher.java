package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;

/** Upstream's RBAC rule matching ({@code rbac/v1 helpers}): verbs, groups, resources, names and non-resource URLs. */
public final class RuleMatcher {
  public static final String ALL = "*";

  private RuleMatcher() {}

  public static boolean allows(PolicyRule rule, Attributes a) {
    if (a.resourceRequest()) {
      return verbMatches(rule, a.verb()) && groupMatches(rule, a.apiGroup())
          && resourceMatches(rule, a.combinedResource(), a.subresource()) && nameMatches(rule, a.name());
    }
    return verbMatches(rule, a.verb()) && nonResourceMatches(rule, a.path());
  }

  public static boolean anyAllows(List<PolicyRule> rules, Attributes a) {
    for (PolicyRule r : rules) {
      if (allows(r, a)) {
        return true;
      }
    }
    return false;
  }

  static boolean verbMatches(PolicyRule rule, String verb) {
    List<String> verbs = nn(rule.getVerbs());
    return verbs.contains(ALL) || verbs.contains(verb);
  }

  static boolean groupMatches(PolicyRule rule, String group) {
    List<String> groups = nn(rule.getApiGroups());
    return groups.contains(ALL) || groups.contains(group);
  }

  /** {@code *} matches all, {@code pods/log} exactly, {@code *}{@code /scale} every scale subresource. */
  static boolean resourceMatches(PolicyRule rule, String combined, String subresource) {
    for (String r : nn(rule.getResources())) {
      if (r.equals(ALL) || r.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && r.length() == subresource.length() + 2 && r.startsWith("*/")
          && r.endsWith(subresource)) {
        return true;
      }
    }
    return false;
  }

  /** No names in the rule: every name; otherwise only requests that name one of them (never create or list). */
  static boolean nameMatches(PolicyRule rule, String name) {
    List<String> names = nn(rule.getResourceNames());
    return names.isEmpty() || (!name.isEmpty() && names.contains(name));
  }

  static boolean nonResourceMatches(PolicyRule rule, String path) {
    for (String u : nn(rule.getNonResourceURLs())) {
      if (u.equals(ALL) || u.equals(path)) {
        return true;
      }
      if (u.endsWith("*") && path.startsWith(u.substring(0, u.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> nn(List<String> l) {
    return l == null ? List.of() : l;
  }
}

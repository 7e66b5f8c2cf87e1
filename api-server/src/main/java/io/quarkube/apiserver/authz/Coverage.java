package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a set of rules grants at least what another grants (upstream's {@code validation.Covers}): the servant
 * rules are broken into single-verb, single-group, single-resource (single-name) rules, and each must be covered
 * by one owner rule. Used to stop users from granting what they do not hold.
 */
public final class Coverage {
  private Coverage() {}

  /** The parts of {@code servant} that {@code owner} does not cover (empty: covered). */
  public static List<PolicyRule> uncovered(List<PolicyRule> owner, List<PolicyRule> servant) {
    List<PolicyRule> missing = new ArrayList<>();
    for (PolicyRule s : servant) {
      for (PolicyRule atom : breakdown(s)) {
        boolean covered = false;
        for (PolicyRule o : owner) {
          if (covers(o, atom)) {
            covered = true;
            break;
          }
        }
        if (!covered) {
          missing.add(atom);
        }
      }
    }
    return missing;
  }

  static List<PolicyRule> breakdown(PolicyRule r) {
    List<PolicyRule> out = new ArrayList<>();
    for (String verb : nn(r.getVerbs())) {
      for (String url : nn(r.getNonResourceURLs())) {
        out.add(Rules.verbs(verb).urls(url).rule());
      }
      for (String group : nn(r.getApiGroups())) {
        for (String resource : nn(r.getResources())) {
          if (nn(r.getResourceNames()).isEmpty()) {
            out.add(Rules.verbs(verb).groups(group).resources(resource).rule());
          } else {
            for (String name : r.getResourceNames()) {
              out.add(Rules.verbs(verb).groups(group).resources(resource).names(name).rule());
            }
          }
        }
      }
    }
    return out;
  }

  static boolean covers(PolicyRule owner, PolicyRule atom) {
    if (!has(owner.getVerbs(), atom.getVerbs().get(0))) {
      return false;
    }
    if (!nn(atom.getNonResourceURLs()).isEmpty()) {
      String url = atom.getNonResourceURLs().get(0);
      for (String u : nn(owner.getNonResourceURLs())) {
        if (u.equals("*") || u.equals(url) || (u.endsWith("*") && url.startsWith(u.substring(0, u.length() - 1)))) {
          return true;
        }
      }
      return false;
    }
    if (!has(owner.getApiGroups(), atom.getApiGroups().get(0))) {
      return false;
    }
    String resource = atom.getResources().get(0);
    List<String> ownerResources = nn(owner.getResources());
    boolean resourceOk = ownerResources.contains("*") || ownerResources.contains(resource)
        || (resource.contains("/") && ownerResources.contains("*/" + resource.substring(resource.indexOf('/') + 1)));
    if (!resourceOk) {
      return false;
    }
    List<String> ownerNames = nn(owner.getResourceNames());
    if (ownerNames.isEmpty()) {
      return true;
    }
    return !nn(atom.getResourceNames()).isEmpty() && ownerNames.contains(atom.getResourceNames().get(0));
  }

  /** Upstream's compact rule text: {@code {APIGroups:[""], Resources:["pods"], Verbs:["get"]}}. */
  public static String compact(PolicyRule r) {
    List<String> parts = new ArrayList<>();
    if (!nn(r.getApiGroups()).isEmpty()) {
      parts.add("APIGroups:" + quoted(r.getApiGroups()));
    }
    if (!nn(r.getResources()).isEmpty()) {
      parts.add("Resources:" + quoted(r.getResources()));
    }
    if (!nn(r.getResourceNames()).isEmpty()) {
      parts.add("ResourceNames:" + quoted(r.getResourceNames()));
    }
    if (!nn(r.getNonResourceURLs()).isEmpty()) {
      parts.add("NonResourceURLs:" + quoted(r.getNonResourceURLs()));
    }
    parts.add("Verbs:" + quoted(r.getVerbs()));
    return "{" + String.join(", ", parts) + "}";
  }

  private static String quoted(List<String> l) {
    List<String> q = new ArrayList<>();
    for (String s : l) {
      q.add("\"" + s + "\"");
    }
    return "[" + String.join(" ", q) + "]";
  }

  private static boolean has(List<String> l, String v) {
    return nn(l).contains("*") || nn(l).contains(v);
  }

  private static List<String> nn(List<String> l) {
    return l == null ? List.of() : l;
  }
}

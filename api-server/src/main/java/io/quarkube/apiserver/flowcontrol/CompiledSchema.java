package io.quarkube.apiserver.flowcontrol;

import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.NonResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PolicyRulesWithSubjects;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.Subject;
import io.quarkube.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A FlowSchema turned, once per change of the configuration, into what matching a request needs, with upstream's
 * rules ({@code apiserver/pkg/util/flowcontrol/rule.go}): a rule matches when one of its subjects is the user and,
 * for a resource request, one of its resource rules (verb, API group, {@code resource[/subresource]}, namespace or
 * cluster scope) matches, else one of its non-resource rules (verb, exact URL or {@code /prefix/*}). Matching a
 * request allocates nothing: every list is an array or a hash set made here.
 */
final class CompiledSchema {
  private static final String ALL = "*";
  private static final String SA_PREFIX = "system:serviceaccount:";

  final String name;
  final int precedence;
  final String priorityLevel;
  /** What the response carries: the schema's and its priority level's UIDs. */
  final Classification classification;
  private final Rule[] rules;

  CompiledSchema(FlowSchema fs, String priorityLevelUid) {
    this.name = fs.getMetadata().getName();
    this.precedence = fs.getSpec().getMatchingPrecedence() == null ? 0 : fs.getSpec().getMatchingPrecedence();
    this.priorityLevel = fs.getSpec().getPriorityLevelConfiguration().getName();
    this.classification = new Classification(name, Objects.toString(fs.getMetadata().getUid(), ""),
        priorityLevel, priorityLevelUid);
    List<Rule> compiled = new ArrayList<>();
    for (PolicyRulesWithSubjects r : orEmpty(fs.getSpec().getRules())) {
      compiled.add(new Rule(r));
    }
    this.rules = compiled.toArray(Rule[]::new);
  }

  boolean matchesResource(UserInfo user, String verb, String group, String resource, String subresource,
      String namespace) {
    for (Rule r : rules) {
      if (r.subjects.matches(user) && r.matchesResource(verb, group, resource, subresource, namespace)) {
        return true;
      }
    }
    return false;
  }

  boolean matchesNonResource(UserInfo user, String verb, String path) {
    for (Rule r : rules) {
      if (r.subjects.matches(user) && r.matchesNonResource(verb, path)) {
        return true;
      }
    }
    return false;
  }

  private static final class Rule {
    final Subjects subjects;
    final ResourceRule[] resourceRules;
    final NonResourceRule[] nonResourceRules;

    Rule(PolicyRulesWithSubjects r) {
      subjects = new Subjects(orEmpty(r.getSubjects()));
      resourceRules = orEmpty(r.getResourceRules()).stream().map(ResourceRule::new).toArray(ResourceRule[]::new);
      nonResourceRules = orEmpty(r.getNonResourceRules()).stream().map(NonResourceRule::new)
          .toArray(NonResourceRule[]::new);
    }

    boolean matchesResource(String verb, String group, String resource, String subresource, String namespace) {
      for (ResourceRule rr : resourceRules) {
        if (rr.matches(verb, group, resource, subresource, namespace)) {
          return true;
        }
      }
      return false;
    }

    boolean matchesNonResource(String verb, String path) {
      for (NonResourceRule nr : nonResourceRules) {
        if (nr.matches(verb, path)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The subjects of one rule: any user at all, or user names, groups, service accounts (all of a namespace). */
  private static final class Subjects {
    final boolean everyone;
    final Set<String> users = new HashSet<>();
    final String[] groups;
    /** {@code system:serviceaccount:<ns>:} of subjects naming every service account of a namespace. */
    final String[] serviceAccountPrefixes;

    Subjects(List<Subject> subjects) {
      boolean all = false;
      List<String> g = new ArrayList<>();
      List<String> saPrefixes = new ArrayList<>();
      for (Subject s : subjects) {
        String kind = Objects.toString(s.getKind(), "");
        if (kind.equals("User") && s.getUser() != null) {
          String n = Objects.toString(s.getUser().getName(), "");
          all |= n.equals(ALL);
          users.add(n);
        } else if (kind.equals("Group") && s.getGroup() != null) {
          String n = Objects.toString(s.getGroup().getName(), "");
          all |= n.equals(ALL);
          g.add(n);
        } else if (kind.equals("ServiceAccount") && s.getServiceAccount() != null) {
          String ns = Objects.toString(s.getServiceAccount().getNamespace(), "");
          String n = Objects.toString(s.getServiceAccount().getName(), "");
          if (n.equals(ALL)) {
            saPrefixes.add(SA_PREFIX + ns + ":");
          } else {
            users.add(SA_PREFIX + ns + ":" + n); // a service account is the user of that name
          }
        }
      }
      everyone = all;
      groups = g.toArray(String[]::new);
      serviceAccountPrefixes = saPrefixes.toArray(String[]::new);
    }

    boolean matches(UserInfo user) {
      if (everyone || users.contains(user.name())) {
        return true;
      }
      for (String g : groups) {
        if (user.groups().contains(g)) {
          return true;
        }
      }
      for (String prefix : serviceAccountPrefixes) {
        // A service account's user name is exactly one more segment: system:serviceaccount:<ns>:<name>.
        if (user.name().startsWith(prefix) && user.name().indexOf(':', prefix.length()) < 0
            && user.name().length() > prefix.length()) {
          return true;
        }
      }
      return false;
    }
  }

  /** A set of values or every value ("*", which validation keeps alone in its list). */
  private record Values(boolean all, Set<String> values) {
    static Values of(List<String> list) {
      List<String> l = orEmpty(list);
      return new Values(l.size() == 1 && l.get(0).equals(ALL), Set.copyOf(new HashSet<>(l)));
    }

    boolean contains(String v) {
      return all || values.contains(v);
    }
  }

  private static final class ResourceRule {
    final Values verbs;
    final Values groups;
    final Values resources;
    /** Resources named with their subresource ({@code pods/status}), by resource, so no string is joined. */
    final java.util.Map<String, Set<String>> subresources = new java.util.HashMap<>();
    final Values namespaces;
    final boolean clusterScope;

    ResourceRule(ResourcePolicyRule r) {
      verbs = Values.of(r.getVerbs());
      groups = Values.of(r.getApiGroups());
      resources = Values.of(r.getResources());
      for (String res : resources.values()) {
        int slash = res.indexOf('/');
        if (slash > 0) {
          subresources.computeIfAbsent(res.substring(0, slash), k -> new HashSet<>()).add(res.substring(slash + 1));
        }
      }
      namespaces = Values.of(r.getNamespaces());
      clusterScope = Boolean.TRUE.equals(r.getClusterScope());
    }

    boolean matches(String verb, String group, String resource, String subresource, String namespace) {
      if (!verbs.contains(verb) || !resourceMatches(resource, subresource) || !groups.contains(group)) {
        return false;
      }
      if (namespace == null || namespace.isEmpty()) {
        return clusterScope;
      }
      return namespaces.contains(namespace);
    }

    private boolean resourceMatches(String resource, String subresource) {
      if (resources.all()) {
        return true;
      }
      if (subresource == null || subresource.isEmpty()) {
        return resources.values().contains(resource);
      }
      Set<String> subs = subresources.get(resource);
      return subs != null && subs.contains(subresource);
    }
  }

  private static final class NonResourceRule {
    final Values verbs;
    final boolean allUrls;
    final Set<String> exact = new HashSet<>();
    /** Upstream's prefix form: "/healthz/*" and also "/healthz" itself match "/healthz/..." (a trailing "/"). */
    final String[] prefixes;

    NonResourceRule(NonResourcePolicyRule r) {
      verbs = Values.of(r.getVerbs());
      boolean all = false;
      List<String> p = new ArrayList<>();
      for (String url : orEmpty(r.getNonResourceURLs())) {
        if (url.equals(ALL)) {
          all = true;
          continue;
        }
        exact.add(url);
        String prefix = url.endsWith("*") ? url.substring(0, url.length() - 1) : url;
        p.add(prefix.endsWith("/") ? prefix : prefix + "/");
      }
      allUrls = all;
      prefixes = p.toArray(String[]::new);
    }

    boolean matches(String verb, String path) {
      if (!verbs.contains(verb)) {
        return false;
      }
      if (allUrls || exact.contains(path)) {
        return true;
      }
      for (String prefix : prefixes) {
        if (path.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }
  }

  private static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}

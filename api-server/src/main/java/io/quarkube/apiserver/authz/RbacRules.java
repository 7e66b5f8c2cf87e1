package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.quarkube.apiserver.auth.ServiceAccounts;
import io.quarkube.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Which RBAC rules apply to a user in a namespace (upstream's {@code DefaultRuleResolver}): the rules of every
 * ClusterRoleBinding's role that names the user, then those of the namespace's RoleBindings. Roles that a binding
 * names but that do not exist contribute nothing (and are reported, as upstream does in rules reviews).
 */
public final class RbacRules {
  private final RbacCaches caches;

  public RbacRules(RbacCaches caches) {
    this.caches = caches;
  }

  /** Receives rules one by one; returns false to stop early (a match was found). */
  @FunctionalInterface
  public interface Visitor {
    boolean visit(PolicyRule rule);
  }

  /** The rules that apply, and the bindings whose roles could not be found. */
  public record Resolved(List<PolicyRule> rules, List<String> errors) {}

  public void visit(UserInfo user, String namespace, Visitor visitor) {
    for (HasMetadata o : caches.clusterRoleBindings().all()) {
      ClusterRoleBinding b = (ClusterRoleBinding) o;
      if (appliesTo(b.getSubjects(), user, "") && !visitAll(clusterRoleRules(b.getRoleRef()), visitor)) {
        return;
      }
    }
    if (namespace == null || namespace.isEmpty()) {
      return;
    }
    for (HasMetadata o : caches.roleBindings().byIndex(RbacCaches.BY_NAMESPACE, namespace)) {
      RoleBinding b = (RoleBinding) o;
      if (appliesTo(b.getSubjects(), user, namespace) && !visitAll(roleRules(b.getRoleRef(), namespace), visitor)) {
        return;
      }
    }
  }

  public boolean allows(UserInfo user, Attributes a) {
    boolean[] allowed = {false};
    visit(user, a.namespace(), rule -> {
      if (RuleMatcher.allows(rule, a)) {
        allowed[0] = true;
        return false;
      }
      return true;
    });
    return allowed[0];
  }

  public Resolved resolve(UserInfo user, String namespace) {
    List<PolicyRule> rules = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (HasMetadata o : caches.clusterRoleBindings().all()) {
      ClusterRoleBinding b = (ClusterRoleBinding) o;
      if (appliesTo(b.getSubjects(), user, "")) {
        List<PolicyRule> r = clusterRoleRules(b.getRoleRef());
        if (r == null) {
          errors.add("clusterrole.rbac.authorization.k8s.io \"" + b.getRoleRef().getName() + "\" not found");
        } else {
          rules.addAll(r);
        }
      }
    }
    if (namespace != null && !namespace.isEmpty()) {
      for (HasMetadata o : caches.roleBindings().byIndex(RbacCaches.BY_NAMESPACE, namespace)) {
        RoleBinding b = (RoleBinding) o;
        if (appliesTo(b.getSubjects(), user, namespace)) {
          List<PolicyRule> r = roleRules(b.getRoleRef(), namespace);
          if (r == null) {
            errors.add(b.getRoleRef().getKind().toLowerCase() + ".rbac.authorization.k8s.io \""
                + b.getRoleRef().getName() + "\" not found");
          } else {
            rules.addAll(r);
          }
        }
      }
    }
    return new Resolved(rules, errors);
  }

  /** The rules of the role a RoleBinding or ClusterRoleBinding names (null when it does not exist). */
  public List<PolicyRule> roleRules(RoleRef ref, String namespace) {
    if (ref == null) {
      return null;
    }
    if ("ClusterRole".equals(ref.getKind())) {
      return clusterRoleRules(ref);
    }
    HasMetadata r = caches.roles().get(namespace, ref.getName());
    return r == null ? null : nn(((Role) r).getRules());
  }

  private List<PolicyRule> clusterRoleRules(RoleRef ref) {
    if (ref == null || !"ClusterRole".equals(ref.getKind())) {
      return null;
    }
    HasMetadata r = caches.clusterRoles().get(null, ref.getName());
    return r == null ? null : nn(((ClusterRole) r).getRules());
  }

  private static boolean visitAll(List<PolicyRule> rules, Visitor v) {
    if (rules == null) {
      return true;
    }
    for (PolicyRule r : rules) {
      if (!v.visit(r)) {
        return false;
      }
    }
    return true;
  }

  /** Whether one of the subjects is the user (RoleBinding service accounts default to the binding's namespace). */
  public static boolean appliesTo(List<Subject> subjects, UserInfo user, String bindingNamespace) {
    if (subjects == null) {
      return false;
    }
    for (Subject s : subjects) {
      switch (String.valueOf(s.getKind())) {
        case "User" -> {
          if (user.name().equals(s.getName())) {
            return true;
          }
        }
        case "Group" -> {
          if (user.inGroup(s.getName())) {
            return true;
          }
        }
        case "ServiceAccount" -> {
          String ns = s.getNamespace() == null || s.getNamespace().isEmpty() ? bindingNamespace : s.getNamespace();
          if (!ns.isEmpty() && user.name().equals(ServiceAccounts.userName(ns, s.getName()))) {
            return true;
          }
        }
        default -> { }
      }
    }
    return false;
  }

  private static List<PolicyRule> nn(List<PolicyRule> l) {
    return l == null ? List.of() : l;
  }
}

package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.quarkube.apiserver.admission.AdmissionPlugin;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Registry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * RBAC's escalation prevention (upstream does it in the RBAC storage): a role may only hold rules its author holds
 * (or the author may {@code escalate}), a binding may only grant a role its author holds in full (or may
 * {@code bind} it), and only cluster admins may set an aggregation rule.
 */
public final class RbacEscalationGuard implements AdmissionPlugin {
  private static final String RBAC = RbacCaches.RBAC;
  private static final List<PolicyRule> FULL = List.of(
      Rules.verbs("*").groups("*").resources("*").rule(), Rules.verbs("*").urls("*").rule());

  private final ChainAuthorizer authorizer;
  private final RbacRules rules;
  private final Registry registry;

  public RbacEscalationGuard(ChainAuthorizer authorizer, RbacRules rules, Registry registry) {
    this.authorizer = authorizer;
    this.rules = rules;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "RBACEscalationPrevention";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!RBAC.equals(r.resource().group()) || r.object() == null || r.user() == null
        || (r.operation() != AdmissionRequest.Operation.CREATE && r.operation() != AdmissionRequest.Operation.UPDATE)
        || r.user().inGroup(UserInfo.MASTERS)) {
      return;
    }
    String resource = r.resource().resource();
    String ns = r.namespace() == null ? "" : r.namespace();
    String name = r.object().getMetadata().getName();
    switch (resource) {
      case "roles", "clusterroles" -> {
        List<PolicyRule> wanted = resource.equals("roles") ? nn(((Role) r.object()).getRules())
            : nn(((ClusterRole) r.object()).getRules());
        boolean aggregation = resource.equals("clusterroles") && ((ClusterRole) r.object()).getAggregationRule() != null;
        if (r.operation() == AdmissionRequest.Operation.UPDATE && sameRules(r, wanted)) {
          return;
        }
        if (authorizer.decide(Attributes.resource(r.user(), "escalate", ns, RBAC, resource, "", name)).allowed()) {
          return;
        }
        if (!aggregation) {
          confirmNoEscalation(r, ns, wanted);
        } else {
          confirmNoEscalation(r, ns, wanted);
          if (!Coverage.uncovered(rules.resolve(r.user(), ns).rules(), FULL).isEmpty()) {
            throw Forbidden.forbidden(RBAC, resource, name,
                "must have cluster-admin privileges to use the aggregationRule");
          }
        }
      }
      case "rolebindings", "clusterrolebindings" -> {
        RoleRef ref = resource.equals("rolebindings") ? ((RoleBinding) r.object()).getRoleRef()
            : ((ClusterRoleBinding) r.object()).getRoleRef();
        if (ref == null) {
          return;
        }
        String roleResource = "ClusterRole".equals(ref.getKind()) ? "clusterroles" : "roles";
        if (authorizer.decide(Attributes.resource(r.user(), "bind", ns, RBAC, roleResource, "", ref.getName()))
            .allowed()) {
          return;
        }
        List<PolicyRule> granted = rules.roleRules(ref, ns);
        if (granted == null) {
          granted = liveRoleRules(ref, ns).orElseThrow(() -> Forbidden.forbidden(RBAC, resource, name,
              ref.getKind().toLowerCase() + ".rbac.authorization.k8s.io \"" + ref.getName() + "\" not found"));
        }
        confirmNoEscalation(r, ns, granted);
      }
      default -> { }
    }
  }

  private void confirmNoEscalation(AdmissionRequest r, String ns, List<PolicyRule> wanted) {
    List<PolicyRule> missing = Coverage.uncovered(rules.resolve(r.user(), ns).rules(), wanted);
    if (missing.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder("user \"").append(r.user().name()).append("\" (groups=[");
    sb.append(String.join(" ", r.user().groups().stream().map(g -> "\"" + g + "\"").toList()));
    sb.append("]) is attempting to grant RBAC permissions not currently held:");
    for (PolicyRule p : missing) {
      sb.append('\n').append(Coverage.compact(p));
    }
    throw Forbidden.forbidden(RBAC, r.resource().resource(), r.object().getMetadata().getName(), sb.toString());
  }

  private boolean sameRules(AdmissionRequest r, List<PolicyRule> wanted) {
    Optional<HasMetadata> old = registry.store(r.resource()).find(r.namespace(), r.name());
    if (old.isEmpty()) {
      return false;
    }
    Object oldRules = old.get() instanceof Role role ? role.getRules() : ((ClusterRole) old.get()).getRules();
    return Objects.equals(Json.MAPPER.valueToTree(oldRules), Json.MAPPER.valueToTree(wanted))
        && !(r.object() instanceof ClusterRole cr && cr.getAggregationRule() != null
            && ((ClusterRole) old.get()).getAggregationRule() == null);
  }

  private Optional<List<PolicyRule>> liveRoleRules(RoleRef ref, String ns) {
    if ("ClusterRole".equals(ref.getKind())) {
      return registry.store(RBAC, "v1", "clusterroles").flatMap(s -> s.find(null, ref.getName()))
          .map(o -> nn(((ClusterRole) o).getRules()));
    }
    return registry.store(RBAC, "v1", "roles").flatMap(s -> s.find(ns, ref.getName()))
        .map(o -> nn(((Role) o).getRules()));
  }

  private static List<PolicyRule> nn(List<PolicyRule> l) {
    return l == null ? List.of() : l;
  }
}

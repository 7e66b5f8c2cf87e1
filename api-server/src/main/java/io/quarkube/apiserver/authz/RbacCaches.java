package io.quarkube.apiserver.authz;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.registry.Registry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The watch-fed copies of roles, cluster roles and their bindings that RBAC decides from. */
public final class RbacCaches {
  static final String RBAC = "rbac.authorization.k8s.io";
  static final String BY_NAMESPACE = "namespace";

  private final ObjectCache clusterRoles;
  private final ObjectCache clusterRoleBindings;
  private final ObjectCache roles;
  private final ObjectCache roleBindings;

  public RbacCaches(Registry registry) {
    Map<String, Function<HasMetadata, Collection<String>>> byNamespace =
        Map.of(BY_NAMESPACE, o -> List.of(String.valueOf(o.getMetadata().getNamespace())));
    clusterRoles = new ObjectCache(registry.store(RBAC, "v1", "clusterroles").orElseThrow(), Map.of());
    clusterRoleBindings = new ObjectCache(registry.store(RBAC, "v1", "clusterrolebindings").orElseThrow(), Map.of());
    roles = new ObjectCache(registry.store(RBAC, "v1", "roles").orElseThrow(), byNamespace);
    roleBindings = new ObjectCache(registry.store(RBAC, "v1", "rolebindings").orElseThrow(), byNamespace);
  }

  public RbacCaches start() {
    clusterRoles.start();
    clusterRoleBindings.start();
    roles.start();
    roleBindings.start();
    return this;
  }

  public void stop() {
    clusterRoles.stop();
    clusterRoleBindings.stop();
    roles.stop();
    roleBindings.stop();
  }

  public boolean awaitSynced(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ObjectCache c : List.of(clusterRoles, clusterRoleBindings, roles, roleBindings)) {
      if (!c.awaitSynced(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        return false;
      }
    }
    return true;
  }

  public ObjectCache clusterRoles() {
    return clusterRoles;
  }

  public ObjectCache clusterRoleBindings() {
    return clusterRoleBindings;
  }

  public ObjectCache roles() {
    return roles;
  }

  public ObjectCache roleBindings() {
    return roleBindings;
  }
}

package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.quarkube.apiserver.errors.ApiException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Upstream's NamespaceLifecycle: nothing is created in a namespace that does not exist or is being terminated, and
 * the system namespaces cannot be deleted.
 */
public final class NamespaceLifecycle implements AdmissionPlugin {
  static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

  private final CachedReads namespaces;

  public NamespaceLifecycle(CachedReads namespaces) {
    this.namespaces = namespaces;
  }

  @Override
  public String name() {
    return "NamespaceLifecycle";
  }

  @Override
  public void admit(AdmissionRequest r) {
    boolean isNamespace = r.resource().group().isEmpty() && r.resource().resource().equals("namespaces");
    if (isNamespace && r.operation() == AdmissionRequest.Operation.DELETE && IMMORTAL.contains(r.name())) {
      throw ApiException.forbidden("namespaces \"" + r.name() + "\" is forbidden: this namespace may not be deleted");
    }
    if (r.operation() != AdmissionRequest.Operation.CREATE || !r.resource().namespaced() || r.namespace() == null) {
      return;
    }
    Optional<HasMetadata> ns = namespaces.find(null, r.namespace());
    if (ns.isEmpty()) {
      throw ApiException.notFound("", "namespaces", r.namespace());
    }
    Namespace n = (Namespace) ns.get();
    boolean terminating = n.getMetadata().getDeletionTimestamp() != null
        || (n.getStatus() != null && "Terminating".equals(n.getStatus().getPhase()));
    // Upstream still lets events and the objects a terminating namespace needs to clean up (tokens) through.
    if (terminating && !r.resource().resource().equals("events")) {
      // With upstream's NamespaceTerminating cause, which tells controllers to drop the key instead of retrying.
      throw ApiException.forbidden(r.resource().group(), r.resource().resource(), nameOf(r),
          r.resource().resource() + " \"" + nameOf(r) + "\" is forbidden: unable to create new content in namespace "
              + r.namespace() + " because it is being terminated",
          List.of(new StatusCause("metadata.namespace", "namespace " + r.namespace() + " is being terminated",
              NAMESPACE_TERMINATING)));
    }
  }

  /** Upstream's {@code v1.NamespaceTerminatingCause}. */
  public static final String NAMESPACE_TERMINATING = "NamespaceTerminating";

  private static String nameOf(AdmissionRequest r) {
    if (r.object() != null && r.object().getMetadata() != null && r.object().getMetadata().getName() != null) {
      return r.object().getMetadata().getName();
    }
    return r.name() == null ? "" : r.name();
  }
}

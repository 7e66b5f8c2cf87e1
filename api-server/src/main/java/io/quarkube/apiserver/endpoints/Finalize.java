package io.quarkube.apiserver.endpoints;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceSpec;

/** PUT namespaces/x/finalize: only {@code spec.finalizers} changes, which is how a namespace is finally released. */
final class Finalize {
  private Finalize() {}

  static HasMetadata apply(HasMetadata current, HasMetadata requested) {
    Namespace ns = (Namespace) current;
    Namespace req = (Namespace) requested;
    NamespaceSpec spec = ns.getSpec() == null ? new NamespaceSpec() : ns.getSpec();
    spec.setFinalizers(req.getSpec() == null ? null : req.getSpec().getFinalizers());
    ns.setSpec(spec);
    return ns;
  }
}

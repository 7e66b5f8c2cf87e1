package io.quarkube.apiserver.admission;

import io.quarkube.apiserver.registry.Registry;

/** The in-memory copies the admission plugins read on a pod create (see {@link CachedReads}). */
public record AdmissionReads(CachedReads namespaces, CachedReads serviceAccounts, CachedReads limitRanges,
    CachedReads priorityClasses, CachedReads resourceQuotas, CachedReads runtimeClasses) {

  public static AdmissionReads start(Registry registry) {
    return new AdmissionReads(new CachedReads(registry.namespaces()).start(),
        new CachedReads(registry.store("", "v1", "serviceaccounts").orElseThrow()).start(),
        new CachedReads(registry.store("", "v1", "limitranges").orElseThrow()).start(),
        new CachedReads(registry.store("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow()).start(),
        new CachedReads(registry.store("", "v1", "resourcequotas").orElseThrow()).start(),
        new CachedReads(registry.store("node.k8s.io", "v1", "runtimeclasses").orElseThrow()).start());
  }

  public void stop() {
    namespaces.stop();
    serviceAccounts.stop();
    limitRanges.stop();
    priorityClasses.stop();
    resourceQuotas.stop();
    runtimeClasses.stop();
  }
}

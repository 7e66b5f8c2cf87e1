package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.Registry;
import java.util.Map;

/**
 * Upstream's DefaultStorageClass: a claim that names no class (the field absent, not "") gets the class annotated
 * {@code storageclass.kubernetes.io/is-default-class: "true"}; among several defaults the newest wins.
 */
public final class DefaultStorageClass implements AdmissionPlugin {
  static final String DEFAULT = "storageclass.kubernetes.io/is-default-class";
  static final String BETA_DEFAULT = "storageclass.beta.kubernetes.io/is-default-class";

  private final Registry registry;

  public DefaultStorageClass(Registry registry) {
    this.registry = registry;
  }

  @Override
  public String name() {
    return "DefaultStorageClass";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!AdmissionErrors.is(r, "", "persistentvolumeclaims") || r.operation() != AdmissionRequest.Operation.CREATE
        || r.subresource() != null || r.object() == null) {
      return;
    }
    PersistentVolumeClaim pvc = (PersistentVolumeClaim) r.object();
    if (pvc.getSpec() == null || pvc.getSpec().getStorageClassName() != null) {
      return;
    }
    HasMetadata best = null;
    for (HasMetadata sc : registry.store("storage.k8s.io", "v1", "storageclasses").orElseThrow()
        .list(null, ListOptions.all()).items()) {
      Map<String, String> a = sc.getMetadata().getAnnotations();
      boolean isDefault = a != null && ("true".equals(a.get(DEFAULT)) || "true".equals(a.get(BETA_DEFAULT)));
      if (isDefault && (best == null || String.valueOf(sc.getMetadata().getCreationTimestamp())
          .compareTo(String.valueOf(best.getMetadata().getCreationTimestamp())) > 0)) {
        best = sc;
      }
    }
    if (best != null) {
      pvc.getSpec().setStorageClassName(best.getMetadata().getName());
    }
  }
}

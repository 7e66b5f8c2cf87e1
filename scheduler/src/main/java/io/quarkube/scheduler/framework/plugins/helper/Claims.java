package io.quarkube.scheduler.framework.plugins.helper;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.Map;

/** PersistentVolumeClaim helpers the volume plugins share (upstream's storage helpers). */
public final class Claims {
  private static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

  private Claims() {}

  /** The claim's class: the beta annotation wins over spec.storageClassName; "" without either. */
  public static String storageClass(PersistentVolumeClaim pvc) {
    Map<String, String> ann = pvc.getMetadata().getAnnotations();
    if (ann != null && ann.containsKey(BETA_STORAGE_CLASS)) {
      return ann.get(BETA_STORAGE_CLASS);
    }
    String c = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
    return c == null ? "" : c;
  }
}

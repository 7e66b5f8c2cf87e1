package io.quarkube.controllers.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Optional;

/** ownerReferences helpers (apimachinery's {@code metav1.GetControllerOf}, {@code NewControllerRef}). */
public final class Owners {
  private Owners() {}

  public static List<OwnerReference> refs(HasMetadata obj) {
    List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs;
  }

  /** The owner reference with {@code controller: true}, if any. */
  public static Optional<OwnerReference> controllerOf(HasMetadata obj) {
    return refs(obj).stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  /** A controller reference to {@code owner}, blocking the owner's foreground deletion as upstream's do. */
  public static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true)
        .withBlockOwnerDeletion(true).build();
  }

  public static boolean isBeingDeleted(HasMetadata obj) {
    return obj.getMetadata().getDeletionTimestamp() != null;
  }
}

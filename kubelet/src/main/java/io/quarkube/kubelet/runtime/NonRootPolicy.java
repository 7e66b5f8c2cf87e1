package io.quarkube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.k8s.cri.runtime.v1.Image;
import java.util.Optional;

/**
 * {@code runAsNonRoot}: the kubelet, not the runtime, refuses to start a container that would run as root, as
 * upstream's kubelet does before it creates the container (the refusal is a CreateContainerConfigError). The user
 * is the effective {@code runAsUser}, else the image's; an image that names no user runs as root, and one that names
 * a user by name cannot be verified.
 */
public final class NonRootPolicy {
  private NonRootPolicy() {}

  /** Why {@code container} may not start, or empty when it may. */
  public static Optional<String> violation(Pod pod, Container container, Optional<Image> image) {
    var sc = container.getSecurityContext();
    var psc = pod.getSpec().getSecurityContext();
    Boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot()
        : psc != null ? psc.getRunAsNonRoot() : null;
    if (!Boolean.TRUE.equals(nonRoot)) {
      return Optional.empty();
    }
    String where = "(pod: \"" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
        + pod.getMetadata().getUid() + ")\", container: " + container.getName() + ")";
    Long runAsUser = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser()
        : psc != null ? psc.getRunAsUser() : null;
    if (runAsUser != null) {
      return runAsUser == 0 ? Optional.of("container's runAsUser breaks non-root policy " + where) : Optional.empty();
    }
    boolean hasUid = image.map(Image::hasUid).orElse(false);
    String username = image.map(Image::getUsername).orElse("");
    if (!hasUid && !username.isEmpty()) {
      return Optional.of("container has runAsNonRoot and image has non-numeric user (" + username
          + "), cannot verify user is non-root " + where);
    }
    long uid = hasUid ? image.get().getUid().getValue() : 0;
    return uid == 0 ? Optional.of("container has runAsNonRoot and image will run as root " + where) : Optional.empty();
  }
}

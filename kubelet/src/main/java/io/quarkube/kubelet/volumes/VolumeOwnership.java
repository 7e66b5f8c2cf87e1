package io.quarkube.kubelet.volumes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Gives a read-only volume to the pod's {@code securityContext.fsGroup}, as upstream's {@code SetVolumeOwnership}:
 * every file and directory becomes group-owned by fsGroup, files gain group read, directories also group search and
 * setgid (so what is made in them later belongs to the group too). Only the kubelet's content volumes get it (upstream
 * also gives read-write volumes such as emptyDir group write; not done here). Symlinks only change group: a
 * chmod through them would change their target's mode. Without this, a non-root container whose only access is the
 * fsGroup (a supplemental group) cannot read e.g. a Secret written with defaultMode 0440.
 */
public final class VolumeOwnership {
  private static final int MASK = 0440; // owner and group read
  private static final int DIR_EXTRA = 02110; // setgid + group/owner search

  private final int gid;

  VolumeOwnership(int gid) {
    this.gid = gid;
  }

  /**
   * The ownership of the pod's read-only content volumes (configMap, secret, downwardAPI, projected: upstream marks
   * them read-only), or null when the pod has no fsGroup.
   */
  static VolumeOwnership readOnlyFor(Pod pod) {
    var psc = pod.getSpec().getSecurityContext();
    if (psc == null || psc.getFsGroup() == null) {
      return null;
    }
    return new VolumeOwnership(psc.getFsGroup().intValue());
  }

  /**
   * Upstream's FsUserFrom: the user every container of the pod runs as (its own runAsUser, else the pod's), or null
   * when one has none or two differ. Projected service account tokens are given to it.
   */
  static Long fsUser(Pod pod) {
    Long pods = pod.getSpec().getSecurityContext() == null ? null
        : pod.getSpec().getSecurityContext().getRunAsUser();
    Long user = null;
    List<SecurityContext> contexts = new ArrayList<>();
    var spec = pod.getSpec();
    Optional.ofNullable(spec.getInitContainers()).orElse(List.of()).forEach(c -> contexts.add(c.getSecurityContext()));
    Optional.ofNullable(spec.getContainers()).orElse(List.of()).forEach(c -> contexts.add(c.getSecurityContext()));
    Optional.ofNullable(spec.getEphemeralContainers()).orElse(List.of())
        .forEach(c -> contexts.add(c.getSecurityContext()));
    for (SecurityContext sc : contexts) {
      Long effective = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : pods;
      if (effective == null || user != null && !user.equals(effective)) {
        return null;
      }
      user = effective;
    }
    return user;
  }

  /** The mode a file of {@code mode} ends with. */
  int fileMode(int mode) {
    return mode | MASK;
  }

  /** Applies the ownership to {@code root} and everything under it (links not followed). */
  void apply(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        int wanted = mode | MASK | (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIR_EXTRA : 0);
        if (wanted != mode) {
          Files.setAttribute(p, "unix:mode", wanted);
        }
      }
    }
  }
}

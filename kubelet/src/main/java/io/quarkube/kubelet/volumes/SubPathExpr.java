package io.quarkube.kubelet.volumes;

import io.fabric8.kubernetes.api.model.VolumeMount;
import io.quarkube.kubelet.runtime.VarExpansion;
import io.quarkube.kubelet.volumes.VolumeManager.VolumeException;
import java.util.Map;
import java.util.TreeSet;

/**
 * The subPath a volumeMount asks for, as upstream's kubelet computes it when it makes a container's mounts: its
 * {@code subPathExpr} expanded with the container's environment (a variable that is undefined or empty fails the
 * container, as a mount of the volume's root in its place would be a surprise), then refused when absolute or when
 * a part is {@code ..}. The API server checks only what the expression says before expansion, so these failures
 * show as the container's CreateContainerConfigError and clear once the environment (say an annotation read through
 * the downward API) changes.
 */
final class SubPathExpr {
  private SubPathExpr() {}

  /** The relative path inside the volume to mount, or "" for the whole volume. */
  static String subPath(VolumeMount mount, Map<String, String> env) throws VolumeException {
    String subPath = mount.getSubPath() == null ? "" : mount.getSubPath();
    if (mount.getSubPathExpr() != null && !mount.getSubPathExpr().isEmpty()) {
      TreeSet<String> missing = new TreeSet<>();
      subPath = VarExpansion.expand(mount.getSubPathExpr(), name -> {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
          missing.add(name);
          return "";
        }
        return value;
      });
      if (!missing.isEmpty()) {
        throw new VolumeException("missing value for " + String.join(", ", missing));
      }
    }
    if (subPath.isEmpty()) {
      return subPath;
    }
    if (subPath.startsWith("/")) {
      throw new VolumeException("error SubPath `" + subPath + "` must not be an absolute path");
    }
    for (String part : subPath.split("/")) {
      if (part.equals("..")) {
        throw new VolumeException("unable to provision SubPath `" + subPath + "`: must not contain '..'");
      }
    }
    return subPath;
  }
}

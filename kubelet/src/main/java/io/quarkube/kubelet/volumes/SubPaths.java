package io.quarkube.kubelet.volumes;

import io.quarkube.kubelet.volumes.VolumeManager.VolumeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A volumeMount's subPath on the host. Containers write into their volumes (emptyDir, hostPath), so a subPath may
 * meet a symlink they made: it is followed only while it stays inside the volume, as upstream's kubelet refuses a
 * subPath that leaves it (CVE-2017-1002101); else a bind mount of the link's target would hand the container any
 * folder of the node. Atomic-writer volumes' files are links through {@code ..data} to the volume's own folders, so
 * they stay mountable. The check and the runtime's bind mount are two steps: a container swapping a link between them
 * is not caught (upstream closes that gap by opening the path without following links and mounting its descriptor).
 */
final class SubPaths {
  private SubPaths() {}

  /** The real path to bind-mount for {@code subPath} of the volume at {@code volume}; missing folders are made. */
  static Path resolve(Path volume, String subPath) throws VolumeException {
    Path base = volume.toAbsolutePath().normalize();
    Path sub = base.resolve(subPath).normalize();
    if (Path.of(subPath).isAbsolute() || !sub.startsWith(base)) {
      throw new VolumeException("subPath " + subPath + " leaves the volume");
    }
    try {
      Path root = base.toRealPath();
      // Before making folders: the deepest part that exists must lead inside, or they would be made elsewhere.
      Path existing = sub;
      while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      inside(root, existing, subPath);
      if (!Files.exists(sub)) {
        Files.createDirectories(sub);
      }
      return inside(root, sub, subPath);
    } catch (IOException e) {
      throw new VolumeException("subPath " + subPath + ": " + e.getMessage());
    }
  }

  private static Path inside(Path root, Path path, String subPath) throws IOException, VolumeException {
    Path real = path.toRealPath();
    if (!real.startsWith(root)) {
      throw new VolumeException("subPath " + subPath + " leaves the volume: it leads to " + real);
    }
    return real;
  }
}

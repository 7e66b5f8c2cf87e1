package io.quarkube.kubelet.volumes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** hostPath volumes with upstream's type checks (DirectoryOrCreate, Directory, FileOrCreate, File, Socket, ...). */
final class HostPaths {
  private HostPaths() {}

  static Path prepare(Path path, String type) throws IOException, VolumeManager.VolumeException {
    String t = type == null ? "" : type;
    switch (t) {
      case "", "Unset" -> {}
      case "DirectoryOrCreate" -> {
        if (!Files.exists(path)) {
          Files.createDirectories(path);
          Files.setPosixFilePermissions(path, AtomicWriter.permissions(0755));
        } else if (!Files.isDirectory(path)) {
          throw new VolumeManager.VolumeException("hostPath type check failed: " + path + " is not a directory");
        }
      }
      case "Directory" -> require(Files.isDirectory(path), path, "a directory");
      case "FileOrCreate" -> {
        if (!Files.exists(path)) {
          Files.createDirectories(path.getParent());
          Files.createFile(path);
          Files.setPosixFilePermissions(path, AtomicWriter.permissions(0644));
        } else if (!Files.isRegularFile(path)) {
          throw new VolumeManager.VolumeException("hostPath type check failed: " + path + " is not a file");
        }
      }
      case "File" -> require(Files.isRegularFile(path), path, "a file");
      case "Socket", "CharDevice", "BlockDevice" -> {
        require(Files.exists(path), path, "a " + t);
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        require(attrs.isOther(), path, "a " + t);
      }
      default -> throw new VolumeManager.VolumeException("unknown hostPath type " + t);
    }
    return path;
  }

  private static void require(boolean ok, Path path, String what) throws VolumeManager.VolumeException {
    if (!ok) {
      throw new VolumeManager.VolumeException("hostPath type check failed: " + path + " is not " + what);
    }
  }
}

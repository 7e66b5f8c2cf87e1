package io.quarkube.kubelet.volumes;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a volume's files so that a running container sees every change at once (upstream's atomic_writer.go): the
 * files go into a new hidden {@code ..<timestamp>} folder, the {@code ..data} symlink is swapped to it with one rename,
 * and each visible name is a symlink through {@code ..data}. Nothing is rewritten when the content is the same.
 */
public final class AtomicWriter {
  static final String DATA = "..data";

  private AtomicWriter() {}

  /** A file's content, mode (e.g. 0644) and owner uid (null: the kubelet's, root). */
  public record Payload(byte[] content, int mode, Integer uid) {
    public Payload(byte[] content, int mode) {
      this(content, mode, null);
    }
  }

  /** Work on the volume once a new generation is written, before containers see it (upstream's setPerms). */
  @FunctionalInterface
  public interface BeforeSwap {
    void run(Path dir) throws IOException;
  }

  /** Writes {@code files} (relative paths) into {@code dir}; returns whether anything changed. */
  public static boolean write(Path dir, Map<String, Payload> files) throws IOException {
    return write(dir, files, d -> { });
  }

  /**
   * As {@link #write(Path, Map)}, running {@code beforeSwap} on the whole volume after the new files are written and
   * before the {@code ..data} link moves to them (only when something changed).
   */
  public static boolean write(Path dir, Map<String, Payload> files, BeforeSwap beforeSwap) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve(DATA);
    if (Files.isSymbolicLink(data) && sameContent(dir.resolve(Files.readSymbolicLink(data)), files)) {
      return false;
    }
    String stamp = ".." + Instant.now().toString().replace(':', '_') + "." + System.nanoTime();
    Path fresh = dir.resolve(stamp);
    Files.createDirectories(fresh);
    for (Map.Entry<String, Payload> e : files.entrySet()) {
      Path file = fresh.resolve(e.getKey()).normalize();
      if (!file.startsWith(fresh)) {
        throw new IOException("path escapes the volume: " + e.getKey());
      }
      Files.createDirectories(file.getParent());
      Files.write(file, e.getValue().content());
      Files.setPosixFilePermissions(file, permissions(e.getValue().mode()));
      if (e.getValue().uid() != null) {
        Files.setAttribute(file, "unix:uid", e.getValue().uid());
      }
    }
    beforeSwap.run(dir);
    Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(stamp));
    try {
      Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, data, StandardCopyOption.REPLACE_EXISTING);
    }
    // Visible names: one symlink per top-level entry through ..data; stale ones go.
    Set<String> top = new HashSet<>();
    for (String name : files.keySet()) {
      top.add(name.split("/")[0]);
    }
    for (String name : top) {
      Path link = dir.resolve(name);
      if (!Files.isSymbolicLink(link)) {
        try {
          Files.createSymbolicLink(link, Path.of(DATA, name));
        } catch (FileAlreadyExistsException ignored) {
          // a real file of that name was put there by someone else; leave it
        }
      }
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        String name = p.getFileName().toString();
        if (!name.startsWith("..") && !top.contains(name) && Files.isSymbolicLink(p)) {
          Files.delete(p);
        }
      }
    }
    if (previous != null && !previous.equals(fresh)) {
      deleteTree(previous);
    }
    return true;
  }

  private static boolean sameContent(Path current, Map<String, Payload> files) throws IOException {
    if (!Files.isDirectory(current)) {
      return false;
    }
    long count;
    try (Stream<Path> walk = Files.walk(current)) {
      count = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).count();
    }
    if (count != files.size()) {
      return false;
    }
    for (Map.Entry<String, Payload> e : files.entrySet()) {
      Path file = current.resolve(e.getKey());
      if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), e.getValue().content())
          || !Files.getPosixFilePermissions(file).equals(permissions(e.getValue().mode()))
          || e.getValue().uid() != null && !e.getValue().uid().equals(Files.getAttribute(file, "unix:uid"))) {
        return false;
      }
    }
    return true;
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }

  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package io.quarkube.kubelet.pod;

import io.quarkube.kubelet.runtime.ContainerInfo;
import io.quarkube.kubelet.server.CriLogReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A container's termination message, as upstream's kubelet makes it: the file the container wrote at its
 * terminationMessagePath (at most 4 KiB), or with the policy FallbackToLogsOnError, when that file is empty and the
 * container failed, the end of its log (the last 80 lines, at most 2 KiB).
 */
final class TerminationMessages {
  static final int MAX_FILE_BYTES = 4096;
  static final int MAX_LOG_LINES = 80;
  static final int MAX_LOG_BYTES = 2048;

  private TerminationMessages() {}

  /**
   * Makes the empty file mounted at the container's terminationMessagePath. Mode 0666 (set after creation, so the
   * kubelet's umask does not narrow it), as upstream: a container running as any user must be able to write it.
   */
  static void createFile(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  /** The message of an exited container; {@code messageFile} is its termination-log file, {@code log} its log. */
  static String of(ContainerInfo c, Path messageFile, Path log) {
    String message = "";
    try {
      if (Files.isRegularFile(messageFile)) {
        byte[] bytes = Files.readAllBytes(messageFile);
        message = new String(bytes, 0, Math.min(bytes.length, MAX_FILE_BYTES), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      // no message
    }
    boolean fallback = "FallbackToLogsOnError".equals(c.terminationMessagePolicy()) && c.exited()
        && c.exitCode() != 0;
    if (message.isEmpty() && fallback && log != null) {
      try {
        message = CriLogReader.tail(log, MAX_LOG_LINES, MAX_LOG_BYTES);
      } catch (IOException e) {
        // no message
      }
    }
    return message;
  }
}

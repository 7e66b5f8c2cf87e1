package io.quarkube.apiserver.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Appends audit events as JSON lines and rotates by size like upstream's {@code --audit-log-maxsize} /
 * {@code --audit-log-maxbackup}: {@code audit.log} becomes {@code audit.log.1} (older ones shift up, the oldest
 * beyond the limit is dropped).
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AuditLog.class);

  private final Path path;
  private final long maxBytes;
  private final int maxBackups;
  private OutputStream out;
  private long size;

  public AuditLog(Path path, long maxBytes, int maxBackups) throws IOException {
    this.path = path;
    this.maxBytes = maxBytes;
    this.maxBackups = maxBackups;
    Files.createDirectories(path.toAbsolutePath().getParent());
    open();
  }

  public void write(byte[] jsonLine) {
    write(List.of(jsonLine));
  }

  /**
   * Appends the lines with as few writes as rotation allows (one when no rotation falls inside them): the batching
   * writer hands over what queued up while the previous batch was written.
   */
  public synchronized void write(List<byte[]> jsonLines) {
    try {
      ByteArrayOutputStream batch = new ByteArrayOutputStream(jsonLines.size() * 512);
      for (byte[] line : jsonLines) {
        if (size + batch.size() > 0 && size + batch.size() + line.length + 1 > maxBytes) {
          batch.writeTo(out);
          size += batch.size();
          batch.reset();
          rotate();
        }
        batch.write(line);
        batch.write('\n');
      }
      batch.writeTo(out);
      size += batch.size();
    } catch (IOException e) {
      LOG.errorf("cannot write the audit log %s: %s", path, e.getMessage());
    }
  }

  private void open() throws IOException {
    out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    size = Files.size(path);
  }

  private void rotate() throws IOException {
    out.close();
    Files.deleteIfExists(backup(maxBackups));
    for (int i = maxBackups - 1; i >= 1; i--) {
      if (Files.exists(backup(i))) {
        Files.move(backup(i), backup(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (maxBackups > 0) {
      Files.move(path, backup(1), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(path);
    }
    open();
  }

  private Path backup(int i) {
    return path.resolveSibling(path.getFileName() + "." + i);
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

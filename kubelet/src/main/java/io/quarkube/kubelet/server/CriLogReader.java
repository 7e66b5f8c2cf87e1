package io.quarkube.kubelet.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a container log file in the CRI format containerd writes, one entry a line:
 * {@code <RFC3339Nano timestamp> <stdout|stderr> <P|F> <content>}, where P marks a partial line (a long line split by
 * the runtime) whose newline is not part of the content. Writes the content the way {@code kubectl logs} shows it,
 * with the options of {@link LogOptions}; in follow mode it keeps reading new entries until the container stops or
 * the client goes away.
 */
public final class CriLogReader {
  /** How often a followed log is checked for new entries (containerd 1.6 has no events to wait for). */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** How often a followed log asks whether the container still runs. */
  private static final long RUNNING_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Receives the output; false means the client is gone and reading should stop. */
  interface Sink {
    boolean write(byte[] data);
  }

  private final LogOptions options;
  private final Sink sink;
  private long written;

  CriLogReader(LogOptions options, Sink sink) {
    this.options = options;
    this.sink = sink;
  }

  /**
   * Copies the log at {@code file}; with follow, keeps going while {@code running} says the container runs.
   * A missing file is an empty log (the container may not have written anything yet, or it was removed).
   */
  void copy(Path file, BooleanSupplier running) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return;
    }
    try (channel) {
      // Without follow, the log is what the file held when the request came: lines written meanwhile would
      // make --tail=N print more than N lines.
      long end = options.follow() ? Long.MAX_VALUE : channel.size();
      long start = options.tailLines() == null ? 0 : tailStart(file, options.tailLines(), channel.size());
      channel.position(start);
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long lastRunningCheck = System.nanoTime();
      boolean lastPass = false;
      while (true) {
        buf.clear();
        long left = end - channel.position();
        if (left <= 0) {
          return;
        }
        if (left < buf.capacity()) {
          buf.limit((int) left);
        }
        int n = channel.read(buf);
        if (n > 0) {
          buf.flip();
          while (buf.hasRemaining()) {
            byte b = buf.get();
            if (b == '\n') {
              if (!entry(line.toByteArray())) {
                return;
              }
              line.reset();
            } else {
              line.write(b);
            }
          }
          continue;
        }
        // End of the file for now.
        if (!options.follow() || lastPass) {
          return;
        }
        if (System.nanoTime() - lastRunningCheck > RUNNING_CHECK_NANOS) {
          lastRunningCheck = System.nanoTime();
          if (!running.getAsBoolean()) {
            lastPass = true; // read what the container wrote before it stopped, then end
            continue;
          }
        }
        if (!sink.write(new byte[0])) {
          return;
        }
        LockSupport.parkNanos(POLL_NANOS);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }
  }

  /** Writes one log entry; false when the output is done (limit reached or client gone). */
  boolean entry(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    int s1 = text.indexOf(' ');
    int s2 = s1 < 0 ? -1 : text.indexOf(' ', s1 + 1);
    if (s1 < 0 || s2 < 0) {
      return true; // not a CRI log line
    }
    int s3 = text.indexOf(' ', s2 + 1);
    String tag = s3 < 0 ? text.substring(s2 + 1) : text.substring(s2 + 1, s3);
    String content = s3 < 0 ? "" : text.substring(s3 + 1);
    Instant ts;
    try {
      ts = OffsetDateTime.parse(text.substring(0, s1)).toInstant();
    } catch (DateTimeParseException e) {
      return true;
    }
    if (options.since() != null && ts.isBefore(options.since())) {
      return true;
    }
    boolean partial = tag.equals("P") || tag.startsWith("P:");
    StringBuilder out = new StringBuilder();
    if (options.timestamps()) {
      out.append(ts).append(' ');
    }
    out.append(content);
    if (!partial) {
      out.append('\n');
    }
    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
    if (options.limitBytes() != null) {
      long room = options.limitBytes() - written;
      if (room <= 0) {
        return false;
      }
      if (bytes.length > room) {
        byte[] cut = new byte[(int) room];
        System.arraycopy(bytes, 0, cut, 0, cut.length);
        sink.write(cut);
        written += cut.length;
        return false;
      }
    }
    written += bytes.length;
    return sink.write(bytes);
  }

  /**
   * The content of the last {@code lines} entries of a log, cut after {@code limitBytes} bytes (as a log request
   * with tailLines and limitBytes returns it; empty when the file is missing).
   */
  public static String tail(Path file, long lines, long limitBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new CriLogReader(new LogOptions(false, false, lines, false, limitBytes, null), data -> {
      out.writeBytes(data);
      return true;
    }).copy(file, () -> false);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Where the last {@code lines} lines of the file's first {@code length} bytes start (scanning back). */
  static long tailStart(Path file, long lines, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      if (lines <= 0) {
        return length;
      }
      byte[] buf = new byte[8192];
      long pos = length;
      long count = 0;
      while (pos > 0) {
        int size = (int) Math.min(buf.length, pos);
        pos -= size;
        f.seek(pos);
        f.readFully(buf, 0, size);
        for (int i = size - 1; i >= 0; i--) {
          if (buf[i] == '\n' && pos + i != length - 1) {
            if (++count == lines) {
              return pos + i + 1;
            }
          }
        }
      }
      return 0;
    }
  }
}

package io.quarkube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriLogReaderTest {
  private static final String LOG = """
      2026-11-25T22:00:00.100000000Z stdout F first
      2026-11-25T22:00:01.000000000Z stderr F second
      2026-11-25T22:00:02.000000000+00:00 stdout P long li
      2026-11-25T22:00:02.000000001Z stdout F ne
      2026-11-25T22:00:03.000000000Z stdout F\s
      2026-11-25T22:00:04.000000000Z stdout F last
      """;

  @TempDir
  Path dir;

  private String read(LogOptions options) throws Exception {
    Path file = dir.resolve("0.log");
    Files.writeString(file, LOG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new CriLogReader(options, data -> {
      out.writeBytes(data);
      return true;
    }).copy(file, () -> false);
    return out.toString();
  }

  @Test
  void joinsPartialLinesAndKeepsBothStreams() throws Exception {
    assertEquals("first\nsecond\nlong line\n\nlast\n", read(new LogOptions(false, false, null, false, null, null)));
  }

  @Test
  void tailCountsLinesOfTheFile() throws Exception {
    assertEquals("\nlast\n", read(new LogOptions(false, false, 2L, false, null, null)));
    assertEquals("", read(new LogOptions(false, false, 0L, false, null, null)));
    assertEquals("first\nsecond\nlong line\n\nlast\n", read(new LogOptions(false, false, 100L, false, null, null)));
  }

  @Test
  void limitBytesCutsTheOutput() throws Exception {
    assertEquals("first\nseco", read(new LogOptions(false, false, null, false, 10L, null)));
  }

  @Test
  void sinceSkipsOlderEntriesAndTimestampsPrefixThem() throws Exception {
    assertEquals("2026-11-25T22:00:04Z last\n",
        read(new LogOptions(false, false, null, true, null, Instant.parse("2026-11-25T22:00:03.5Z"))));
  }

  @Test
  void followEndsWhenTheContainerIsNotRunning() throws Exception {
    assertEquals("first\nsecond\nlong line\n\nlast\n", read(new LogOptions(true, false, null, false, null, null)));
  }
}

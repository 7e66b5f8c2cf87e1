package io.quarkube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k8s.cri.runtime.v1.ContainerState;
import io.quarkube.kubelet.runtime.ContainerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream's termination messages: the file, or the log's tail for FallbackToLogsOnError on failure. */
class TerminationMessagesTest {
  @TempDir
  Path dir;

  private static ContainerInfo exited(int code, String policy) {
    return new ContainerInfo("id", "sb", "uid", "c", 0, ContainerState.CONTAINER_EXITED, Instant.EPOCH, Instant.EPOCH,
        Instant.EPOCH, code, "", "", "busybox", "busybox", "", "regular", "", policy);
  }

  private Path log(int lines) throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(log, IntStream.rangeClosed(1, lines)
        .mapToObj(i -> "2026-11-28T12:00:00.000000000Z stdout F line " + i + "\n").collect(Collectors.joining()));
    return log;
  }

  private Path message(String text) throws Exception {
    Path file = dir.resolve("termination-log");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void theFileIsTheMessageWhateverThePolicy() throws Exception {
    assertEquals("OK", TerminationMessages.of(exited(0, "File"), message("OK"), log(3)));
    assertEquals("OK", TerminationMessages.of(exited(1, "FallbackToLogsOnError"), message("OK"), log(3)));
  }

  @Test
  void aFailedContainerWithAnEmptyFileReportsTheEndOfItsLog() throws Exception {
    assertEquals("line 1\nline 2\n", TerminationMessages.of(exited(1, "FallbackToLogsOnError"), message(""), log(2)));
  }

  @Test
  void theLogsAreNotReadWithThePolicyFileOrWhenTheContainerSucceeded() throws Exception {
    assertEquals("", TerminationMessages.of(exited(1, "File"), message(""), log(2)));
    assertEquals("", TerminationMessages.of(exited(0, "FallbackToLogsOnError"), message(""), log(2)));
  }

  @Test
  void theLogFallbackIsTheLast80LinesAtMost2KiB() throws Exception {
    String short80 = TerminationMessages.of(exited(2, "FallbackToLogsOnError"), dir.resolve("missing"), log(100));
    assertEquals(80, short80.lines().count());
    assertEquals("line 21", short80.lines().findFirst().orElseThrow());
    Path wide = dir.resolve("wide.log");
    String longLine = "x".repeat(100);
    Files.writeString(wide, IntStream.range(0, 50)
        .mapToObj(i -> "2026-11-28T12:00:00.000000000Z stderr F " + longLine + "\n").collect(Collectors.joining()));
    assertEquals(2048, TerminationMessages.of(exited(2, "FallbackToLogsOnError"), message(""), wide).length());
  }

  @Test
  void theFileIsCutAt4KiB() throws Exception {
    assertEquals(4096, TerminationMessages.of(exited(0, "File"), message("y".repeat(5000)), log(1)).length());
  }

  @Test
  void theFileIsWritableByEveryUser() throws Exception {
    Path file = dir.resolve("containers/c/0");
    TerminationMessages.createFile(file);
    assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    Files.writeString(file, "old");
    TerminationMessages.createFile(file);
    assertEquals(0, Files.size(file));
  }
}

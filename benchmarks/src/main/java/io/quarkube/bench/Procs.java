package io.quarkube.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Small readers of /proc: resident memory and CPU time of a process. */
public final class Procs {
  private Procs() {}

  static OptionalLong pidFile(Path file) {
    try {
      long pid = Long.parseLong(Files.readString(file).trim());
      return Files.exists(Path.of("/proc", Long.toString(pid))) ? OptionalLong.of(pid) : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** VmRSS in bytes, or -1 when the process is gone. */
  public static long rssBytes(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone
    }
    return -1;
  }

  /** User + system CPU time in clock ticks (1/100 s), or -1. */
  public static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  public static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format("%.0f MiB", bytes / 1048576.0);
  }
}

package io.quarkube.kubelet.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this machine read from /proc and /sys. */
public final class NodeFacts {
  private static volatile long memoryCapacity = -1;

  private NodeFacts() {}

  /** MemTotal in bytes. */
  public static long memoryCapacityBytes() {
    long cached = memoryCapacity;
    if (cached > 0) {
      return cached;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          String[] parts = line.trim().split("\\s+");
          memoryCapacity = Long.parseLong(parts[1]) * 1024;
          return memoryCapacity;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** The first line of a file, trimmed, or the fallback. */
  public static String read(String path, String fallback) {
    try {
      String s = Files.readString(Path.of(path)).trim();
      return s.isEmpty() ? fallback : s;
    } catch (IOException | RuntimeException e) {
      return fallback;
    }
  }
}

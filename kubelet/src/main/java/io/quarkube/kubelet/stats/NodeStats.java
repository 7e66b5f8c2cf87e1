package io.quarkube.kubelet.stats;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's own CPU, memory and file system figures, read from {@code /proc} and the file system (what cAdvisor
 * gives upstream's kubelet for the root container). CPU usage is a counter; the rate ({@code usageNanoCores}) is taken
 * between the last two {@link #sample()}s, which the kubelet takes every few seconds, as cAdvisor's housekeeping does.
 */
public final class NodeStats {
  /** USER_HZ: the unit of /proc/stat (100 on every Linux architecture the kubelet runs on). */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final Path procStat;
  private final Path procMeminfo;
  private final Path fsRoot;
  private volatile CpuSample last;
  private volatile CpuSample previous;

  record CpuSample(long timeNanos, long usageNanos) {}

  public record Cpu(long usageCoreNanoSeconds, long usageNanoCores) {}

  public record Memory(long capacityBytes, long availableBytes, long usageBytes, long workingSetBytes, long rssBytes,
      long pageFaults, long majorPageFaults) {}

  public record Fs(long capacityBytes, long availableBytes, long usedBytes) {}

  public NodeStats(Path fsRoot) {
    this(Path.of("/proc/stat"), Path.of("/proc/meminfo"), fsRoot);
  }

  NodeStats(Path procStat, Path procMeminfo, Path fsRoot) {
    this.procStat = procStat;
    this.procMeminfo = procMeminfo;
    this.fsRoot = fsRoot;
  }

  /** Takes a CPU sample (the kubelet's stats loop calls this periodically). */
  public synchronized void sample() {
    CpuSample now = new CpuSample(System.nanoTime(), readCpuNanos());
    previous = last;
    last = now;
  }

  public Cpu cpu() {
    long usage = readCpuNanos();
    CpuSample a = previous;
    CpuSample b = last;
    long rate = 0;
    if (a != null && b != null && b.timeNanos() > a.timeNanos()) {
      // in double: nanoseconds of CPU times 1e9 overflow a long after a few seconds of two busy cores
      rate = (long) ((double) (b.usageNanos() - a.usageNanos()) * 1e9 / (b.timeNanos() - a.timeNanos()));
    }
    return new Cpu(usage, Math.max(0, rate));
  }

  /** CPU time spent on anything but idle and iowait, in nanoseconds, from the first line of /proc/stat. */
  long readCpuNanos() {
    try {
      List<String> lines = Files.readAllLines(procStat);
      String[] f = lines.get(0).trim().split("\\s+");
      long busy = 0;
      // cpu user nice system idle iowait irq softirq steal (guest times are already in user/nice)
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return busy * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Memory as upstream's summary reports it: working set = usage − inactive file pages. */
  public Memory memory() {
    Map<String, Long> kb = meminfo();
    long total = kb.getOrDefault("MemTotal", 0L) * 1024;
    long free = kb.getOrDefault("MemFree", 0L) * 1024;
    long inactiveFile = kb.getOrDefault("Inactive(file)", 0L) * 1024;
    long usage = total - free;
    long workingSet = Math.max(0, usage - inactiveFile);
    long rss = kb.getOrDefault("AnonPages", 0L) * 1024;
    long[] faults = vmstatFaults();
    return new Memory(total, Math.max(0, total - workingSet), usage, workingSet, rss, faults[0], faults[1]);
  }

  private Map<String, Long> meminfo() {
    Map<String, Long> result = new HashMap<>();
    try {
      for (String line : Files.readAllLines(procMeminfo)) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          String[] value = line.substring(colon + 1).trim().split("\\s+");
          result.put(line.substring(0, colon), Long.parseLong(value[0]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // empty: zeros
    }
    return result;
  }

  private static long[] vmstatFaults() {
    long[] result = new long[2];
    try {
      for (String line : Files.readAllLines(Path.of("/proc/vmstat"))) {
        if (line.startsWith("pgfault ")) {
          result[0] = Long.parseLong(line.substring(8).trim());
        } else if (line.startsWith("pgmajfault ")) {
          result[1] = Long.parseLong(line.substring(11).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // zeros
    }
    return result;
  }

  /** The file system holding the kubelet's root folder (pods' volumes and logs; upstream's nodefs). */
  public Fs fs() {
    try {
      Path p = fsRoot;
      while (p != null && !Files.exists(p)) {
        p = p.getParent();
      }
      FileStore store = Files.getFileStore(p == null ? Path.of("/") : p);
      long capacity = store.getTotalSpace();
      long available = store.getUsableSpace();
      return new Fs(capacity, available, Math.max(0, capacity - store.getUnallocatedSpace()));
    } catch (IOException e) {
      return new Fs(0, 0, 0);
    }
  }
}

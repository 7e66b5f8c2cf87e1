package io.quarkube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run happened on, for the JSON files and the table's heading. */
final class Machine {
  private Machine() {}

  static ObjectNode describe() {
    ObjectNode m = Api.JSON.createObjectNode();
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("cpuModel", cpuModel());
    m.put("memTotal", memTotal());
    m.put("kernel", System.getProperty("os.version"));
    m.put("java", System.getProperty("java.vm.version"));
    return m;
  }

  static String summary() {
    return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpuModel() + "), " + memTotal() + ", Linux "
        + System.getProperty("os.version") + ", Java " + System.getProperty("java.vm.version");
  }

  private static String cpuModel() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          return l.substring(l.indexOf(':') + 1).trim();
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return "?";
  }

  private static String memTotal() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          return Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1048576.0) + " GiB RAM";
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return "?";
  }
}

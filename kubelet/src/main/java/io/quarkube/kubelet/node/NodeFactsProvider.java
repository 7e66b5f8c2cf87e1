package io.quarkube.kubelet.node;

import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkube.kubelet.runtime.NodeFacts;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the Node object reports about this machine: capacity, addresses, OS facts. */
public final class NodeFactsProvider {
  private final Path rootDir;
  private final int maxPods;
  private final List<String> excludedInterfacePrefixes;

  public NodeFactsProvider(Path rootDir, int maxPods) {
    this.rootDir = rootDir;
    this.maxPods = maxPods;
    this.excludedInterfacePrefixes = List.of("lo", "qkb-", "qkt-", "veth", "cni", "docker", "ifb");
  }

  public Map<String, Quantity> capacity() {
    Map<String, Quantity> c = new LinkedHashMap<>();
    c.put("cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())));
    c.put("ephemeral-storage", new Quantity((diskBytes() / 1024) + "Ki"));
    c.put("hugepages-1Gi", new Quantity("0"));
    c.put("hugepages-2Mi", new Quantity("0"));
    c.put("memory", new Quantity((NodeFacts.memoryCapacityBytes() / 1024) + "Ki"));
    c.put("pods", new Quantity(Integer.toString(maxPods)));
    return c;
  }

  /** Capacity less upstream's default hard eviction thresholds (memory 100Mi, disk 10 %). */
  public Map<String, Quantity> allocatable() {
    Map<String, Quantity> a = new LinkedHashMap<>(capacity());
    a.put("memory", new Quantity(((NodeFacts.memoryCapacityBytes() - 100L * 1024 * 1024) / 1024) + "Ki"));
    long disk = diskBytes();
    a.put("ephemeral-storage", new Quantity(Long.toString(disk - disk / 10)));
    return a;
  }

  long diskBytes() {
    try {
      Files.createDirectories(rootDir);
      FileStore store = Files.getFileStore(rootDir);
      return store.getTotalSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Free bytes where pods write (for DiskPressure). */
  public double diskAvailableFraction() {
    try {
      FileStore store = Files.getFileStore(rootDir);
      return (double) store.getUsableSpace() / Math.max(1, store.getTotalSpace());
    } catch (IOException e) {
      return 1;
    }
  }

  /** The node's IPv4 address: the first of a real interface (not loopback, not the pods' bridges). */
  public String internalIp() {
    List<String> found = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()
            || excludedInterfacePrefixes.stream().anyMatch(p -> nif.getName().startsWith(p))) {
          continue;
        }
        for (InetAddress addr : Collections.list(nif.getInetAddresses())) {
          if (addr instanceof Inet4Address && !addr.isLoopbackAddress() && !addr.isLinkLocalAddress()) {
            found.add(addr.getHostAddress());
          }
        }
      }
    } catch (SocketException e) {
      // fall back below
    }
    return found.isEmpty() ? "127.0.0.1" : found.get(0);
  }

  public List<NodeAddress> addresses(String nodeName) {
    return List.of(new NodeAddress(internalIp(), "InternalIP"), new NodeAddress(nodeName, "Hostname"));
  }

  public static String kernelVersion() {
    return NodeFacts.read("/proc/sys/kernel/osrelease", System.getProperty("os.version"));
  }

  public static String osImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "Linux";
  }

  public static String machineId() {
    return NodeFacts.read("/etc/machine-id", NodeFacts.read("/var/lib/dbus/machine-id", ""));
  }

  public static String bootId() {
    return NodeFacts.read("/proc/sys/kernel/random/boot_id", "");
  }

  public static String systemUuid() {
    return NodeFacts.read("/sys/class/dmi/id/product_uuid", machineId());
  }

  public static String arch() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }
}

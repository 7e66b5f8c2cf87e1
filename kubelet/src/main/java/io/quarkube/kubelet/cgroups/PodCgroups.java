package io.quarkube.kubelet.cgroups;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Pod-level cgroups with the cgroupfs driver: {@code <root>/kubepods[/burstable|/besteffort]/pod<uid>} in every cgroup
 * v1 hierarchy. containerd puts the pod's containers below it (the sandbox's cgroup parent) but never removes it, so the
 * kubelet makes it and removes it when the pod is gone.
 */
public final class PodCgroups {
  private static final Logger LOG = Logger.getLogger(PodCgroups.class);
  private static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");

  private final String root;

  public PodCgroups(String root) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** The cgroup parent to give the sandbox. */
  public String parentOf(Pod pod) {
    return parentOf(pod.getMetadata().getUid(), QosClass.of(pod));
  }

  public String parentOf(String uid, QosClass qos) {
    String segment = qos.cgroupSegment();
    return root + "/kubepods" + (segment.isEmpty() ? "" : "/" + segment) + "/pod" + uid;
  }

  /**
   * Makes the pod's cgroup in the memory, cpu and pids hierarchies (runc makes the rest on demand) and sets the pod's
   * limits there ({@link PodResources}), so the pod as a whole can never use more than its containers may together.
   */
  public void create(Pod pod) {
    String parent = parentOf(pod);
    PodResources limits = PodResources.of(pod);
    for (String controller : List.of("memory", "cpu", "pids")) {
      // "cpu" is the hierarchy itself or a symlink to "cpu,cpuacct"; never make a hierarchy that is not mounted.
      Path hierarchy = CGROUP_FS.resolve(controller);
      if (!Files.isDirectory(hierarchy)) {
        continue;
      }
      Path dir = hierarchy.resolve(parent.substring(1));
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        LOG.debugf("cannot create %s: %s", dir, e.getMessage());
        continue;
      }
      if (controller.equals("memory") && limits.memoryLimitBytes() != PodResources.UNLIMITED) {
        write(dir.resolve("memory.limit_in_bytes"), limits.memoryLimitBytes());
      } else if (controller.equals("cpu")) {
        write(dir.resolve("cpu.shares"), limits.cpuShares());
        if (limits.cpuQuota() != PodResources.UNLIMITED) {
          write(dir.resolve("cpu.cfs_period_us"), PodResources.CPU_PERIOD);
          write(dir.resolve("cpu.cfs_quota_us"), limits.cpuQuota());
        }
      }
    }
  }

  private static void write(Path file, long value) {
    try {
      if (Files.exists(file)) {
        Files.writeString(file, Long.toString(value));
      }
    } catch (IOException e) {
      LOG.debugf("cannot write %s to %s: %s", value, file, e.getMessage());
    }
  }

  /** Removes every cgroup folder of the pod (any QoS class), deepest first. Left over only while a task is in it. */
  public void remove(String uid) {
    for (QosClass qos : QosClass.values()) {
      String parent = parentOf(uid, qos);
      for (Path hierarchy : hierarchies()) {
        Path dir = hierarchy.resolve(parent.substring(1));
        if (Files.isDirectory(dir)) {
          removeTree(dir);
        }
      }
    }
  }

  /** Removes everything under the root (for `./quarkube down`, after every pod is gone). */
  public void removeAll() {
    for (Path hierarchy : hierarchies()) {
      Path dir = hierarchy.resolve(root.substring(1));
      if (Files.isDirectory(dir)) {
        removeTree(dir);
      }
    }
  }

  /** Every mounted cgroup hierarchy (v1 controllers, and the v2 "unified" one of a hybrid setup). */
  static List<Path> hierarchies() {
    List<Path> result = new ArrayList<>();
    try (Stream<Path> list = Files.list(CGROUP_FS)) {
      list.filter(p -> Files.isDirectory(p) && !Files.isSymbolicLink(p)).forEach(result::add);
    } catch (IOException e) {
      // no cgroup file system: nothing to do
    }
    if (Files.exists(CGROUP_FS.resolve("cgroup.controllers"))) {
      result.add(CGROUP_FS); // pure cgroup v2
    }
    return result;
  }

  private static void removeTree(Path dir) {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(dirs::add);
    } catch (IOException e) {
      return;
    }
    for (Path d : dirs) {
      try {
        // cgroup folders are removed with rmdir even though they list files
        Files.delete(d);
      } catch (IOException e) {
        LOG.debugf("cannot remove cgroup %s: %s", d, e.getMessage());
      }
    }
  }
}

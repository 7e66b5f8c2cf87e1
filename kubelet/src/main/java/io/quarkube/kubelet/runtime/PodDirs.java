package io.quarkube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;

/** Where a pod's files live on the node, as upstream lays them out under the kubelet's root dir. */
public final class PodDirs {
  private final Path root;

  public PodDirs(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path podsDir() {
    return root.resolve("pods");
  }

  public Path podDir(String uid) {
    return podsDir().resolve(uid);
  }

  public Path volumesDir(String uid) {
    return podDir(uid).resolve("volumes");
  }

  public Path etcHosts(String uid) {
    return podDir(uid).resolve("etc-hosts");
  }

  public Path terminationLog(String uid, String container, int attempt) {
    return podDir(uid).resolve("containers").resolve(container).resolve(Integer.toString(attempt));
  }

  /** The CRI log directory of a pod: {@code <root>/logs/pods/<ns>_<name>_<uid>}. */
  public Path logDir(Pod pod) {
    return logDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid());
  }

  public Path logDir(String namespace, String name, String uid) {
    return root.resolve("logs").resolve("pods").resolve(namespace + "_" + name + "_" + uid);
  }

  /**
   * A container's log file: containerd reports the full path; older runtimes a path relative to the pod's log
   * directory, or none (then the one the kubelet asked for).
   */
  public Path containerLog(Pod pod, ContainerInfo c) {
    String path = c.logPath();
    if (path == null || path.isEmpty()) {
      return logDir(pod).resolve(containerLogPath(c.name(), c.attempt()));
    }
    return logDir(pod).resolve(path); // an absolute path stays itself
  }

  /** A container's log, relative to the pod's log directory, as the CRI wants it. */
  public static String containerLogPath(String container, int attempt) {
    return container + "/" + attempt + ".log";
  }
}

package io.quarkube.kubelet.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the runtime holds for one pod: its sandboxes (newest first) and their containers (newest first).
 */
public record PodRuntime(String podUid, List<SandboxInfo> sandboxes, List<ContainerInfo> containers) {

  public PodRuntime {
    sandboxes = sandboxes.stream().sorted(Comparator.comparing(SandboxInfo::createdAt).reversed()).toList();
    containers = containers.stream().sorted(Comparator.comparing(ContainerInfo::createdAt).reversed()).toList();
  }

  public static PodRuntime empty(String podUid) {
    return new PodRuntime(podUid, List.of(), List.of());
  }

  public boolean isEmpty() {
    return sandboxes.isEmpty() && containers.isEmpty();
  }

  /** The newest sandbox, if any. */
  public Optional<SandboxInfo> latestSandbox() {
    return sandboxes.stream().findFirst();
  }

  /** The newest sandbox if it is ready. */
  public Optional<SandboxInfo> readySandbox() {
    return latestSandbox().filter(SandboxInfo::ready);
  }

  /** The newest instance of the named container in the given sandbox. */
  public Optional<ContainerInfo> latest(String containerName, String sandboxId) {
    return containers.stream()
        .filter(c -> c.name().equals(containerName) && c.sandboxId().equals(sandboxId))
        .findFirst();
  }

  /** The newest instance of the named container in any sandbox. */
  public Optional<ContainerInfo> latest(String containerName) {
    return containers.stream().filter(c -> c.name().equals(containerName)).findFirst();
  }

  /** The instance before the newest one (its lastState), if any. */
  public Optional<ContainerInfo> previous(String containerName) {
    return containers.stream().filter(c -> c.name().equals(containerName)).skip(1).findFirst();
  }

  public List<ContainerInfo> running() {
    return containers.stream().filter(ContainerInfo::running).toList();
  }
}

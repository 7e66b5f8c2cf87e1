package io.quarkube.kubelet.server;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.kubelet.Kubelet;
import io.quarkube.kubelet.runtime.ContainerInfo;
import io.quarkube.kubelet.runtime.PodRuntime;
import io.quarkube.kubelet.runtime.RuntimeInspector;
import io.quarkube.kubelet.runtime.SandboxInfo;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the runtime objects behind a pod name: the pod from the kubelet's informer, its containers and sandbox by
 * relisting containerd for the pod's UID (so a container that restarted a moment ago is found by its new ID).
 */
final class ContainerLocator {
  private final Kubelet kubelet;
  private final RuntimeInspector inspector;

  ContainerLocator(Kubelet kubelet) {
    this.kubelet = kubelet;
    this.inspector = new RuntimeInspector(kubelet.cri());
  }

  Pod pod(String namespace, String name) {
    Pod pod = kubelet.pod(namespace, name);
    if (pod == null) {
      throw Errors.notFound("pod \"" + name + "\" in namespace \"" + namespace + "\" is not on node \""
          + kubelet.nodeName() + "\"");
    }
    return pod;
  }

  /** Every attempt of the named container, newest first. */
  List<ContainerInfo> attempts(Pod pod, String container) {
    PodRuntime runtime = inspector.pod(pod.getMetadata().getUid());
    return runtime.containers().stream().filter(c -> c.name().equals(container))
        .sorted(Comparator.comparingInt(ContainerInfo::attempt).reversed()
            .thenComparing(ContainerInfo::createdAt, Comparator.reverseOrder()))
        .toList();
  }

  /** The current container (the newest attempt), or 400 as upstream when it never started. */
  ContainerInfo current(Pod pod, String container) {
    List<ContainerInfo> all = attempts(pod, container);
    if (all.isEmpty()) {
      requireDeclared(pod, container);
      throw Errors.badRequest("container \"" + container + "\" in pod \"" + pod.getMetadata().getName()
          + "\" is waiting to start: " + waitingText(pod, container));
    }
    return all.get(0);
  }

  /** The container that ran before the current one ({@code --previous}). */
  ContainerInfo previous(Pod pod, String container) {
    List<ContainerInfo> all = attempts(pod, container);
    if (all.size() < 2) {
      requireDeclared(pod, container);
      throw Errors.badRequest("previous terminated container \"" + container + "\" in pod \""
          + pod.getMetadata().getName() + "\" not found");
    }
    return all.get(1);
  }

  /** The running container, for exec and attach. */
  ContainerInfo running(Pod pod, String container) {
    ContainerInfo c = current(pod, container);
    if (!c.running()) {
      throw Errors.badRequest("container " + container + " is not valid for pod " + pod.getMetadata().getName()
          + ": container is not running (state " + c.state() + ")");
    }
    return c;
  }

  /** The pod's ready sandbox, for port-forward. */
  SandboxInfo sandbox(Pod pod) {
    return inspector.pod(pod.getMetadata().getUid()).sandboxes().stream().filter(SandboxInfo::ready)
        .max(Comparator.comparing(SandboxInfo::createdAt))
        .orElseThrow(() -> Errors.badRequest("pod " + pod.getMetadata().getName() + " has no running sandbox"));
  }

  /** A container's log file ({@link io.quarkube.kubelet.runtime.PodDirs#containerLog}). */
  Path logFile(Pod pod, ContainerInfo c) {
    return kubelet.dirs().containerLog(pod, c);
  }

  /**
   * Why a container that never ran is waiting, as upstream's validateContainerLogStatus says it: the common image
   * pull failures in words, else the reason of the status the kubelet last wrote.
   */
  static String waitingText(Pod pod, String container) {
    var status = pod.getStatus();
    String reason = null;
    if (status != null) {
      reason = Stream.of(status.getContainerStatuses(), status.getInitContainerStatuses(),
              status.getEphemeralContainerStatuses())
          .filter(java.util.Objects::nonNull).flatMap(List::stream)
          .filter(cs -> container.equals(cs.getName()) && cs.getState() != null
              && cs.getState().getWaiting() != null && cs.getState().getWaiting().getReason() != null)
          .map(cs -> cs.getState().getWaiting().getReason()).findFirst().orElse(null);
    }
    if (reason == null || reason.isEmpty()) {
      return "ContainerCreating";
    }
    return switch (reason) {
      case "ErrImagePull" -> "image can't be pulled";
      case "ImagePullBackOff" -> "trying and failing to pull image";
      default -> reason;
    };
  }

  private static void requireDeclared(Pod pod, String container) {
    boolean declared = pod.getSpec().getContainers().stream().anyMatch(c -> c.getName().equals(container))
        || (pod.getSpec().getInitContainers() != null
            && pod.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals(container)))
        || (pod.getSpec().getEphemeralContainers() != null
            && pod.getSpec().getEphemeralContainers().stream().anyMatch(c -> c.getName().equals(container)));
    if (!declared) {
      throw Errors.badRequest("container " + container + " is not valid for pod " + pod.getMetadata().getName());
    }
  }
}

package io.quarkube.kubelet.runtime;

import io.k8s.cri.runtime.v1.ContainerState;
import java.time.Instant;

/**
 * One CRI container as the runtime reports it (from ListContainers and ContainerStatus).
 *
 * @param attempt the CRI metadata attempt, which the kubelet sets to the container's restart count
 * @param reason the runtime's reason for an exited container ("Completed", "Error", "OOMKilled")
 * @param hash the hash of the container's spec it was created from (a changed spec restarts it)
 * @param terminationMessagePolicy the spec's policy the container was created with ("File" when unknown)
 */
public record ContainerInfo(
    String id,
    String sandboxId,
    String podUid,
    String name,
    int attempt,
    ContainerState state,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    int exitCode,
    String reason,
    String message,
    String image,
    String imageRef,
    String hash,
    String kind,
    String logPath,
    String terminationMessagePolicy) {

  public boolean running() {
    return state == ContainerState.CONTAINER_RUNNING;
  }

  public boolean exited() {
    return state == ContainerState.CONTAINER_EXITED;
  }

  /** The container ID as Kubernetes shows it in container statuses. */
  public String kubernetesId() {
    return "containerd://" + id;
  }
}

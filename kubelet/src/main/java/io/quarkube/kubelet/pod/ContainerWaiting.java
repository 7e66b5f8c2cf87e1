package io.quarkube.kubelet.pod;

/** Why a container is not running yet (a waiting state's reason and message). */
public record ContainerWaiting(String reason, String message) {}

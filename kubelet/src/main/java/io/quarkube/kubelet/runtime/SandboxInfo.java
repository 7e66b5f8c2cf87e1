package io.quarkube.kubelet.runtime;

import java.time.Instant;

/** One CRI pod sandbox as the runtime reports it. */
public record SandboxInfo(
    String id, String podUid, String name, String namespace, int attempt, boolean ready, Instant createdAt, String ip) {}

package io.quarkube.kubelet.runtime;

import io.k8s.cri.runtime.v1.Container;
import io.k8s.cri.runtime.v1.ContainerFilter;
import io.k8s.cri.runtime.v1.ContainerStatus;
import io.k8s.cri.runtime.v1.ContainerStatusRequest;
import io.k8s.cri.runtime.v1.ListContainersRequest;
import io.k8s.cri.runtime.v1.ListPodSandboxRequest;
import io.k8s.cri.runtime.v1.PodSandbox;
import io.k8s.cri.runtime.v1.PodSandboxFilter;
import io.k8s.cri.runtime.v1.PodSandboxState;
import io.k8s.cri.runtime.v1.PodSandboxStatusRequest;
import io.quarkube.kubelet.cri.CriClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what the runtime holds, grouped by pod UID: the relist that stands in for container events (containerd 1.6
 * has none). Only objects this kubelet made (label {@link RuntimeLabels#MANAGED_BY}) are seen.
 */
public final class RuntimeInspector {
  private final CriClient cri;

  public RuntimeInspector(CriClient cri) {
    this.cri = cri;
  }

  /** Every pod of this kubelet in the runtime, with container summaries (no exit codes: see {@link #pod}). */
  public Map<String, PodRuntime> listAll() {
    List<PodSandbox> sandboxes = cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder()
        .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(RuntimeLabels.MANAGED_BY, "true"))
        .build()).getItemsList();
    List<Container> containers = cri.runtime().listContainers(ListContainersRequest.newBuilder()
        .setFilter(ContainerFilter.newBuilder().putLabelSelector(RuntimeLabels.MANAGED_BY, "true"))
        .build()).getContainersList();
    Map<String, List<SandboxInfo>> sandboxesByPod = new HashMap<>();
    Map<String, List<ContainerInfo>> containersByPod = new HashMap<>();
    for (PodSandbox s : sandboxes) {
      sandboxesByPod.computeIfAbsent(s.getMetadata().getUid(), k -> new ArrayList<>()).add(sandbox(s, null));
    }
    for (Container c : containers) {
      String uid = c.getLabelsOrDefault(RuntimeLabels.POD_UID, "");
      containersByPod.computeIfAbsent(uid, k -> new ArrayList<>()).add(summary(c));
    }
    Map<String, PodRuntime> pods = new HashMap<>();
    for (String uid : union(sandboxesByPod.keySet(), containersByPod.keySet())) {
      pods.put(uid, new PodRuntime(uid, sandboxesByPod.getOrDefault(uid, List.of()),
          containersByPod.getOrDefault(uid, List.of())));
    }
    return pods;
  }

  /** One pod in full: sandboxes with their IPs, containers with exit codes and reasons. */
  public PodRuntime pod(String uid) {
    List<SandboxInfo> sandboxes = new ArrayList<>();
    for (PodSandbox s : cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder()
        .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(RuntimeLabels.POD_UID, uid)
            .putLabelSelector(RuntimeLabels.MANAGED_BY, "true"))
        .build()).getItemsList()) {
      String ip = null;
      if (s.getState() == PodSandboxState.SANDBOX_READY) {
        try {
          ip = cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(s.getId()).build())
              .getStatus().getNetwork().getIp();
        } catch (RuntimeException e) {
          if (!CriClient.isNotFound(e)) {
            throw e;
          }
        }
      }
      sandboxes.add(sandbox(s, ip));
    }
    List<ContainerInfo> containers = new ArrayList<>();
    for (Container c : cri.runtime().listContainers(ListContainersRequest.newBuilder()
        .setFilter(ContainerFilter.newBuilder().putLabelSelector(RuntimeLabels.POD_UID, uid)
            .putLabelSelector(RuntimeLabels.MANAGED_BY, "true"))
        .build()).getContainersList()) {
      try {
        ContainerStatus status = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
            .setContainerId(c.getId()).build()).getStatus();
        containers.add(full(c, status));
      } catch (RuntimeException e) {
        if (!CriClient.isNotFound(e)) {
          throw e;
        }
      }
    }
    return new PodRuntime(uid, sandboxes, containers);
  }

  private static SandboxInfo sandbox(PodSandbox s, String ip) {
    return new SandboxInfo(s.getId(), s.getMetadata().getUid(), s.getMetadata().getName(),
        s.getMetadata().getNamespace(), s.getMetadata().getAttempt(), s.getState() == PodSandboxState.SANDBOX_READY,
        nanos(s.getCreatedAt()), ip);
  }

  private static ContainerInfo summary(Container c) {
    return new ContainerInfo(c.getId(), c.getPodSandboxId(), c.getLabelsOrDefault(RuntimeLabels.POD_UID, ""),
        c.getMetadata().getName(), c.getMetadata().getAttempt(), c.getState(), nanos(c.getCreatedAt()), null, null, 0,
        "", "", c.getImage().getImage(), c.getImageRef(),
        c.getAnnotationsOrDefault(RuntimeLabels.CONTAINER_HASH, ""),
        c.getLabelsOrDefault(RuntimeLabels.CONTAINER_KIND, "regular"), "",
        c.getAnnotationsOrDefault(RuntimeLabels.TERMINATION_MESSAGE_POLICY, "File"));
  }

  private static ContainerInfo full(Container c, ContainerStatus s) {
    return new ContainerInfo(c.getId(), c.getPodSandboxId(), c.getLabelsOrDefault(RuntimeLabels.POD_UID, ""),
        c.getMetadata().getName(), c.getMetadata().getAttempt(), s.getState(), nanos(s.getCreatedAt()),
        s.getStartedAt() == 0 ? null : nanos(s.getStartedAt()), s.getFinishedAt() == 0 ? null : nanos(s.getFinishedAt()),
        s.getExitCode(), s.getReason(), s.getMessage(), s.getImage().getImage(), s.getImageRef(),
        c.getAnnotationsOrDefault(RuntimeLabels.CONTAINER_HASH, ""),
        c.getLabelsOrDefault(RuntimeLabels.CONTAINER_KIND, "regular"), s.getLogPath(),
        c.getAnnotationsOrDefault(RuntimeLabels.TERMINATION_MESSAGE_POLICY, "File"));
  }

  static Instant nanos(long nanos) {
    return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
  }

  private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    java.util.Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return all;
  }
}

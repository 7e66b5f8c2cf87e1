package io.quarkube.kubelet.tools;

import io.k8s.cri.runtime.v1.ListPodSandboxRequest;
import io.k8s.cri.runtime.v1.PodSandbox;
import io.k8s.cri.runtime.v1.RemovePodSandboxRequest;
import io.k8s.cri.runtime.v1.StopPodSandboxRequest;
import io.quarkube.kubelet.cgroups.PodCgroups;
import io.quarkube.kubelet.cri.CriClient;
import java.nio.file.Path;

/**
 * {@code ./quarkube down}'s node cleanup, run after the kubelet stopped: removes every pod sandbox through the CRI
 * (containers, network namespaces, CNI IPs and hostPort rules go with them) and the node's cgroups. A plain main
 * (no Quarkus), run with the kubelet's jars on the class path.
 *
 * <p>Usage: {@code NodeTeardown <containerd socket> <cgroup root>}
 */
public final class NodeTeardown {
  private NodeTeardown() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: NodeTeardown <containerd socket> <cgroup root>");
      System.exit(2);
    }
    int removed = 0;
    try (CriClient cri = CriClient.connect(Path.of(args[0]))) {
      for (PodSandbox s : cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
        try {
          // StopPodSandbox kills the containers (SIGKILL: the cluster is going down) and tears down the network.
          cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(s.getId()).build());
          cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(s.getId()).build());
          removed++;
        } catch (RuntimeException e) {
          System.err.println("NodeTeardown: sandbox " + s.getId() + ": " + e.getMessage());
        }
      }
    } catch (RuntimeException e) {
      System.err.println("NodeTeardown: " + e.getMessage());
    }
    new PodCgroups(args[1]).removeAll();
    System.out.println("NodeTeardown: removed " + removed + " pod sandbox(es), cgroups under " + args[1]);
  }
}

package io.quarkube.kubelet.server;

import io.k8s.cri.runtime.v1.ContainerStats;
import io.k8s.cri.runtime.v1.ListContainerStatsRequest;
import io.k8s.cri.runtime.v1.ListPodSandboxStatsRequest;
import io.k8s.cri.runtime.v1.PodSandboxStats;
import io.quarkube.kubelet.Kubelet;
import io.quarkube.kubelet.stats.NodeStats;
import io.quarkube.kubelet.stats.SummaryBuilder;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code GET /stats/summary}: CPU, memory and file system figures of the node, its pods and their containers
 * (upstream's Summary API, read by metrics-server and {@code kubectl get --raw .../nodes/<n>/proxy/stats/summary}).
 */
final class StatsHandler implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(StatsHandler.class);

  private final Kubelet kubelet;
  private final NodeStats node;
  private final Instant bootTime = bootTime();

  StatsHandler(Kubelet kubelet, NodeStats node) {
    this.kubelet = kubelet;
    this.node = node;
  }

  @Override
  public void handle(RoutingContext rc) {
    List<PodSandboxStats> sandboxes;
    List<ContainerStats> containers;
    try {
      containers = kubelet.cri().runtime().listContainerStats(ListContainerStatsRequest.getDefaultInstance())
          .getStatsList();
    } catch (RuntimeException e) {
      Errors.send(rc, 500, "InternalError", "the runtime's container stats: " + e.getMessage());
      return;
    }
    try {
      sandboxes = kubelet.cri().runtime().listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance())
          .getStatsList();
    } catch (RuntimeException e) {
      LOG.debugf("ListPodSandboxStats: %s (pod figures are summed from containers)", e.getMessage());
      sandboxes = List.of();
    }
    var summary = SummaryBuilder.build(new SummaryBuilder.Inputs(kubelet.nodeName(), bootTime, Instant.now(),
        node.cpu(), node.memory(), node.fs(), kubelet.allPods(), sandboxes, containers));
    rc.response().putHeader("Content-Type", "application/json").end(summary.toPrettyString());
  }

  /** When the machine booted (btime in /proc/stat): the node's start time, as cAdvisor's root container. */
  private static Instant bootTime() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("btime ")) {
          return Instant.ofEpochSecond(Long.parseLong(line.substring(6).trim()));
        }
      }
    } catch (IOException | RuntimeException e) {
      // below
    }
    return Instant.now();
  }
}

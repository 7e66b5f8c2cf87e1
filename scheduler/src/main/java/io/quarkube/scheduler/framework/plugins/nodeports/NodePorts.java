package io.quarkube.scheduler.framework.plugins.nodeports;

import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.HostPort;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.Status;
import java.util.List;

/** A pod asking for host ports fits only nodes where no other pod holds one of them (same protocol, overlapping IP). */
public final class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodePorts";
  public static final String ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    return pod.hostPorts().isEmpty() ? Result.SKIP : Result.SUCCESS;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    return fits(pod, node) ? Status.SUCCESS : Status.unschedulable(ERR_REASON);
  }

  public static boolean fits(PodInfo pod, NodeInfo node) {
    for (HostPort want : pod.hostPorts()) {
      for (HostPort used : node.usedPorts()) {
        if (want.conflictsWith(used)) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.ASSIGNED_POD_DELETE, ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD));
  }
}

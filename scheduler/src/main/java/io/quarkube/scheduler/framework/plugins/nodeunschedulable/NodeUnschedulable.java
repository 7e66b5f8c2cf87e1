package io.quarkube.scheduler.framework.plugins.nodeunschedulable;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.helper.Taints;
import java.util.List;

/** Cordoned nodes ({@code spec.unschedulable}) take no new pods, unless the pod tolerates the unschedulable taint. */
public final class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  public static final String NAME = "NodeUnschedulable";
  public static final String ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
  public static final String ERR_REASON_UNKNOWN_CONDITION = "node(s) had unknown conditions";
  private static final Taint UNSCHEDULABLE_TAINT = new TaintBuilder().withKey("node.kubernetes.io/unschedulable")
      .withEffect("NoSchedule").build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    if (node.node() == null) {
      return Status.unresolvable(ERR_REASON_UNKNOWN_CONDITION);
    }
    boolean cordoned = Boolean.TRUE.equals(node.node().getSpec() == null ? null
        : node.node().getSpec().getUnschedulable());
    if (cordoned && !Taints.tolerated(pod.pod().getSpec().getTolerations(), UNSCHEDULABLE_TAINT)) {
      return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
    }
    return Status.SUCCESS;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_TAINT));
  }
}

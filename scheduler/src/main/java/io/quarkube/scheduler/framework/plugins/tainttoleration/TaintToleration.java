package io.quarkube.scheduler.framework.plugins.tainttoleration;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.ScorePlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.helper.Taints;
import java.util.ArrayList;
import java.util.List;

/**
 * Filter: a NoSchedule or NoExecute taint the pod does not tolerate keeps it off the node. Score: fewer
 * untolerated PreferNoSchedule taints is better.
 */
public final class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin.DefaultNormalized,
    EnqueueExtensions {
  public static final String NAME = "TaintToleration";
  private static final String STATE_KEY = "PreScore" + NAME;

  private record PreScoreState(List<Toleration> preferNoScheduleTolerations) implements CycleState.Data {
    @Override
    public CycleState.Data copy() {
      return this;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    if (node.node() == null || node.node().getSpec() == null) {
      return Status.SUCCESS;
    }
    Taint t = Taints.firstUntolerated(node.node().getSpec().getTaints(), pod.pod().getSpec().getTolerations(),
        taint -> "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect()));
    if (t == null) {
      return Status.SUCCESS;
    }
    return Status.unresolvable("node(s) had untolerated taint {" + Taints.nz(t.getKey()) + ": "
        + Taints.nz(t.getValue()) + "}");
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<Toleration> prefer = new ArrayList<>();
    List<Toleration> all = pod.pod().getSpec().getTolerations();
    if (all != null) {
      for (Toleration t : all) {
        if (t.getEffect() == null || t.getEffect().isEmpty() || "PreferNoSchedule".equals(t.getEffect())) {
          prefer.add(t);
        }
      }
    }
    state.write(STATE_KEY, new PreScoreState(prefer));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    List<Toleration> prefer = state.read(STATE_KEY, PreScoreState.class).preferNoScheduleTolerations();
    if (node.node().getSpec() == null || node.node().getSpec().getTaints() == null) {
      return 0;
    }
    List<Taint> taints = node.node().getSpec().getTaints();
    long n = 0;
    for (int i = 0; i < taints.size(); i++) {
      Taint t = taints.get(i);
      if ("PreferNoSchedule".equals(t.getEffect()) && !Taints.tolerated(prefer, t)) {
        n++;
      }
    }
    return n;
  }

  /** Fewer untolerated PreferNoSchedule taints is better. */
  @Override
  public boolean reverseScores() {
    return true;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_TAINT),
        ClusterEvent.of(ClusterEvent.Resource.UNSCHEDULED_POD, ClusterEvent.UPDATE));
  }
}

package io.quarkube.scheduler.framework.plugins.schedulinggates;

import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreEnqueuePlugin;
import io.quarkube.scheduler.framework.Status;
import java.util.List;

/** Keeps pods with {@code spec.schedulingGates} out of the active queue until every gate is removed. */
public final class SchedulingGates implements PreEnqueuePlugin, EnqueueExtensions {
  public static final String NAME = "SchedulingGates";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preEnqueue(PodInfo pod) {
    List<PodSchedulingGate> gates = pod.pod().getSpec().getSchedulingGates();
    if (gates == null || gates.isEmpty()) {
      return Status.SUCCESS;
    }
    List<String> names = gates.stream().map(PodSchedulingGate::getName).toList();
    return Status.unresolvable("waiting for scheduling gates: " + names);
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.of(ClusterEvent.Resource.UNSCHEDULED_POD, ClusterEvent.UPDATE));
  }
}

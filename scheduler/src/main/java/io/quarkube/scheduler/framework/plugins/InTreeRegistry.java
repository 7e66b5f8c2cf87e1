package io.quarkube.scheduler.framework.plugins;

import io.quarkube.scheduler.framework.plugins.defaultbinder.DefaultBinder;
import io.quarkube.scheduler.framework.plugins.defaultpreemption.DefaultPreemption;
import io.quarkube.scheduler.framework.plugins.imagelocality.ImageLocality;
import io.quarkube.scheduler.framework.plugins.interpodaffinity.InterPodAffinity;
import io.quarkube.scheduler.framework.plugins.nodeaffinity.NodeAffinity;
import io.quarkube.scheduler.framework.plugins.nodename.NodeName;
import io.quarkube.scheduler.framework.plugins.nodeports.NodePorts;
import io.quarkube.scheduler.framework.plugins.noderesources.BalancedAllocation;
import io.quarkube.scheduler.framework.plugins.noderesources.Fit;
import io.quarkube.scheduler.framework.plugins.nodeunschedulable.NodeUnschedulable;
import io.quarkube.scheduler.framework.plugins.nodevolumelimits.NodeVolumeLimits;
import io.quarkube.scheduler.framework.plugins.podtopologyspread.PodTopologySpread;
import io.quarkube.scheduler.framework.plugins.queuesort.PrioritySort;
import io.quarkube.scheduler.framework.plugins.schedulinggates.SchedulingGates;
import io.quarkube.scheduler.framework.plugins.tainttoleration.TaintToleration;
import io.quarkube.scheduler.framework.plugins.volumebinding.VolumeBinding;
import io.quarkube.scheduler.framework.plugins.volumerestrictions.VolumeRestrictions;
import io.quarkube.scheduler.framework.plugins.volumezone.VolumeZone;
import io.quarkube.scheduler.framework.runtime.Registry;

/** Every in-tree plugin under its upstream name. */
public final class InTreeRegistry {
  private InTreeRegistry() {}

  public static Registry create() {
    return new Registry()
        .register(SchedulingGates.NAME, (args, h) -> new SchedulingGates())
        .register(PrioritySort.NAME, (args, h) -> new PrioritySort())
        .register(NodeUnschedulable.NAME, (args, h) -> new NodeUnschedulable())
        .register(NodeName.NAME, (args, h) -> new NodeName())
        .register(TaintToleration.NAME, (args, h) -> new TaintToleration())
        .register(NodeAffinity.NAME, (args, h) -> new NodeAffinity(args))
        .register(NodePorts.NAME, (args, h) -> new NodePorts())
        .register(Fit.NAME, (args, h) -> new Fit(args))
        .register(VolumeRestrictions.NAME, (args, h) -> new VolumeRestrictions(h))
        .register(NodeVolumeLimits.NAME, (args, h) -> new NodeVolumeLimits(h))
        .register(VolumeBinding.NAME, (args, h) -> new VolumeBinding(h))
        .register(VolumeZone.NAME, (args, h) -> new VolumeZone(h))
        .register(PodTopologySpread.NAME, (args, h) -> new PodTopologySpread(args, h))
        .register(InterPodAffinity.NAME, (args, h) -> new InterPodAffinity(args, h))
        .register(DefaultPreemption.NAME, (args, h) -> new DefaultPreemption(args, h))
        .register(BalancedAllocation.NAME, (args, h) -> new BalancedAllocation(args))
        .register(ImageLocality.NAME, (args, h) -> new ImageLocality(h))
        .register(DefaultBinder.NAME, (args, h) -> new DefaultBinder(h));
  }
}

package io.quarkube.scheduler.framework.plugins.noderesources;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.machinery.resources.ResourceNames;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.Resource;
import io.quarkube.scheduler.framework.ScorePlugin;
import io.quarkube.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * NodeResourcesFit. Filter: the pod's requests (cpu, memory, ephemeral-storage, extended resources) fit in what the
 * node has left, and the node has room for one more pod. Score: by scoring strategy — LeastAllocated (default:
 * spread), MostAllocated (pack) or RequestedToCapacityRatio (a piecewise-linear shape).
 */
public final class Fit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  public static final String NAME = "NodeResourcesFit";

  /** One missing resource on one node. */
  public record InsufficientResource(String resourceName, String reason, long requested, long used, long capacity,
      boolean unresolvable) {}

  private final Set<String> ignoredResources = new HashSet<>();
  private final List<String> ignoredGroups = new ArrayList<>();
  private final String strategy;
  private final ResourceAllocationScorer scorer;

  public Fit(JsonNode args) {
    JsonNode a = args == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : args;
    for (JsonNode r : a.path("ignoredResources")) {
      ignoredResources.add(r.asText());
    }
    for (JsonNode r : a.path("ignoredResourceGroups")) {
      ignoredGroups.add(r.asText());
    }
    JsonNode s = a.path("scoringStrategy");
    this.strategy = s.path("type").asText("LeastAllocated");
    List<ResourceSpec> resources = ResourceSpec.parse(s.path("resources"), ResourceSpec.DEFAULT);
    this.scorer = switch (strategy) {
      case "LeastAllocated" -> new ResourceAllocationScorer(resources, false, Fit::leastAllocated);
      case "MostAllocated" -> new ResourceAllocationScorer(resources, false, Fit::mostAllocated);
      case "RequestedToCapacityRatio" -> new ResourceAllocationScorer(resources, false,
          RequestedToCapacityRatio.parse(s.path("requestedToCapacityRatio")));
      default -> throw new IllegalArgumentException("NodeResourcesFit: scoringStrategy.type: Unsupported value: \""
          + strategy + "\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"");
    };
  }

  @Override
  public String name() {
    return NAME;
  }

  public String strategy() {
    return strategy;
  }

  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    // The requests are precomputed in PodInfo; nothing to store.
    return Result.SUCCESS;
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    List<InsufficientResource> insufficient = fits(pod, node);
    if (insufficient.isEmpty()) {
      return Status.SUCCESS;
    }
    String[] reasons = new String[insufficient.size()];
    boolean unresolvable = false;
    for (int i = 0; i < reasons.length; i++) {
      reasons[i] = insufficient.get(i).reason();
      unresolvable |= insufficient.get(i).unresolvable();
    }
    return unresolvable ? Status.unresolvable(reasons) : Status.unschedulable(reasons);
  }

  /** What the node lacks for the pod (empty: it fits). */
  public List<InsufficientResource> fits(PodInfo pod, NodeInfo node) {
    List<InsufficientResource> out = null;
    Resource alloc = node.allocatable();
    Resource used = node.requested();
    int pods = node.pods().size();
    if (pods + 1 > alloc.allowedPodNumber) {
      out = new ArrayList<>(2);
      out.add(new InsufficientResource("pods", "Too many pods", 1, pods, alloc.allowedPodNumber,
          alloc.allowedPodNumber < 1));
    }
    Resource req = pod.requests();
    if (req.isZero()) {
      return out == null ? List.of() : out;
    }
    if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) {
      out = add(out, new InsufficientResource("cpu", "Insufficient cpu", req.milliCpu, used.milliCpu, alloc.milliCpu,
          req.milliCpu > alloc.milliCpu));
    }
    if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
      out = add(out, new InsufficientResource("memory", "Insufficient memory", req.memory, used.memory, alloc.memory,
          req.memory > alloc.memory));
    }
    if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
      out = add(out, new InsufficientResource("ephemeral-storage", "Insufficient ephemeral-storage",
          req.ephemeralStorage, used.ephemeralStorage, alloc.ephemeralStorage,
          req.ephemeralStorage > alloc.ephemeralStorage));
    }
    if (!req.hasScalars()) {
      return out == null ? List.of() : out;
    }
    for (Map.Entry<String, Long> e : req.scalars().entrySet()) {
      String r = e.getKey();
      long want = e.getValue();
      if (want == 0 || ignored(r)) {
        continue;
      }
      long have = alloc.scalar(r);
      if (want > have - used.scalar(r)) {
        out = add(out, new InsufficientResource(r, "Insufficient " + r, want, used.scalar(r), have, want > have));
      }
    }
    return out == null ? List.of() : out;
  }

  private boolean ignored(String r) {
    if (!ResourceNames.isExtended(r)) {
      return false;
    }
    if (ignoredResources.contains(r)) {
      return true;
    }
    int slash = r.indexOf('/');
    return slash > 0 && ignoredGroups.contains(r.substring(0, slash));
  }

  private static List<InsufficientResource> add(List<InsufficientResource> l, InsufficientResource r) {
    if (l == null) {
      l = new ArrayList<>(2);
    }
    l.add(r);
    return l;
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    return scorer.score(pod, node);
  }

  static long leastAllocated(long[] requested, long[] allocatable, List<ResourceSpec> resources) {
    long score = 0;
    long weights = 0;
    for (int i = 0; i < requested.length; i++) {
      if (allocatable[i] == 0) {
        continue;
      }
      long w = resources.get(i).weight();
      long s = requested[i] > allocatable[i] ? 0 : (allocatable[i] - requested[i]) * MAX_NODE_SCORE / allocatable[i];
      score += s * w;
      weights += w;
    }
    return weights == 0 ? 0 : score / weights;
  }

  static long mostAllocated(long[] requested, long[] allocatable, List<ResourceSpec> resources) {
    long score = 0;
    long weights = 0;
    for (int i = 0; i < requested.length; i++) {
      if (allocatable[i] == 0) {
        continue;
      }
      long w = resources.get(i).weight();
      long r = Math.min(requested[i], allocatable[i]);
      score += r * MAX_NODE_SCORE / allocatable[i] * w;
      weights += w;
    }
    return weights == 0 ? 0 : score / weights;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.ASSIGNED_POD_DELETE,
        ClusterEvent.of(ClusterEvent.Resource.ASSIGNED_POD, ClusterEvent.UPDATE_POD_SCALE_DOWN),
        ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_ALLOCATABLE),
        ClusterEvent.of(ClusterEvent.Resource.UNSCHEDULED_POD, ClusterEvent.UPDATE));
  }
}

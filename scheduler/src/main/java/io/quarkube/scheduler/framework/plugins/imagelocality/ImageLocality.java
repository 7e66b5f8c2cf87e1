package io.quarkube.scheduler.framework.plugins.imagelocality;

import io.fabric8.kubernetes.api.model.Container;
import io.quarkube.machinery.images.ImageNames;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.ScorePlugin;
import io.quarkube.scheduler.framework.SharedLister;
import io.quarkube.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ImageLocality (upstream's imagelocality): favours nodes that already have the pod's images (init and regular
 * containers), by size, so big images are not pulled again. Each image counts its size times the share of the
 * cluster's nodes that have it, so an image only one node has barely counts (otherwise every replica would pile onto
 * that node: the "node heating" problem); the sum is mapped linearly from [23 MB, 1000 MB × containers] onto
 * [0, 100]. PreScore counts, once per pod, how many nodes have each of its images (upstream keeps that count in its
 * cache); no node having any of them skips Score (every node would get 0).
 */
public final class ImageLocality implements PreScorePlugin, ScorePlugin {
  public static final String NAME = "ImageLocality";
  static final long MB = 1024L * 1024;
  /** Below this the sum scores 0: small images are cheap to pull anyway. */
  static final long MIN_THRESHOLD = 23 * MB;
  /** Per container: sums above it score 100. */
  static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;
  private static final String STATE_KEY = "PreScore" + NAME;

  private final Handle handle;

  public ImageLocality(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The pod's normalized images (one entry per container), how many nodes have each, and the node count. */
  private record State(List<String> images, Map<String, Integer> nodesWith, int totalNodes)
      implements CycleState.Data {
    @Override
    public CycleState.Data copy() {
      return this;
    }
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes) {
    List<String> images = new ArrayList<>();
    addImages(images, pod.pod().getSpec().getInitContainers());
    addImages(images, pod.pod().getSpec().getContainers());
    SharedLister snapshot = handle.snapshot();
    List<NodeInfo> all = snapshot == null ? feasibleNodes : snapshot.nodeInfos();
    Map<String, Integer> nodesWith = new HashMap<>();
    for (NodeInfo n : all) {
      Map<String, Long> sizes = n.imageSizes();
      if (sizes.isEmpty()) {
        continue;
      }
      for (String image : images) {
        if (sizes.containsKey(image)) {
          nodesWith.merge(image, 1, Integer::sum);
        }
      }
    }
    if (nodesWith.isEmpty()) {
      return Status.SKIP;
    }
    // Each image counts once per node, however many containers run it.
    for (String image : images) {
      nodesWith.putIfAbsent(image, 0);
    }
    state.write(STATE_KEY, new State(images, nodesWith, all.size()));
    return Status.SUCCESS;
  }

  private static void addImages(List<String> out, List<Container> containers) {
    if (containers != null) {
      for (Container c : containers) {
        out.add(ImageNames.normalize(c.getImage()));
      }
    }
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    State s = state.read(STATE_KEY, State.class);
    Map<String, Long> sizes = node.imageSizes();
    long sum = 0;
    for (String image : s.images()) {
      Long size = sizes.get(image);
      if (size != null) {
        sum += scaledImageScore(size, s.nodesWith().get(image), s.totalNodes());
      }
    }
    return calculatePriority(sum, s.images().size());
  }

  /** The image's size scaled by the share of nodes that have it. */
  static long scaledImageScore(long size, int nodesWithImage, int totalNodes) {
    if (totalNodes <= 0) {
      return 0;
    }
    double spread = (double) nodesWithImage / totalNodes;
    return (long) (size * spread);
  }

  /** The sum mapped linearly from [MIN_THRESHOLD, MAX_CONTAINER_THRESHOLD × containers] onto [0, 100]. */
  static long calculatePriority(long sumScores, int numContainers) {
    long max = MAX_CONTAINER_THRESHOLD * Math.max(1, numContainers);
    long clamped = Math.max(MIN_THRESHOLD, Math.min(max, sumScores));
    return MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) / (max - MIN_THRESHOLD);
  }
}

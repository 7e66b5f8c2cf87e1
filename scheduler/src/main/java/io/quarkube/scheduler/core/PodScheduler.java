package io.quarkube.scheduler.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.scheduler.cache.Snapshot;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.Diagnosis;
import io.quarkube.scheduler.framework.FitError;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PluginException;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.runtime.Framework;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks a node for one pod (upstream's schedulePod): PreFilter, Filter over enough nodes (all of them in small
 * clusters, an adaptive share in big ones, starting where the last pod stopped so every node gets its turn),
 * PreScore/Score/normalize/weights, and the best total with random tie-breaking. Used by the single scheduling loop.
 */
public final class PodScheduler {
  static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
  static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
  static final int BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;
  public static final String NO_NODES_AVAILABLE = "no nodes available to schedule pods";

  private final int globalPercentageOfNodesToScore;
  private int nextStartNodeIndex;

  public PodScheduler(int percentageOfNodesToScore) {
    this.globalPercentageOfNodesToScore = percentageOfNodesToScore;
  }

  /** Upstream's numFeasibleNodesToFind. */
  static int numFeasibleNodesToFind(int percentage, int numAllNodes) {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) {
      return numAllNodes;
    }
    int p = percentage;
    if (p <= 0) {
      p = BASE_PERCENTAGE_OF_NODES_TO_SCORE - numAllNodes / 125;
      if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) {
        p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
      }
    }
    int n = (int) ((long) numAllNodes * p / 100);
    return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
  }

  /** Thrown for scheduling errors that are not "does not fit" (a plugin failed). */
  public static final class SchedulingException extends Exception {
    private final Status status;

    public SchedulingException(Status status) {
      super(status.message(), status.error());
      this.status = status;
    }

    public Status status() {
      return status;
    }
  }

  public ScheduleResult schedule(Framework fwk, CycleState state, PodInfo pod, Snapshot snapshot)
      throws FitError, SchedulingException {
    List<NodeInfo> all = snapshot.nodeInfos();
    if (all.isEmpty()) {
      throw new NoNodesError();
    }
    Diagnosis diagnosis = new Diagnosis();
    List<NodeInfo> feasible = findNodesThatFit(fwk, state, pod, snapshot, diagnosis);
    if (feasible.isEmpty()) {
      throw new FitError(all.size(), diagnosis);
    }
    if (feasible.size() == 1) {
      return new ScheduleResult(feasible.get(0).name(), 1 + diagnosis.nodeToStatus.size(), 1);
    }
    long[] totals = prioritize(fwk, state, pod, feasible);
    return new ScheduleResult(selectHost(feasible, totals), feasible.size() + diagnosis.nodeToStatus.size(),
        feasible.size());
  }

  /** No nodes at all: upstream reports this as unschedulable with its own message. */
  public static final class NoNodesError extends FitError {
    public NoNodesError() {
      super(0, new Diagnosis());
    }

    @Override
    public String getMessage() {
      return NO_NODES_AVAILABLE;
    }
  }

  List<NodeInfo> findNodesThatFit(Framework fwk, CycleState state, PodInfo pod, Snapshot snapshot,
      Diagnosis diagnosis) throws SchedulingException {
    List<NodeInfo> all = snapshot.nodeInfos();
    Framework.PreFilterOutcome pre = fwk.runPreFilterPlugins(state, pod, all);
    Status s = pre.status();
    if (!s.isSuccess()) {
      if (!s.isRejected()) {
        throw new SchedulingException(s);
      }
      diagnosis.nodeToStatus.setAbsentStatus(s);
      diagnosis.addPluginStatus(s);
      diagnosis.preFilterMsg = s.message();
      return List.of();
    }
    // A pod nominated by an earlier preemption tries its nominated node first.
    Pod p = pod.pod();
    String nominated = p.getStatus() == null ? null : p.getStatus().getNominatedNodeName();
    if (nominated != null && !nominated.isEmpty()) {
      NodeInfo n = snapshot.get(nominated);
      if (n != null && (pre.result().allNodes() || pre.result().nodeNames().contains(nominated))) {
        Status fs = fwk.runFilterPluginsWithNominatedPods(state, pod, n);
        if (fs.isSuccess()) {
          return List.of(n);
        }
        if (fs.code() == Code.ERROR) {
          throw new SchedulingException(fs);
        }
      }
    }
    List<NodeInfo> nodes = all;
    if (!pre.result().allNodes()) {
      nodes = new ArrayList<>(pre.result().nodeNames().size());
      for (String name : pre.result().nodeNames()) {
        NodeInfo n = snapshot.get(name);
        if (n != null) {
          nodes.add(n);
        }
      }
      diagnosis.nodeToStatus.setAbsentStatus(Status.unresolvable("node(s) didn't satisfy plugin(s) "
          + pre.narrowingPlugins()));
    }
    return findNodesThatPassFilters(fwk, state, pod, nodes, diagnosis);
  }

  private List<NodeInfo> findNodesThatPassFilters(Framework fwk, CycleState state, PodInfo pod,
      List<NodeInfo> nodes, Diagnosis diagnosis) throws SchedulingException {
    int numAll = nodes.size();
    if (numAll == 0) {
      return List.of();
    }
    Integer profilePct = fwk.percentageOfNodesToScore();
    int toFind = numFeasibleNodesToFind(profilePct != null ? profilePct : globalPercentageOfNodesToScore, numAll);
    int start = nextStartNodeIndex % numAll;
    if (!fwk.hasFilterPlugins()) {
      List<NodeInfo> out = new ArrayList<>(toFind);
      for (int i = 0; i < toFind; i++) {
        out.add(nodes.get((start + i) % numAll));
      }
      nextStartNodeIndex = (start + toFind) % numAll;
      return out;
    }
    NodeInfo[] feasible = new NodeInfo[toFind];
    Status[] statuses = new Status[numAll];
    AtomicInteger feasibleCount = new AtomicInteger();
    AtomicInteger processed = new AtomicInteger();
    Status[] error = new Status[1];
    fwk.parallelizer().until(numAll, i -> {
      NodeInfo n = nodes.get((start + i) % numAll);
      Status st = fwk.runFilterPluginsWithNominatedPods(state, pod, n);
      if (st.isSuccess()) {
        int len = feasibleCount.incrementAndGet();
        if (len > toFind) {
          feasibleCount.decrementAndGet();
          return;
        }
        feasible[len - 1] = n;
      } else if (st.code() == Code.ERROR) {
        synchronized (error) {
          error[0] = st;
        }
      } else {
        statuses[i] = st;
      }
      processed.incrementAndGet();
    }, () -> feasibleCount.get() >= toFind || error[0] != null);
    if (error[0] != null) {
      throw new SchedulingException(error[0]);
    }
    for (int i = 0; i < numAll; i++) {
      Status st = statuses[i];
      if (st != null) {
        diagnosis.nodeToStatus.set(nodes.get((start + i) % numAll).name(), st);
        diagnosis.addPluginStatus(st);
      }
    }
    int found = feasibleCount.get();
    nextStartNodeIndex = (start + processed.get()) % numAll;
    List<NodeInfo> out = new ArrayList<>(found);
    for (int i = 0; i < found; i++) {
      if (feasible[i] != null) {
        out.add(feasible[i]);
      }
    }
    return out;
  }

  private long[] prioritize(Framework fwk, CycleState state, PodInfo pod, List<NodeInfo> feasible)
      throws SchedulingException {
    if (!fwk.hasScorePlugins()) {
      return new long[feasible.size()];
    }
    Status s = fwk.runPreScorePlugins(state, pod, feasible);
    if (!s.isSuccess()) {
      throw new SchedulingException(s);
    }
    try {
      return fwk.runScorePlugins(state, pod, feasible);
    } catch (PluginException e) {
      throw new SchedulingException(Status.error(e));
    }
  }

  /** The node with the highest total; ties broken uniformly at random (reservoir sampling). */
  static String selectHost(List<NodeInfo> nodes, long[] totals) {
    int best = 0;
    int ties = 1;
    for (int i = 1; i < totals.length; i++) {
      if (totals[i] > totals[best]) {
        best = i;
        ties = 1;
      } else if (totals[i] == totals[best]) {
        ties++;
        if (ThreadLocalRandom.current().nextInt(ties) == 0) {
          best = i;
        }
      }
    }
    return nodes.get(best).name();
  }
}

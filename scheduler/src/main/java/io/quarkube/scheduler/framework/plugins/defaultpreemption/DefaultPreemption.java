package io.quarkube.scheduler.framework.plugins.defaultpreemption;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.Diagnosis;
import io.quarkube.scheduler.framework.FitError;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.NodeToStatus;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PostFilterPlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.util.Selectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Preemption (PostFilter): when no node fits, find nodes where evicting lower-priority pods would make room, pick
 * the one that hurts least (fewest PDB violations, lowest victim priority, fewest victims, youngest victims), evict
 * its victims and nominate the node for the pod. Pods with {@code preemptionPolicy: Never} never preempt.
 */
public final class DefaultPreemption implements PostFilterPlugin {
  public static final String NAME = "DefaultPreemption";
  static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
  static final String NO_VICTIMS = "No preemption victims found for incoming pod";

  private final Handle handle;
  private final int minCandidateNodesPercentage;
  private final int minCandidateNodesAbsolute;

  public DefaultPreemption(JsonNode args, Handle handle) {
    this.handle = handle;
    this.minCandidateNodesPercentage = args == null ? 10 : args.path("minCandidateNodesPercentage").asInt(10);
    this.minCandidateNodesAbsolute = args == null ? 100 : args.path("minCandidateNodesAbsolute").asInt(100);
    if (minCandidateNodesPercentage < 0 || minCandidateNodesPercentage > 100 || minCandidateNodesAbsolute < 0
        || minCandidateNodesPercentage == 0 && minCandidateNodesAbsolute == 0) {
      throw new IllegalArgumentException("DefaultPreemption: minCandidateNodesPercentage must be in [0, 100], "
          + "minCandidateNodesAbsolute >= 0, and not both 0");
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Result postFilter(CycleState state, PodInfo pod, NodeToStatus statuses) {
    Result r = preempt(state, pod, statuses);
    String msg = r.status().message();
    if (!msg.isEmpty()) {
      return new Result(Status.of(r.status().code(), "preemption: " + msg), r.nominatedNodeName());
    }
    return r;
  }

  private Result preempt(CycleState state, PodInfo pod, NodeToStatus statuses) {
    String nominated = pod.pod().getStatus() == null ? null : pod.pod().getStatus().getNominatedNodeName();
    String notEligible = notEligibleReason(pod, nominated, statuses);
    if (notEligible != null) {
      return Result.of(Status.unschedulable(notEligible));
    }
    List<NodeInfo> all = handle.snapshot().nodeInfos();
    NodeToStatus nodeStatuses = new NodeToStatus();
    List<NodeInfo> potential = new ArrayList<>();
    for (NodeInfo n : all) {
      Status s = statuses.get(n.name());
      if (s.code() == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        nodeStatuses.set(n.name(), Status.unresolvable(NOT_HELPFUL));
      } else {
        potential.add(n);
      }
    }
    List<Candidate> candidates = new ArrayList<>();
    if (!potential.isEmpty()) {
      candidates = dryRun(state, pod, potential, nodeStatuses);
    }
    if (candidates.isEmpty()) {
      Diagnosis d = new Diagnosis();
      nodeStatuses.forEachExplicit(d.nodeToStatus::set);
      d.nodeToStatus.setAbsentStatus(Status.unresolvable(NOT_HELPFUL));
      return new Result(Status.unschedulable(new FitError(all.size(), d).getMessage()), "");
    }
    Candidate best = pick(candidates);
    prepare(best, pod);
    return new Result(Status.SUCCESS, best.nodeName());
  }

  /** Null when the pod may preempt; else why not (upstream's PodEligibleToPreemptOthers). */
  private String notEligibleReason(PodInfo pod, String nominated, NodeToStatus statuses) {
    if ("Never".equals(pod.pod().getSpec().getPreemptionPolicy())) {
      return "not eligible due to preemptionPolicy=Never.";
    }
    if (nominated != null && !nominated.isEmpty()) {
      if (statuses.get(nominated).code() == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        return null;
      }
      NodeInfo n = handle.snapshot().get(nominated);
      if (n != null) {
        for (PodInfo p : n.pods()) {
          if (p.priority() < pod.priority() && p.isTerminating()) {
            return "not eligible due to a terminating pod on the nominated node.";
          }
        }
      }
    }
    return null;
  }

  private List<Candidate> dryRun(CycleState state, PodInfo pod, List<NodeInfo> potential,
      NodeToStatus nodeStatuses) {
    int n = potential.size();
    int numCandidates = Math.max(n * minCandidateNodesPercentage / 100, minCandidateNodesAbsolute);
    numCandidates = Math.min(numCandidates, n);
    int offset = ThreadLocalRandom.current().nextInt(n);
    List<PodDisruptionBudget> pdbs = handle.listers().pdbs();
    List<Candidate> nonViolating = new ArrayList<>();
    List<Candidate> violating = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      NodeInfo node = potential.get((offset + i) % n).snapshotCopy();
      CycleState copy = state.copy();
      List<PodInfo> victims = new ArrayList<>();
      int[] violations = new int[1];
      Status s = selectVictimsOnNode(copy, pod, node, pdbs, victims, violations);
      if (s.isSuccess() && !victims.isEmpty()) {
        Candidate c = new Candidate(node.name(), victims, violations[0]);
        (violations[0] == 0 ? nonViolating : violating).add(c);
        if (!nonViolating.isEmpty() && nonViolating.size() + violating.size() >= numCandidates) {
          break;
        }
      } else if (s.isSuccess()) {
        nodeStatuses.set(node.name(), Status.error("expected at least one victim pod on node " + node.name()));
      } else {
        nodeStatuses.set(node.name(), s);
      }
    }
    List<Candidate> all = new ArrayList<>(nonViolating);
    all.addAll(violating);
    return all;
  }

  /** Removes every lower-priority pod; if the pod then fits, adds back as many as possible (PDB-protected first). */
  Status selectVictimsOnNode(CycleState state, PodInfo pod, NodeInfo node, List<PodDisruptionBudget> pdbs,
      List<PodInfo> victims, int[] numViolating) {
    List<PodInfo> potential = new ArrayList<>();
    for (PodInfo p : new ArrayList<>(node.pods())) {
      if (p.priority() < pod.priority()) {
        potential.add(p);
        node.removePod(p);
        Status s = handle.runPreFilterExtensionRemovePod(state, pod, p, node);
        if (!s.isSuccess()) {
          return s;
        }
      }
    }
    if (potential.isEmpty()) {
      return Status.unresolvable(NO_VICTIMS);
    }
    Status fits = handle.runFilterPluginsWithNominatedPods(state, pod, node);
    if (!fits.isSuccess()) {
      return fits;
    }
    potential.sort(MORE_IMPORTANT_FIRST);
    List<PodInfo> violatingPods = new ArrayList<>();
    List<PodInfo> nonViolatingPods = new ArrayList<>();
    splitByPdb(potential, pdbs, violatingPods, nonViolatingPods);
    for (PodInfo p : violatingPods) {
      if (!reprieve(state, pod, node, p, victims)) {
        numViolating[0]++;
      }
    }
    for (PodInfo p : nonViolatingPods) {
      reprieve(state, pod, node, p, victims);
    }
    if (!violatingPods.isEmpty() && !nonViolatingPods.isEmpty()) {
      victims.sort(MORE_IMPORTANT_FIRST);
    }
    return Status.SUCCESS;
  }

  private boolean reprieve(CycleState state, PodInfo pod, NodeInfo node, PodInfo p, List<PodInfo> victims) {
    node.addPod(p);
    handle.runPreFilterExtensionAddPod(state, pod, p, node);
    if (handle.runFilterPluginsWithNominatedPods(state, pod, node).isSuccess()) {
      return true;
    }
    node.removePod(p);
    handle.runPreFilterExtensionRemovePod(state, pod, p, node);
    victims.add(p);
    return false;
  }

  /** Higher priority first; equal priority: the one that started earlier is more important. */
  static final Comparator<PodInfo> MORE_IMPORTANT_FIRST = Comparator.comparingInt(PodInfo::priority).reversed()
      .thenComparing(DefaultPreemption::startTime);

  static Instant startTime(PodInfo p) {
    Pod pod = p.pod();
    String t = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    if (t == null) {
      t = pod.getMetadata().getCreationTimestamp();
    }
    try {
      return t == null ? Instant.now() : Instant.parse(t);
    } catch (RuntimeException e) {
      return Instant.now();
    }
  }

  static void splitByPdb(List<PodInfo> pods, List<PodDisruptionBudget> pdbs, List<PodInfo> violating,
      List<PodInfo> nonViolating) {
    int[] allowed = new int[pdbs.size()];
    for (int i = 0; i < pdbs.size(); i++) {
      PodDisruptionBudget b = pdbs.get(i);
      allowed[i] = b.getStatus() == null || b.getStatus().getDisruptionsAllowed() == null ? 0
          : b.getStatus().getDisruptionsAllowed();
    }
    for (PodInfo p : pods) {
      boolean violated = false;
      if (!p.labels().isEmpty()) {
        for (int i = 0; i < pdbs.size(); i++) {
          PodDisruptionBudget b = pdbs.get(i);
          if (!p.namespace().equals(b.getMetadata().getNamespace()) || b.getSpec() == null) {
            continue;
          }
          Selectors.Matcher m = Selectors.compile(b.getSpec().getSelector());
          if (m.isEverything() || !m.matches(p.labels())) {
            continue;
          }
          Map<String, String> disrupted = b.getStatus() == null ? null : b.getStatus().getDisruptedPods();
          if (disrupted != null && disrupted.containsKey(p.name())) {
            continue;
          }
          allowed[i]--;
          if (allowed[i] < 0) {
            violated = true;
          }
        }
      }
      (violated ? violating : nonViolating).add(p);
    }
  }

  /** Upstream's pickOneNodeForPreemption, criterion by criterion until one candidate is left. */
  static Candidate pick(List<Candidate> candidates) {
    List<Candidate> c = candidates;
    c = keepMin(c, x -> (long) x.numPdbViolations());
    c = keepMin(c, x -> (long) x.victims().get(0).priority());
    c = keepMin(c, x -> {
      long sum = 0;
      for (PodInfo v : x.victims()) {
        sum += (long) v.priority() + Integer.MAX_VALUE + 1;
      }
      return sum;
    });
    c = keepMin(c, x -> (long) x.victims().size());
    // Latest "earliest start time" among the highest-priority victims wins: evict the youngest pods.
    c = keepMin(c, x -> -earliestStartOfHighest(x).toEpochMilli());
    return c.get(0);
  }

  private static Instant earliestStartOfHighest(Candidate c) {
    int top = c.victims().get(0).priority();
    Instant earliest = null;
    for (PodInfo v : c.victims()) {
      if (v.priority() == top) {
        Instant t = startTime(v);
        if (earliest == null || t.isBefore(earliest)) {
          earliest = t;
        }
      }
    }
    return earliest == null ? Instant.now() : earliest;
  }

  private static List<Candidate> keepMin(List<Candidate> in, java.util.function.ToLongFunction<Candidate> f) {
    if (in.size() <= 1) {
      return in;
    }
    long min = Long.MAX_VALUE;
    for (Candidate x : in) {
      min = Math.min(min, f.applyAsLong(x));
    }
    List<Candidate> out = new ArrayList<>();
    for (Candidate x : in) {
      if (f.applyAsLong(x) == min) {
        out.add(x);
      }
    }
    return out;
  }

  private void prepare(Candidate c, PodInfo preemptor) {
    for (PodInfo v : c.victims()) {
      handle.api().evictVictim(v.pod(), preemptor.pod(), c.nodeName());
    }
    // Lower-priority pods nominated to this node lose the nomination: the room is for the preemptor.
    for (PodInfo p : handle.nominator().nominatedPodsForNode(c.nodeName())) {
      if (p.priority() < preemptor.priority()) {
        handle.api().clearNominatedNodeName(p.pod());
      }
    }
  }
}

package io.quarkube.scheduler.framework.plugins.interpodaffinity;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.scheduler.framework.AffinityTerm;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.ScorePlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.framework.plugins.helper.TopologyPair;
import io.quarkube.scheduler.util.Selectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pod affinity and anti-affinity with topology keys. Filter: the pod's required affinity must find a matching pod
 * in the node's domain (or the pod matches its own terms and no matching pod exists anywhere: the first of a group),
 * its required anti-affinity must find none, and no existing pod's required anti-affinity may reject the pod. Score:
 * preferred terms of the pod and of existing pods, summed per domain and normalized between the lowest and highest.
 */
public final class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin,
    EnqueueExtensions {
  public static final String NAME = "InterPodAffinity";
  public static final String ERR_AFFINITY = "node(s) didn't match pod affinity rules";
  public static final String ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
  public static final String ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
  private static final String PRE_FILTER_KEY = "PreFilter" + NAME;
  private static final String PRE_SCORE_KEY = "PreScore" + NAME;

  private final Handle handle;
  private final long hardPodAffinityWeight;
  private final boolean ignorePreferredTermsOfExistingPods;

  public InterPodAffinity(JsonNode args, Handle handle) {
    this.handle = handle;
    this.hardPodAffinityWeight = args == null ? 1 : args.path("hardPodAffinityWeight").asLong(1);
    if (hardPodAffinityWeight < 0 || hardPodAffinityWeight > 100) {
      throw new IllegalArgumentException("InterPodAffinity: hardPodAffinityWeight: must be in the range [0-100]");
    }
    this.ignorePreferredTermsOfExistingPods = args != null
        && args.path("ignorePreferredTermsOfExistingPods").asBoolean(false);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Counts per topology pair; entries at zero are removed so emptiness means "none". */
  static final class Counts {
    final Map<TopologyPair, Long> m;

    Counts() {
      m = new HashMap<>();
    }

    Counts(Counts o) {
      m = new HashMap<>(o.m);
    }

    void add(TopologyPair p, long d) {
      long v = m.getOrDefault(p, 0L) + d;
      if (v == 0) {
        m.remove(p);
      } else {
        m.put(p, v);
      }
    }

    long get(TopologyPair p) {
      return m.getOrDefault(p, 0L);
    }

    void updateWithAffinityTerms(List<AffinityTerm> terms, PodInfo pod, Map<String, String> nsLabels,
        Map<String, String> nodeLabels, long mult) {
      if (terms.isEmpty() || !matchesAll(terms, pod, nsLabels)) {
        return;
      }
      for (AffinityTerm t : terms) {
        String v = nodeLabels.get(t.topologyKey());
        if (v != null) {
          add(new TopologyPair(t.topologyKey(), v), mult);
        }
      }
    }

    void updateWithAntiAffinityTerms(List<AffinityTerm> terms, PodInfo pod, Map<String, String> nsLabels,
        Map<String, String> nodeLabels, long mult) {
      for (AffinityTerm t : terms) {
        if (t.matches(pod.pod(), nsLabels)) {
          String v = nodeLabels.get(t.topologyKey());
          if (v != null) {
            add(new TopologyPair(t.topologyKey(), v), mult);
          }
        }
      }
    }
  }

  static boolean matchesAll(List<AffinityTerm> terms, PodInfo pod, Map<String, String> nsLabels) {
    if (terms.isEmpty()) {
      return false;
    }
    for (AffinityTerm t : terms) {
      if (!t.matches(pod.pod(), nsLabels)) {
        return false;
      }
    }
    return true;
  }

  static final class PreFilterState implements CycleState.Data {
    Counts existingAntiAffinity;
    Counts affinity;
    Counts antiAffinity;
    List<AffinityTerm> requiredAffinity;
    List<AffinityTerm> requiredAnti;
    Map<String, String> namespaceLabels;

    @Override
    public CycleState.Data copy() {
      PreFilterState c = new PreFilterState();
      c.existingAntiAffinity = new Counts(existingAntiAffinity);
      c.affinity = new Counts(affinity);
      c.antiAffinity = new Counts(antiAffinity);
      c.requiredAffinity = requiredAffinity;
      c.requiredAnti = requiredAnti;
      c.namespaceLabels = namespaceLabels;
      return c;
    }

    void updateWithPod(PodInfo podToSchedule, PodInfo other, NodeInfo node, long mult) {
      Map<String, String> nodeLabels = node.labels();
      existingAntiAffinity.updateWithAntiAffinityTerms(other.requiredAntiAffinityTerms(), podToSchedule,
          namespaceLabels, nodeLabels, mult);
      affinity.updateWithAffinityTerms(requiredAffinity, other, null, nodeLabels, mult);
      antiAffinity.updateWithAntiAffinityTerms(requiredAnti, other, null, nodeLabels, mult);
    }
  }

  /** Resolves namespace selectors into namespace names once per cycle (empty selector: all namespaces). */
  private List<AffinityTerm> mergeNamespaces(List<AffinityTerm> terms) {
    if (terms.isEmpty()) {
      return terms;
    }
    List<AffinityTerm> out = new ArrayList<>(terms.size());
    for (AffinityTerm t : terms) {
      Selectors.Matcher sel = t.namespaceSelector();
      if (sel == Selectors.NOTHING || sel.isEverything()) {
        out.add(t);
        continue;
      }
      Set<String> names = new HashSet<>(t.namespaces());
      handle.listers().namespaces().forEach((ns, labels) -> {
        if (sel.matches(labels)) {
          names.add(ns);
        }
      });
      out.add(t.withNamespaces(names));
    }
    return out;
  }

  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    PreFilterState s = new PreFilterState();
    s.requiredAffinity = mergeNamespaces(pod.requiredAffinityTerms());
    s.requiredAnti = mergeNamespaces(pod.requiredAntiAffinityTerms());
    s.namespaceLabels = handle.listers().namespaceLabels(pod.namespace());
    s.existingAntiAffinity = new Counts();
    s.affinity = new Counts();
    s.antiAffinity = new Counts();
    List<NodeInfo> withAnti = handle.snapshot() == null ? nodes : handle.snapshot().havePodsWithRequiredAntiAffinity();
    for (NodeInfo n : withAnti) {
      if (n.node() == null) {
        continue;
      }
      Map<String, String> nodeLabels = n.labels();
      for (PodInfo existing : n.podsWithRequiredAntiAffinity()) {
        s.existingAntiAffinity.updateWithAntiAffinityTerms(existing.requiredAntiAffinityTerms(), pod,
            s.namespaceLabels, nodeLabels, 1);
      }
    }
    if (!s.requiredAffinity.isEmpty() || !s.requiredAnti.isEmpty()) {
      for (NodeInfo n : nodes) {
        if (n.node() == null) {
          continue;
        }
        Map<String, String> nodeLabels = n.labels();
        for (PodInfo existing : n.pods()) {
          s.affinity.updateWithAffinityTerms(s.requiredAffinity, existing, null, nodeLabels, 1);
          s.antiAffinity.updateWithAntiAffinityTerms(s.requiredAnti, existing, null, nodeLabels, 1);
        }
      }
    }
    if (s.existingAntiAffinity.m.isEmpty() && s.requiredAffinity.isEmpty() && s.requiredAnti.isEmpty()) {
      return Result.SKIP;
    }
    state.write(PRE_FILTER_KEY, s);
    return Result.SUCCESS;
  }

  @Override
  public Extensions preFilterExtensions() {
    return Extensions.counting((state, podToSchedule, pod, node, delta) ->
        state.read(PRE_FILTER_KEY, PreFilterState.class).updateWithPod(podToSchedule, pod, node, delta));
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    PreFilterState s = state.read(PRE_FILTER_KEY, PreFilterState.class);
    Map<String, String> labels = node.labels();
    if (!satisfiesAffinity(s, pod, labels)) {
      return Status.unresolvable(ERR_AFFINITY);
    }
    for (AffinityTerm t : s.requiredAnti) {
      String v = labels.get(t.topologyKey());
      if (v != null && s.antiAffinity.get(new TopologyPair(t.topologyKey(), v)) > 0) {
        return Status.unschedulable(ERR_ANTI_AFFINITY);
      }
    }
    if (!s.existingAntiAffinity.m.isEmpty()) {
      for (Map.Entry<String, String> e : labels.entrySet()) {
        if (s.existingAntiAffinity.get(new TopologyPair(e.getKey(), e.getValue())) > 0) {
          return Status.unschedulable(ERR_EXISTING_ANTI_AFFINITY);
        }
      }
    }
    return Status.SUCCESS;
  }

  private static boolean satisfiesAffinity(PreFilterState s, PodInfo pod, Map<String, String> labels) {
    if (s.requiredAffinity.isEmpty()) {
      return true;
    }
    boolean podsExist = true;
    for (AffinityTerm t : s.requiredAffinity) {
      String v = labels.get(t.topologyKey());
      if (v == null) {
        return false;
      }
      if (s.affinity.get(new TopologyPair(t.topologyKey(), v)) <= 0) {
        podsExist = false;
      }
    }
    if (!podsExist) {
      // The first pod of a group that selects itself may go anywhere, as long as no matching pod exists yet.
      return s.affinity.m.isEmpty() && matchesAll(s.requiredAffinity, pod, s.namespaceLabels);
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------------------ score

  static final class PreScoreState implements CycleState.Data {
    final Map<String, Map<String, Long>> topologyScore = new HashMap<>();

    @Override
    public CycleState.Data copy() {
      return this;
    }

    void add(String key, String value, long d) {
      topologyScore.computeIfAbsent(key, k -> new HashMap<>()).merge(value, d, Long::sum);
    }
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasible) {
    boolean hasConstraints = !pod.preferredAffinityTerms().isEmpty() || !pod.preferredAntiAffinityTerms().isEmpty();
    if (ignorePreferredTermsOfExistingPods && !hasConstraints) {
      return Status.SKIP;
    }
    List<NodeInfo> nodes;
    if (hasConstraints) {
      nodes = handle.snapshot() == null ? feasible : handle.snapshot().nodeInfos();
    } else {
      nodes = handle.snapshot() == null ? feasible : handle.snapshot().havePodsWithAffinity();
    }
    List<AffinityTerm> preferredAffinity = mergeNamespaces(pod.preferredAffinityTerms());
    List<AffinityTerm> preferredAnti = mergeNamespaces(pod.preferredAntiAffinityTerms());
    Map<String, String> nsLabels = handle.listers().namespaceLabels(pod.namespace());
    PreScoreState s = new PreScoreState();
    for (NodeInfo n : nodes) {
      if (n.node() == null) {
        continue;
      }
      Map<String, String> labels = n.labels();
      if (labels.isEmpty()) {
        continue;
      }
      List<PodInfo> pods = hasConstraints ? n.pods() : n.podsWithAffinity();
      for (PodInfo existing : pods) {
        processTerms(s, preferredAffinity, existing, null, labels, 1);
        processTerms(s, preferredAnti, existing, null, labels, -1);
        if (hardPodAffinityWeight > 0) {
          for (AffinityTerm t : existing.requiredAffinityTerms()) {
            processTerm(s, t, hardPodAffinityWeight, pod, nsLabels, labels, 1);
          }
        }
        processTerms(s, existing.preferredAffinityTerms(), pod, nsLabels, labels, 1);
        processTerms(s, existing.preferredAntiAffinityTerms(), pod, nsLabels, labels, -1);
      }
    }
    if (s.topologyScore.isEmpty()) {
      return Status.SKIP;
    }
    state.write(PRE_SCORE_KEY, s);
    return Status.SUCCESS;
  }

  private static void processTerms(PreScoreState s, List<AffinityTerm> terms, PodInfo pod,
      Map<String, String> nsLabels, Map<String, String> nodeLabels, long mult) {
    for (AffinityTerm t : terms) {
      processTerm(s, t, t.weight(), pod, nsLabels, nodeLabels, mult);
    }
  }

  private static void processTerm(PreScoreState s, AffinityTerm t, long weight, PodInfo pod,
      Map<String, String> nsLabels, Map<String, String> nodeLabels, long mult) {
    String v = nodeLabels.get(t.topologyKey());
    if (v != null && t.matches(pod.pod(), nsLabels)) {
      s.add(t.topologyKey(), v, weight * mult);
    }
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    PreScoreState s = state.read(PRE_SCORE_KEY, PreScoreState.class);
    Map<String, String> labels = node.labels();
    long total = 0;
    for (Map.Entry<String, Map<String, Long>> e : s.topologyScore.entrySet()) {
      String v = labels.get(e.getKey());
      if (v != null) {
        total += e.getValue().getOrDefault(v, 0L);
      }
    }
    return total;
  }

  @Override
  public boolean hasScoreExtensions() {
    return true;
  }

  @Override
  public Status normalizeScores(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    if (scores.length == 0) {
      return Status.SUCCESS;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long v : scores) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    long diff = max - min;
    for (int i = 0; i < scores.length; i++) {
      scores[i] = diff > 0 ? (long) (MAX_NODE_SCORE * ((double) (scores[i] - min) / diff)) : 0;
    }
    return Status.SUCCESS;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.of(ClusterEvent.Resource.ASSIGNED_POD, ClusterEvent.ALL),
        ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_LABEL),
        ClusterEvent.of(ClusterEvent.Resource.NAMESPACE, ClusterEvent.ALL),
        ClusterEvent.of(ClusterEvent.Resource.UNSCHEDULED_POD, ClusterEvent.UPDATE));
  }
}

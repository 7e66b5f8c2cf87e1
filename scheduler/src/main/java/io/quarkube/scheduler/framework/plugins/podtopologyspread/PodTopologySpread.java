package io.quarkube.scheduler.framework.plugins.podtopologyspread;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
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
 * Spreads matching pods evenly over topology domains. Filter (DoNotSchedule constraints): placing the pod must not
 * make (pods in this domain) - (pods in the emptiest domain) exceed maxSkew. Score (ScheduleAnyway constraints, and
 * the default constraints for pods of a Service/ReplicaSet/StatefulSet that have none): fewer matching pods in the
 * node's domains is better.
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin,
    EnqueueExtensions {
  public static final String NAME = "PodTopologySpread";
  public static final String ERR_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
  public static final String ERR_NODE_LABEL_NOT_MATCH = ERR_CONSTRAINTS_NOT_MATCH + " (missing required label)";
  static final String HOSTNAME = "kubernetes.io/hostname";
  private static final String PRE_FILTER_KEY = "PreFilter" + NAME;
  private static final String PRE_SCORE_KEY = "PreScore" + NAME;

  /** Upstream's system default constraints (ScheduleAnyway): hostname skew 3, zone skew 5. */
  static final List<TopologySpreadConstraint> SYSTEM_DEFAULTS = List.of(
      new io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder().withMaxSkew(3)
          .withTopologyKey(HOSTNAME).withWhenUnsatisfiable("ScheduleAnyway").build(),
      new io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder().withMaxSkew(5)
          .withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("ScheduleAnyway").build());

  private final Handle handle;
  private final List<TopologySpreadConstraint> defaultConstraints;
  private final boolean systemDefaulted;

  public PodTopologySpread(JsonNode args, Handle handle) {
    this.handle = handle;
    String type = args == null ? "System" : args.path("defaultingType").asText("System");
    if (type.equals("System")) {
      if (args != null && args.path("defaultConstraints").size() > 0) {
        throw new IllegalArgumentException("PodTopologySpread: defaultConstraints: Invalid value: when "
            + "defaultingType is System, defaultConstraints must be empty");
      }
      this.defaultConstraints = SYSTEM_DEFAULTS;
      this.systemDefaulted = true;
    } else if (type.equals("List")) {
      List<TopologySpreadConstraint> l = new ArrayList<>();
      for (JsonNode c : args.path("defaultConstraints")) {
        TopologySpreadConstraint t = Serialization.unmarshal(c.toString(), TopologySpreadConstraint.class);
        if (t.getLabelSelector() != null) {
          throw new IllegalArgumentException("PodTopologySpread: defaultConstraints: labelSelector must not be set");
        }
        l.add(t);
      }
      this.defaultConstraints = List.copyOf(l);
      this.systemDefaulted = false;
    } else {
      throw new IllegalArgumentException("PodTopologySpread: defaultingType: Unsupported value: \"" + type + "\"");
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  private List<Constraint> constraints(PodInfo pod, String action) {
    List<TopologySpreadConstraint> own = pod.pod().getSpec().getTopologySpreadConstraints();
    if (own != null && !own.isEmpty()) {
      return Constraint.fromPod(pod, action);
    }
    if (defaultConstraints.isEmpty()) {
      return List.of();
    }
    Selectors.Matcher sel = defaultSelector(pod);
    if (sel == null) {
      return List.of();
    }
    List<Constraint> out = new ArrayList<>();
    for (TopologySpreadConstraint c : defaultConstraints) {
      if (action.equals(c.getWhenUnsatisfiable())) {
        out.add(new Constraint(c.getMaxSkew() == null ? 1 : c.getMaxSkew(), c.getTopologyKey(), sel, 1, true,
            false));
      }
    }
    return out;
  }

  /**
   * The selector of the pod's "group": the selectors of the Services, ReplicationControllers, ReplicaSets and
   * StatefulSets that select it, ANDed (upstream's helper.DefaultSelector). Null when nothing selects it.
   */
  private Selectors.Matcher defaultSelector(PodInfo pod) {
    Map<String, String> labels = pod.labels();
    Map<String, String> set = new HashMap<>();
    List<Selectors.Matcher> matchers = new ArrayList<>();
    String ns = pod.namespace();
    for (Service s : handle.listers().services(ns)) {
      Map<String, String> sel = s.getSpec() == null ? null : s.getSpec().getSelector();
      if (sel != null && !sel.isEmpty() && Selectors.fromMap(sel).matches(labels)) {
        set.putAll(sel);
      }
    }
    for (ReplicationController rc : handle.listers().replicationControllers(ns)) {
      Map<String, String> sel = rc.getSpec() == null ? null : rc.getSpec().getSelector();
      if (sel != null && !sel.isEmpty() && Selectors.fromMap(sel).matches(labels)) {
        set.putAll(sel);
      }
    }
    for (ReplicaSet rs : handle.listers().replicaSets(ns)) {
      if (rs.getSpec() != null && rs.getSpec().getSelector() != null) {
        Selectors.Matcher m = Selectors.compile(rs.getSpec().getSelector());
        if (!m.isEverything() && m.matches(labels)) {
          matchers.add(m);
        }
      }
    }
    for (StatefulSet ss : handle.listers().statefulSets(ns)) {
      if (ss.getSpec() != null && ss.getSpec().getSelector() != null) {
        Selectors.Matcher m = Selectors.compile(ss.getSpec().getSelector());
        if (!m.isEverything() && m.matches(labels)) {
          matchers.add(m);
        }
      }
    }
    if (!set.isEmpty()) {
      matchers.add(Selectors.fromMap(set));
    }
    if (matchers.isEmpty()) {
      return null;
    }
    List<Selectors.Matcher> all = List.copyOf(matchers);
    return l -> {
      for (Selectors.Matcher m : all) {
        if (!m.matches(l)) {
          return false;
        }
      }
      return true;
    };
  }

  // ----------------------------------------------------------------------------------------------------- filter

  static final class PreFilterState implements CycleState.Data {
    List<Constraint> constraints;
    Map<TopologyPair, Long> pairToMatchNum = new HashMap<>();
    Map<String, Long> minMatchNum = new HashMap<>();
    Map<String, Integer> domainsNum = new HashMap<>();

    @Override
    public CycleState.Data copy() {
      PreFilterState c = new PreFilterState();
      c.constraints = constraints;
      c.pairToMatchNum = new HashMap<>(pairToMatchNum);
      c.minMatchNum = new HashMap<>(minMatchNum);
      c.domainsNum = new HashMap<>(domainsNum);
      return c;
    }

    void recompute() {
      minMatchNum.clear();
      domainsNum.clear();
      for (Map.Entry<TopologyPair, Long> e : pairToMatchNum.entrySet()) {
        String k = e.getKey().key();
        minMatchNum.merge(k, e.getValue(), Math::min);
        domainsNum.merge(k, 1, Integer::sum);
      }
    }

    long minMatch(String key, int minDomains) {
      if (domainsNum.getOrDefault(key, 0) < minDomains) {
        // Fewer domains than wanted: the missing ones count as empty.
        return 0;
      }
      return minMatchNum.getOrDefault(key, 0L);
    }
  }

  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    List<Constraint> cs = constraints(pod, "DoNotSchedule");
    if (cs.isEmpty()) {
      return Result.SKIP;
    }
    PreFilterState s = new PreFilterState();
    s.constraints = cs;
    for (NodeInfo n : nodes) {
      if (n.node() == null) {
        continue;
      }
      Map<String, String> labels = n.labels();
      if (!Constraint.nodeHasAllKeys(labels, cs)) {
        continue;
      }
      for (Constraint c : cs) {
        if (!c.includesNode(pod, n)) {
          continue;
        }
        TopologyPair p = new TopologyPair(c.topologyKey(), labels.get(c.topologyKey()));
        s.pairToMatchNum.merge(p, c.countMatching(n.pods(), pod.namespace()), Long::sum);
      }
    }
    s.recompute();
    state.write(PRE_FILTER_KEY, s);
    return Result.SUCCESS;
  }

  @Override
  public Extensions preFilterExtensions() {
    return Extensions.counting(PodTopologySpread::update);
  }

  private static void update(CycleState state, PodInfo preemptor, PodInfo changed, NodeInfo node, int delta) {
    PreFilterState s = state.readOrNull(PRE_FILTER_KEY, PreFilterState.class);
    if (s == null || node.node() == null || !changed.namespace().equals(preemptor.namespace())) {
      return;
    }
    Map<String, String> labels = node.labels();
    if (!Constraint.nodeHasAllKeys(labels, s.constraints)) {
      return;
    }
    for (Constraint c : s.constraints) {
      if (!c.selector().matches(changed.labels()) || !c.includesNode(preemptor, node)) {
        continue;
      }
      s.pairToMatchNum.merge(new TopologyPair(c.topologyKey(), labels.get(c.topologyKey())), (long) delta, Long::sum);
    }
    s.recompute();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    PreFilterState s = state.read(PRE_FILTER_KEY, PreFilterState.class);
    Map<String, String> labels = node.labels();
    for (Constraint c : s.constraints) {
      String v = labels.get(c.topologyKey());
      if (v == null) {
        return Status.unresolvable(ERR_NODE_LABEL_NOT_MATCH);
      }
      long self = c.selector().matches(pod.labels()) ? 1 : 0;
      long min = s.minMatch(c.topologyKey(), c.minDomains());
      long match = s.pairToMatchNum.getOrDefault(new TopologyPair(c.topologyKey(), v), 0L);
      if (match + self - min > c.maxSkew()) {
        return Status.unschedulable(ERR_CONSTRAINTS_NOT_MATCH);
      }
    }
    return Status.SUCCESS;
  }

  // ------------------------------------------------------------------------------------------------------ score

  static final class PreScoreState implements CycleState.Data {
    List<Constraint> constraints;
    Set<String> ignoredNodes = new HashSet<>();
    Map<TopologyPair, long[]> pairToPodCounts = new HashMap<>();
    double[] normalizingWeight;

    @Override
    public CycleState.Data copy() {
      return this;
    }
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasible) {
    List<Constraint> cs = constraints(pod, "ScheduleAnyway");
    if (cs.isEmpty()) {
      return Status.SKIP;
    }
    List<TopologySpreadConstraint> own = pod.pod().getSpec().getTopologySpreadConstraints();
    boolean requireAll = (own != null && !own.isEmpty()) || !systemDefaulted;
    PreScoreState s = new PreScoreState();
    s.constraints = cs;
    int[] topoSize = new int[cs.size()];
    for (NodeInfo n : feasible) {
      Map<String, String> labels = n.labels();
      if (requireAll && !Constraint.nodeHasAllKeys(labels, cs)) {
        s.ignoredNodes.add(n.name());
        continue;
      }
      for (int i = 0; i < cs.size(); i++) {
        Constraint c = cs.get(i);
        if (c.topologyKey().equals(HOSTNAME)) {
          continue;
        }
        String v = labels.get(c.topologyKey());
        if (v == null) {
          continue;
        }
        TopologyPair p = new TopologyPair(c.topologyKey(), v);
        if (!s.pairToPodCounts.containsKey(p)) {
          s.pairToPodCounts.put(p, new long[1]);
          topoSize[i]++;
        }
      }
    }
    s.normalizingWeight = new double[cs.size()];
    for (int i = 0; i < cs.size(); i++) {
      int size = topoSize[i];
      if (cs.get(i).topologyKey().equals(HOSTNAME)) {
        size = feasible.size() - s.ignoredNodes.size();
      }
      s.normalizingWeight[i] = Math.log(size + 2);
    }
    if (!s.pairToPodCounts.isEmpty()) {
      List<NodeInfo> all = handle.snapshot() == null ? feasible : handle.snapshot().nodeInfos();
      for (NodeInfo n : all) {
        if (n.node() == null) {
          continue;
        }
        Map<String, String> labels = n.labels();
        if (requireAll && !Constraint.nodeHasAllKeys(labels, cs)) {
          continue;
        }
        for (Constraint c : cs) {
          if (c.topologyKey().equals(HOSTNAME)) {
            continue;
          }
          String v = labels.get(c.topologyKey());
          if (v == null || !c.includesNode(pod, n)) {
            continue;
          }
          long[] cnt = s.pairToPodCounts.get(new TopologyPair(c.topologyKey(), v));
          if (cnt != null) {
            cnt[0] += c.countMatching(n.pods(), pod.namespace());
          }
        }
      }
    }
    state.write(PRE_SCORE_KEY, s);
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    PreScoreState s = state.read(PRE_SCORE_KEY, PreScoreState.class);
    if (s.ignoredNodes.contains(node.name())) {
      return 0;
    }
    Map<String, String> labels = node.labels();
    double score = 0;
    for (int i = 0; i < s.constraints.size(); i++) {
      Constraint c = s.constraints.get(i);
      String v = labels.get(c.topologyKey());
      if (v == null) {
        continue;
      }
      long cnt;
      if (c.topologyKey().equals(HOSTNAME)) {
        cnt = c.countMatching(node.pods(), pod.namespace());
      } else {
        long[] x = s.pairToPodCounts.get(new TopologyPair(c.topologyKey(), v));
        cnt = x == null ? 0 : x[0];
      }
      score += cnt * s.normalizingWeight[i] + (c.maxSkew() - 1);
    }
    return Math.round(score);
  }

  @Override
  public boolean hasScoreExtensions() {
    return true;
  }

  @Override
  public Status normalizeScores(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    PreScoreState s = state.readOrNull(PRE_SCORE_KEY, PreScoreState.class);
    if (s == null) {
      return Status.SUCCESS;
    }
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.contains(nodes.get(i).name())) {
        continue;
      }
      min = Math.min(min, scores[i]);
      max = Math.max(max, scores[i]);
    }
    for (int i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.contains(nodes.get(i).name())) {
        scores[i] = 0;
      } else if (max == 0) {
        scores[i] = MAX_NODE_SCORE;
      } else {
        scores[i] = MAX_NODE_SCORE * (max + min - scores[i]) / max;
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.of(ClusterEvent.Resource.ASSIGNED_POD, ClusterEvent.ALL),
        ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.DELETE
            | ClusterEvent.UPDATE_NODE_LABEL | ClusterEvent.UPDATE_NODE_TAINT),
        ClusterEvent.of(ClusterEvent.Resource.UNSCHEDULED_POD, ClusterEvent.UPDATE));
  }
}

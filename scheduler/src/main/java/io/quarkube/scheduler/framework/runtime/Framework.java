package io.quarkube.scheduler.framework.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.quarkube.scheduler.config.ExtensionPoint;
import io.quarkube.scheduler.config.PluginRef;
import io.quarkube.scheduler.config.PluginSet;
import io.quarkube.scheduler.config.Profile;
import io.quarkube.scheduler.framework.ApiActions;
import io.quarkube.scheduler.framework.BindPlugin;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.ClusterListers;
import io.quarkube.scheduler.framework.Code;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.Handle;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.NodeToStatus;
import io.quarkube.scheduler.framework.PermitPlugin;
import io.quarkube.scheduler.framework.Plugin;
import io.quarkube.scheduler.framework.PluginException;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PodNominator;
import io.quarkube.scheduler.framework.PostBindPlugin;
import io.quarkube.scheduler.framework.PostFilterPlugin;
import io.quarkube.scheduler.framework.PreBindPlugin;
import io.quarkube.scheduler.framework.PreEnqueuePlugin;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.PreFilterResult;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.QueueSortPlugin;
import io.quarkube.scheduler.framework.QueuedPodInfo;
import io.quarkube.scheduler.framework.ReservePlugin;
import io.quarkube.scheduler.framework.ScorePlugin;
import io.quarkube.scheduler.framework.SharedLister;
import io.quarkube.scheduler.framework.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One profile's plugins, instantiated once and sorted by extension point, and the code that runs each extension
 * point with upstream's rules (first failing Filter wins, Unreserve in reverse order, SKIP handling, weights).
 */
public final class Framework implements Handle {
  private final String profileName;
  private final Map<String, Plugin> instances = new LinkedHashMap<>();
  private final List<PreEnqueuePlugin> preEnqueue;
  private final QueueSortPlugin queueSort;
  private final List<PreFilterPlugin> preFilter;
  private final List<FilterPlugin> filter;
  private final List<PostFilterPlugin> postFilter;
  private final List<PreScorePlugin> preScore;
  private final List<ScorePlugin> score;
  private final long[] scoreWeights;
  private final List<ReservePlugin> reserve;
  private final List<PermitPlugin> permit;
  private final List<PreBindPlugin> preBind;
  private final List<BindPlugin> bind;
  private final List<PostBindPlugin> postBind;
  private final Integer percentageOfNodesToScore;

  private final ClusterListers listers;
  private final PodNominator nominator;
  private final ApiActions api;
  private final Parallelizer parallelizer;
  private final WaitingPods waitingPods = new WaitingPods();
  private volatile Supplier<SharedLister> snapshot = () -> null;

  /** Builds the framework for {@code profile}; throws IllegalArgumentException for a bad plugin configuration. */
  public Framework(Profile profile, Registry registry, ClusterListers listers, PodNominator nominator,
      ApiActions api, Parallelizer parallelizer) {
    this.profileName = profile.schedulerName();
    this.listers = listers;
    this.nominator = nominator;
    this.api = api;
    this.parallelizer = parallelizer;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore();

    PluginSet multi = profile.plugins("multiPoint");
    Map<ExtensionPoint, List<PluginRef>> resolved = new LinkedHashMap<>();
    for (ExtensionPoint e : ExtensionPoint.values()) {
      PluginSet point = profile.plugins(e.configName());
      Set<String> explicit = new HashSet<>();
      for (PluginRef r : point.enabled()) {
        explicit.add(r.name());
      }
      List<PluginRef> list = new ArrayList<>();
      for (PluginRef r : multi.enabled()) {
        Plugin p = instance(r.name(), profile, registry);
        if (e.implementedBy(p) && !point.disables(r.name()) && !explicit.contains(r.name())) {
          list.add(r);
        }
      }
      for (PluginRef r : point.enabled()) {
        Plugin p = instance(r.name(), profile, registry);
        if (!e.implementedBy(p)) {
          throw new IllegalArgumentException("plugin " + r.name() + " does not extend " + e.configName()
              + " plugin");
        }
        list.add(r);
      }
      resolved.put(e, list);
    }
    for (String argPlugin : profile.pluginConfig().keySet()) {
      if (!instances.containsKey(argPlugin) && registry.get(argPlugin) == null) {
        throw new IllegalArgumentException("pluginConfig for unknown plugin " + argPlugin);
      }
    }
    this.preEnqueue = plugins(resolved, ExtensionPoint.PRE_ENQUEUE, PreEnqueuePlugin.class);
    List<QueueSortPlugin> sorts = plugins(resolved, ExtensionPoint.QUEUE_SORT, QueueSortPlugin.class);
    if (sorts.size() != 1) {
      throw new IllegalArgumentException("profile " + profileName + ": exactly one queueSort plugin is required, found "
          + sorts.size());
    }
    this.queueSort = sorts.get(0);
    this.preFilter = plugins(resolved, ExtensionPoint.PRE_FILTER, PreFilterPlugin.class);
    this.filter = plugins(resolved, ExtensionPoint.FILTER, FilterPlugin.class);
    this.postFilter = plugins(resolved, ExtensionPoint.POST_FILTER, PostFilterPlugin.class);
    this.preScore = plugins(resolved, ExtensionPoint.PRE_SCORE, PreScorePlugin.class);
    this.score = plugins(resolved, ExtensionPoint.SCORE, ScorePlugin.class);
    List<PluginRef> scoreRefs = resolved.get(ExtensionPoint.SCORE);
    this.scoreWeights = new long[scoreRefs.size()];
    for (int i = 0; i < scoreRefs.size(); i++) {
      int w = scoreRefs.get(i).weight();
      if (w < 0) {
        throw new IllegalArgumentException("score plugin " + scoreRefs.get(i).name() + ": weight must be positive");
      }
      scoreWeights[i] = w == 0 ? 1 : w;
    }
    this.reserve = plugins(resolved, ExtensionPoint.RESERVE, ReservePlugin.class);
    this.permit = plugins(resolved, ExtensionPoint.PERMIT, PermitPlugin.class);
    this.preBind = plugins(resolved, ExtensionPoint.PRE_BIND, PreBindPlugin.class);
    this.bind = plugins(resolved, ExtensionPoint.BIND, BindPlugin.class);
    if (bind.isEmpty()) {
      throw new IllegalArgumentException("profile " + profileName + ": at least one bind plugin is required");
    }
    this.postBind = plugins(resolved, ExtensionPoint.POST_BIND, PostBindPlugin.class);
  }

  private Plugin instance(String name, Profile profile, Registry registry) {
    Plugin p = instances.get(name);
    if (p != null) {
      return p;
    }
    PluginFactory f = registry.get(name);
    if (f == null) {
      throw new IllegalArgumentException("profile " + profile.schedulerName() + ": plugin \"" + name
          + "\" does not exist");
    }
    JsonNode args = profile.pluginConfig().getOrDefault(name, MissingNode.getInstance());
    p = f.create(args, this);
    instances.put(name, p);
    return p;
  }

  private <T> List<T> plugins(Map<ExtensionPoint, List<PluginRef>> resolved, ExtensionPoint e, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (PluginRef r : resolved.get(e)) {
      out.add(type.cast(instances.get(r.name())));
    }
    return List.copyOf(out);
  }

  public String profileName() {
    return profileName;
  }

  public Integer percentageOfNodesToScore() {
    return percentageOfNodesToScore;
  }

  public void setSnapshot(Supplier<SharedLister> s) {
    this.snapshot = s;
  }

  public Map<String, Plugin> plugins() {
    return Collections.unmodifiableMap(instances);
  }

  public boolean hasFilterPlugins() {
    return !filter.isEmpty();
  }

  public boolean hasScorePlugins() {
    return !score.isEmpty();
  }

  public boolean hasPostFilterPlugins() {
    return !postFilter.isEmpty();
  }

  public List<String> pluginNames(ExtensionPoint e) {
    List<? extends Plugin> l = switch (e) {
      case PRE_ENQUEUE -> preEnqueue;
      case QUEUE_SORT -> List.of(queueSort);
      case PRE_FILTER -> preFilter;
      case FILTER -> filter;
      case POST_FILTER -> postFilter;
      case PRE_SCORE -> preScore;
      case SCORE -> score;
      case RESERVE -> reserve;
      case PERMIT -> permit;
      case PRE_BIND -> preBind;
      case BIND -> bind;
      case POST_BIND -> postBind;
    };
    return l.stream().map(Plugin::name).toList();
  }

  /** The weight of a score plugin by name (0 when it is not a score plugin here). */
  public long scoreWeight(String plugin) {
    for (int i = 0; i < score.size(); i++) {
      if (score.get(i).name().equals(plugin)) {
        return scoreWeights[i];
      }
    }
    return 0;
  }

  public int compareQueued(QueuedPodInfo a, QueuedPodInfo b) {
    return queueSort.compare(a, b);
  }

  /** plugin name -> events it registered (plugins that do not say register for everything, as upstream). */
  public Map<String, List<ClusterEvent>> eventsToRegister() {
    Map<String, List<ClusterEvent>> m = new HashMap<>();
    for (Plugin p : instances.values()) {
      if (p instanceof EnqueueExtensions ee) {
        m.put(p.name(), ee.eventsToRegister());
      } else if (p instanceof FilterPlugin || p instanceof PreFilterPlugin || p instanceof PermitPlugin
          || p instanceof ReservePlugin || p instanceof PreEnqueuePlugin) {
        m.put(p.name(), List.of(ClusterEvent.UNSCHEDULABLE_TIMEOUT));
      }
    }
    return m;
  }

  // ------------------------------------------------------------------------------------------- extension points

  public Status runPreEnqueuePlugins(PodInfo pod) {
    for (PreEnqueuePlugin p : preEnqueue) {
      Status s = call(p, () -> p.preEnqueue(pod));
      if (!s.isSuccess()) {
        return s.withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  /** Result of the PreFilter phase: a status and the merged node narrowing. */
  public record PreFilterOutcome(Status status, PreFilterResult result, Set<String> narrowingPlugins) {}

  public PreFilterOutcome runPreFilterPlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    PreFilterResult result = PreFilterResult.ALL;
    Set<String> skip = new HashSet<>();
    Set<String> narrowing = new TreeSet<>();
    for (PreFilterPlugin p : preFilter) {
      PreFilterPlugin.Result r;
      try {
        r = p.preFilter(state, pod, nodes);
      } catch (RuntimeException e) {
        return new PreFilterOutcome(Status.error(e).withPlugin(p.name()), null, narrowing);
      }
      Status s = r.status();
      if (s.isSkip()) {
        skip.add(p.name());
        continue;
      }
      if (!s.isSuccess()) {
        s = s.withPlugin(p.name());
        if (!s.isRejected()) {
          s = Status.error("running PreFilter plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
        }
        return new PreFilterOutcome(s, null, narrowing);
      }
      if (r.nodes() != null && !r.nodes().allNodes()) {
        narrowing.add(p.name());
        result = result.merge(r.nodes());
        if (result.nodeNames().isEmpty()) {
          return new PreFilterOutcome(Status.unresolvable("node(s) didn't satisfy plugin(s) " + narrowing)
              .withPlugin(p.name()), null, narrowing);
        }
      }
    }
    state.setSkipFilterPlugins(skip.isEmpty() ? Set.of() : skip);
    return new PreFilterOutcome(Status.SUCCESS, result, narrowing);
  }

  public Status runPreFilterExtensionAddPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd,
      NodeInfo node) {
    for (PreFilterPlugin p : preFilter) {
      if (state.skipFilterPlugins().contains(p.name()) || p.preFilterExtensions() == null) {
        continue;
      }
      Status s = call(p, () -> p.preFilterExtensions().addPod(state, podToSchedule, podToAdd, node));
      if (!s.isSuccess()) {
        return Status.error("running AddPod on PreFilter plugin \"" + p.name() + "\": " + s.message());
      }
    }
    return Status.SUCCESS;
  }

  public Status runPreFilterExtensionRemovePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove,
      NodeInfo node) {
    for (PreFilterPlugin p : preFilter) {
      if (state.skipFilterPlugins().contains(p.name()) || p.preFilterExtensions() == null) {
        continue;
      }
      Status s = call(p, () -> p.preFilterExtensions().removePod(state, podToSchedule, podToRemove, node));
      if (!s.isSuccess()) {
        return Status.error("running RemovePod on PreFilter plugin \"" + p.name() + "\": " + s.message());
      }
    }
    return Status.SUCCESS;
  }

  /** Runs Filter plugins in order; the first one that does not succeed decides. */
  public Status runFilterPlugins(CycleState state, PodInfo pod, NodeInfo node) {
    Set<String> skip = state.skipFilterPlugins();
    for (int i = 0, n = filter.size(); i < n; i++) {
      FilterPlugin p = filter.get(i);
      if (!skip.isEmpty() && skip.contains(p.name())) {
        continue;
      }
      Status s;
      try {
        s = p.filter(state, pod, node);
      } catch (RuntimeException e) {
        s = Status.error(e);
      }
      if (!s.isSuccess()) {
        if (!s.isRejected()) {
          return Status.error("running \"" + p.name() + "\" filter plugin: " + s.message()).withPlugin(p.name());
        }
        return s.withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  /**
   * Filter with the pods nominated to this node (of at least the pod's priority) counted in, then — if that passed
   * and some were added — again without them, because affinity to a nominated pod must not count (it may never
   * arrive). Upstream's RunFilterPluginsWithNominatedPods.
   */
  @Override
  public Status runFilterPluginsWithNominatedPods(CycleState state, PodInfo pod, NodeInfo node) {
    List<PodInfo> nominated = nominator.nominatedPodsForNode(node.name());
    if (nominated.isEmpty()) {
      return runFilterPlugins(state, pod, node);
    }
    CycleState stateWith = null;
    NodeInfo nodeWith = null;
    for (PodInfo np : nominated) {
      if (np.priority() >= pod.priority() && !np.key().equals(pod.key())) {
        if (stateWith == null) {
          stateWith = state.copy();
          nodeWith = node.snapshotCopy();
        }
        nodeWith.addPod(np);
        Status s = runPreFilterExtensionAddPod(stateWith, pod, np, nodeWith);
        if (!s.isSuccess()) {
          return s;
        }
      }
    }
    if (stateWith == null) {
      return runFilterPlugins(state, pod, node);
    }
    Status s = runFilterPlugins(stateWith, pod, nodeWith);
    if (!s.isSuccess()) {
      return s;
    }
    return runFilterPlugins(state, pod, node);
  }

  public PostFilterPlugin.Result runPostFilterPlugins(CycleState state, PodInfo pod, NodeToStatus statuses) {
    List<String> reasons = new ArrayList<>();
    String rejector = null;
    PostFilterPlugin.Result result = null;
    for (PostFilterPlugin p : postFilter) {
      PostFilterPlugin.Result r;
      try {
        r = p.postFilter(state, pod, statuses);
      } catch (RuntimeException e) {
        return PostFilterPlugin.Result.of(Status.error(e).withPlugin(p.name()));
      }
      Status s = r.status();
      if (s.isSuccess()) {
        return r;
      }
      if (s.code() == Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        return new PostFilterPlugin.Result(s.withPlugin(p.name()), r.nominatedNodeName());
      }
      if (!s.isRejected()) {
        return PostFilterPlugin.Result.of(Status.error(s.message()).withPlugin(p.name()));
      }
      if (r.nominatedNodeName() != null) {
        result = r;
      }
      reasons.addAll(s.reasons());
      if (rejector == null) {
        rejector = p.name();
      }
    }
    Status s = Status.unschedulable(reasons.toArray(String[]::new));
    if (rejector != null) {
      s = s.withPlugin(rejector);
    }
    return new PostFilterPlugin.Result(s, result == null ? null : result.nominatedNodeName());
  }

  public Status runPreScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    Set<String> skip = new HashSet<>();
    for (PreScorePlugin p : preScore) {
      Status s = call(p, () -> p.preScore(state, pod, nodes));
      if (s.isSkip()) {
        skip.add(p.name());
        continue;
      }
      if (!s.isSuccess()) {
        return Status.error("running PreScore plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
      }
    }
    state.setSkipScorePlugins(skip.isEmpty() ? Set.of() : skip);
    return Status.SUCCESS;
  }

  /**
   * Scores every node with every (non-skipped) Score plugin, normalizes, checks the range, weighs and sums. Returns
   * the totals aligned with {@code nodes}; throws PluginException on a plugin error.
   */
  public long[] runScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    long[] totals = new long[nodes.size()];
    Set<String> skip = state.skipScorePlugins();
    for (int i = 0; i < score.size(); i++) {
      ScorePlugin p = score.get(i);
      if (skip.contains(p.name())) {
        continue;
      }
      long[] scores = new long[nodes.size()];
      try {
        parallelizer.until(nodes.size(), j -> scores[j] = p.score(state, pod, nodes.get(j)), () -> false);
      } catch (RuntimeException e) {
        throw new PluginException("running Score plugin \"" + p.name() + "\": " + e.getMessage(), e);
      }
      if (p.hasScoreExtensions()) {
        Status s = p.normalizeScores(state, pod, nodes, scores);
        if (!s.isSuccess()) {
          throw new PluginException("running Normalize on Score plugin \"" + p.name() + "\": " + s.message());
        }
      }
      long w = scoreWeights[i];
      for (int j = 0; j < scores.length; j++) {
        long v = scores[j];
        if (v < ScorePlugin.MIN_NODE_SCORE || v > ScorePlugin.MAX_NODE_SCORE) {
          throw new PluginException("plugin \"" + p.name() + "\" returns an invalid score " + v + ", it should be in"
              + " the range of [0, 100] after normalizing");
        }
        totals[j] += v * w;
      }
    }
    return totals;
  }

  public Status runReservePluginsReserve(CycleState state, PodInfo pod, String nodeName) {
    for (ReservePlugin p : reserve) {
      Status s = call(p, () -> p.reserve(state, pod, nodeName));
      if (!s.isSuccess()) {
        if (!s.isRejected()) {
          s = Status.error("running Reserve plugin \"" + p.name() + "\": " + s.message());
        }
        return s.withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  /** Unreserve runs on every Reserve plugin, in reverse order, whatever happened. */
  public void runReservePluginsUnreserve(CycleState state, PodInfo pod, String nodeName) {
    for (int i = reserve.size() - 1; i >= 0; i--) {
      ReservePlugin p = reserve.get(i);
      try {
        p.unreserve(state, pod, nodeName);
      } catch (RuntimeException e) {
        // Unreserve must not stop the others from cleaning up.
      }
    }
  }

  /** SUCCESS, a rejection, or WAIT (then {@link #waitOnPermit} blocks in the binding cycle). */
  public Status runPermitPlugins(CycleState state, PodInfo pod, String nodeName) {
    Set<String> waitingOn = new HashSet<>();
    Duration timeout = Duration.ZERO;
    for (PermitPlugin p : permit) {
      PermitPlugin.Result r;
      try {
        r = p.permit(state, pod, nodeName);
      } catch (RuntimeException e) {
        return Status.error(e).withPlugin(p.name());
      }
      Status s = r.status();
      if (s.isSuccess()) {
        continue;
      }
      if (s.isRejected()) {
        return s.withPlugin(p.name());
      }
      if (s.isWait()) {
        waitingOn.add(p.name());
        Duration t = r.timeout() == null || r.timeout().compareTo(Duration.ofMinutes(15)) > 0
            ? Duration.ofMinutes(15) : r.timeout();
        if (t.compareTo(timeout) > 0) {
          timeout = t;
        }
        continue;
      }
      return Status.error("running Permit plugin \"" + p.name() + "\": " + s.message()).withPlugin(p.name());
    }
    if (!waitingOn.isEmpty()) {
      waitingPods.add(pod.key(), waitingOn, timeout);
      return Status.of(Code.WAIT);
    }
    return Status.SUCCESS;
  }

  public WaitingPods waitingPods() {
    return waitingPods;
  }

  public Status waitOnPermit(PodInfo pod) {
    return waitingPods.await(pod.key());
  }

  public Status runPreBindPlugins(CycleState state, PodInfo pod, String nodeName) {
    for (PreBindPlugin p : preBind) {
      Status s = call(p, () -> p.preBind(state, pod, nodeName));
      if (!s.isSuccess()) {
        if (!s.isRejected()) {
          s = Status.error("running PreBind plugin \"" + p.name() + "\": " + s.message());
        }
        return s.withPlugin(p.name());
      }
    }
    return Status.SUCCESS;
  }

  public Status runBindPlugins(CycleState state, PodInfo pod, String nodeName) {
    for (BindPlugin p : bind) {
      Status s = call(p, () -> p.bind(state, pod, nodeName));
      if (s.isSkip()) {
        continue;
      }
      return s.isSuccess() ? s : s.withPlugin(p.name());
    }
    return Status.error("all bind plugins skipped pod " + pod);
  }

  public void runPostBindPlugins(CycleState state, PodInfo pod, String nodeName) {
    for (PostBindPlugin p : postBind) {
      try {
        p.postBind(state, pod, nodeName);
      } catch (RuntimeException e) {
        // informational only
      }
    }
  }

  private static Status call(Plugin p, Supplier<Status> f) {
    try {
      Status s = f.get();
      return s == null ? Status.SUCCESS : s;
    } catch (RuntimeException e) {
      return Status.error(e).withPlugin(p.name());
    }
  }

  // --------------------------------------------------------------------------------------------------- Handle

  @Override
  public SharedLister snapshot() {
    return snapshot.get();
  }

  @Override
  public ClusterListers listers() {
    return listers;
  }

  @Override
  public PodNominator nominator() {
    return nominator;
  }

  @Override
  public ApiActions api() {
    return api;
  }

  @Override
  public int parallelism() {
    return parallelizer.parallelism();
  }

  public Parallelizer parallelizer() {
    return parallelizer;
  }
}

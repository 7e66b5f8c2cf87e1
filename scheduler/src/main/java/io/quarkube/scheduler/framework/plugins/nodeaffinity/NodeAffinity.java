package io.quarkube.scheduler.framework.plugins.nodeaffinity;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkube.scheduler.framework.ClusterEvent;
import io.quarkube.scheduler.framework.CycleState;
import io.quarkube.scheduler.framework.EnqueueExtensions;
import io.quarkube.scheduler.framework.FilterPlugin;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.PreFilterPlugin;
import io.quarkube.scheduler.framework.PreScorePlugin;
import io.quarkube.scheduler.framework.ScorePlugin;
import io.quarkube.scheduler.framework.Status;
import io.quarkube.scheduler.util.NodeSelectors;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Filter: {@code spec.nodeSelector} and required node affinity (terms ORed, expressions ANDed). Score: the sum of
 * the weights of the preferred terms the node matches. Args: {@code addedAffinity}, a node affinity enforced on
 * every pod of the profile.
 */
public final class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin.DefaultNormalized,
    EnqueueExtensions {
  public static final String NAME = "NodeAffinity";
  public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
  public static final String ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
  private static final String PRE_FILTER_KEY = "PreFilter" + NAME;
  private static final String PRE_SCORE_KEY = "PreScore" + NAME;

  private final io.fabric8.kubernetes.api.model.NodeAffinity added;

  public NodeAffinity(JsonNode args) {
    JsonNode a = args == null ? null : args.get("addedAffinity");
    this.added = a == null || a.isNull() ? null
        : Serialization.unmarshal(a.toString(), io.fabric8.kubernetes.api.model.NodeAffinity.class);
  }

  private record PreFilterState(Map<String, String> nodeSelector, NodeSelector required)
      implements CycleState.Data {
    @Override
    public CycleState.Data copy() {
      return this;
    }
  }

  private record PreScoreState(List<PreferredSchedulingTerm> preferred) implements CycleState.Data {
    @Override
    public CycleState.Data copy() {
      return this;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  private static NodeSelector required(PodInfo pod) {
    Affinity a = pod.pod().getSpec().getAffinity();
    if (a == null || a.getNodeAffinity() == null) {
      return null;
    }
    return a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
  }

  @Override
  public Result preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    Map<String, String> sel = pod.pod().getSpec().getNodeSelector();
    NodeSelector req = required(pod);
    boolean noSelector = sel == null || sel.isEmpty();
    if (noSelector && req == null && added == null) {
      return Result.SKIP;
    }
    state.write(PRE_FILTER_KEY, new PreFilterState(noSelector ? Map.of() : sel, req));
    if (req == null || req.getNodeSelectorTerms() == null || req.getNodeSelectorTerms().isEmpty()) {
      return Result.SUCCESS;
    }
    // When every term pins metadata.name, only those nodes can fit: let the framework filter just them.
    Set<String> names = new HashSet<>();
    for (NodeSelectorTerm t : req.getNodeSelectorTerms()) {
      Set<String> termNames = null;
      if (t.getMatchFields() != null) {
        for (NodeSelectorRequirement r : t.getMatchFields()) {
          if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator()) && r.getValues() != null) {
            Set<String> s = new HashSet<>(r.getValues());
            if (termNames == null) {
              termNames = s;
            } else {
              termNames.retainAll(s);
            }
          }
        }
      }
      if (termNames == null) {
        return Result.SUCCESS;
      }
      names.addAll(termNames);
    }
    return Result.narrowTo(names);
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
    Node n = node.node();
    if (added != null && added.getRequiredDuringSchedulingIgnoredDuringExecution() != null
        && !NodeSelectors.matches(added.getRequiredDuringSchedulingIgnoredDuringExecution(), n)) {
      return Status.unresolvable(ERR_REASON_ENFORCED);
    }
    PreFilterState s = state.readOrNull(PRE_FILTER_KEY, PreFilterState.class);
    Map<String, String> sel;
    NodeSelector req;
    if (s != null) {
      sel = s.nodeSelector();
      req = s.required();
    } else {
      sel = pod.pod().getSpec().getNodeSelector();
      req = required(pod);
    }
    if (!matches(sel, req, n)) {
      return Status.unresolvable(ERR_REASON_POD);
    }
    return Status.SUCCESS;
  }

  /** Whether a node satisfies a pod's nodeSelector and required node affinity (also used by other plugins). */
  public static boolean matches(Map<String, String> nodeSelector, NodeSelector required, Node node) {
    if (nodeSelector != null && !nodeSelector.isEmpty()) {
      Map<String, String> labels = node.getMetadata().getLabels();
      for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
        if (labels == null || !e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    return required == null || NodeSelectors.matches(required, node);
  }

  public static boolean podMatchesNode(PodInfo pod, Node node) {
    return matches(pod.pod().getSpec().getNodeSelector(), required(pod), node);
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    Affinity a = pod.pod().getSpec().getAffinity();
    List<PreferredSchedulingTerm> preferred = a == null || a.getNodeAffinity() == null ? null
        : a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    List<PreferredSchedulingTerm> addedPreferred = added == null ? null
        : added.getPreferredDuringSchedulingIgnoredDuringExecution();
    if ((preferred == null || preferred.isEmpty()) && (addedPreferred == null || addedPreferred.isEmpty())) {
      return Status.SKIP;
    }
    List<PreferredSchedulingTerm> all = new java.util.ArrayList<>();
    if (preferred != null) {
      all.addAll(preferred);
    }
    if (addedPreferred != null) {
      all.addAll(addedPreferred);
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(all));
    return Status.SUCCESS;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo node) {
    long total = 0;
    for (PreferredSchedulingTerm t : state.read(PRE_SCORE_KEY, PreScoreState.class).preferred()) {
      if (t.getWeight() != null && t.getWeight() != 0 && NodeSelectors.matchesTerm(t.getPreference(), node.node())) {
        total += t.getWeight();
      }
    }
    return total;
  }


  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(ClusterEvent.of(ClusterEvent.Resource.NODE, ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_LABEL),
        ClusterEvent.of(ClusterEvent.Resource.UNSCHEDULED_POD, ClusterEvent.UPDATE));
  }
}

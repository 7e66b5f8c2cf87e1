package io.quarkube.scheduler.framework.plugins.podtopologyspread;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.quarkube.scheduler.framework.NodeInfo;
import io.quarkube.scheduler.framework.PodInfo;
import io.quarkube.scheduler.framework.plugins.helper.Taints;
import io.quarkube.scheduler.framework.plugins.nodeaffinity.NodeAffinity;
import io.quarkube.scheduler.util.Selectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One topology spread constraint, compiled: max skew, key, pod selector, min domains and node inclusion policies. */
record Constraint(int maxSkew, String topologyKey, Selectors.Matcher selector, int minDomains,
    boolean honorNodeAffinity, boolean honorNodeTaints) {

  /** The pod's own constraints with the given whenUnsatisfiable, matchLabelKeys merged into the selector. */
  static List<Constraint> fromPod(PodInfo pod, String action) {
    List<TopologySpreadConstraint> cs = pod.pod().getSpec().getTopologySpreadConstraints();
    List<Constraint> out = new ArrayList<>();
    for (TopologySpreadConstraint c : cs) {
      if (!action.equals(c.getWhenUnsatisfiable())) {
        continue;
      }
      LabelSelector sel = c.getLabelSelector();
      if (c.getMatchLabelKeys() != null && !c.getMatchLabelKeys().isEmpty() && sel != null) {
        LabelSelectorBuilder b = new LabelSelectorBuilder(sel);
        Map<String, String> labels = pod.labels();
        for (String k : c.getMatchLabelKeys()) {
          String v = labels.get(k);
          if (v != null) {
            b.addToMatchExpressions(new LabelSelectorRequirementBuilder().withKey(k).withOperator("In")
                .withValues(v).build());
          }
        }
        sel = b.build();
      }
      out.add(new Constraint(c.getMaxSkew() == null ? 1 : c.getMaxSkew(), c.getTopologyKey(),
          Selectors.compile(sel), c.getMinDomains() == null ? 1 : c.getMinDomains(),
          !"Ignore".equals(c.getNodeAffinityPolicy()), "Honor".equals(c.getNodeTaintsPolicy())));
    }
    return out;
  }

  /** Node inclusion policies: whether {@code node} counts as a domain member for this pod. */
  boolean includesNode(PodInfo pod, NodeInfo node) {
    if (honorNodeAffinity && !NodeAffinity.podMatchesNode(pod, node.node())) {
      return false;
    }
    if (honorNodeTaints && node.node().getSpec() != null) {
      Taint t = Taints.firstUntolerated(node.node().getSpec().getTaints(), pod.pod().getSpec().getTolerations(),
          x -> "NoSchedule".equals(x.getEffect()) || "NoExecute".equals(x.getEffect()));
      return t == null;
    }
    return true;
  }

  /** Pods on the node, in {@code namespace}, not terminating, that this constraint's selector selects. */
  long countMatching(List<PodInfo> pods, String namespace) {
    long n = 0;
    for (PodInfo p : pods) {
      if (p.isTerminating() || !namespace.equals(p.namespace())) {
        continue;
      }
      if (selector.matches(p.labels())) {
        n++;
      }
    }
    return n;
  }

  static boolean nodeHasAllKeys(Map<String, String> labels, List<Constraint> cs) {
    for (Constraint c : cs) {
      if (!labels.containsKey(c.topologyKey())) {
        return false;
      }
    }
    return true;
  }
}

package io.quarkube.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.quarkube.scheduler.util.Selectors;
import java.util.Map;
import java.util.Set;

/**
 * A pod (anti-)affinity term compiled once: the namespaces it looks at (explicit names, else the owning pod's own,
 * unless a namespace selector is given), the pod label selector and the topology key.
 */
public record AffinityTerm(Set<String> namespaces, Selectors.Matcher selector, String topologyKey,
    Selectors.Matcher namespaceSelector, int weight) {

  public static AffinityTerm of(Pod owner, PodAffinityTerm term, int weight) {
    Set<String> namespaces;
    boolean noNames = term.getNamespaces() == null || term.getNamespaces().isEmpty();
    if (noNames && term.getNamespaceSelector() == null) {
      namespaces = Set.of(owner.getMetadata().getNamespace());
    } else {
      namespaces = noNames ? Set.of() : Set.copyOf(term.getNamespaces());
    }
    Selectors.Matcher ns = term.getNamespaceSelector() == null ? Selectors.NOTHING
        : Selectors.compile(term.getNamespaceSelector());
    return new AffinityTerm(namespaces, Selectors.compile(term.getLabelSelector()), term.getTopologyKey(), ns, weight);
  }

  /** True when {@code pod} (whose namespace has {@code namespaceLabels}) is one this term is about. */
  public boolean matches(Pod pod, Map<String, String> namespaceLabels) {
    String ns = pod.getMetadata().getNamespace();
    if (namespaces.contains(ns) || namespaceSelector.matches(namespaceLabels == null ? Map.of() : namespaceLabels)) {
      return selector.matches(pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels());
    }
    return false;
  }

  /** The same term with its namespace selector resolved into namespace names (done once per cycle). */
  public AffinityTerm withNamespaces(Set<String> merged) {
    return new AffinityTerm(merged, selector, topologyKey, Selectors.NOTHING, weight);
  }
}

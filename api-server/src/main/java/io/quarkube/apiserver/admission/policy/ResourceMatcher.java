package io.quarkube.apiserver.admission.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.NamedRuleWithOperations;
import io.quarkube.apiserver.admission.AdmissionAttributes;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.selection.LabelSelectors;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Whether a policy's {@code matchConstraints} or a binding's {@code matchResources} select a request, as upstream's
 * policy matcher decides: no exclude rule, a resource rule (operation, group, version, resource/subresource incl.
 * {@code *}, {@code pods/*}, {@code *}{@code /status}, scope, resourceNames), the namespace selector (cluster-scoped
 * objects other than Namespaces always pass) and the object selector (new or old object). With
 * {@code matchPolicy: Equivalent} a rule naming another version of the same stored resource matches too (autoscaling
 * v1/v2, core and events.k8s.io events), and that resource is what the request's {@code request.resource} names.
 */
final class ResourceMatcher {
  private final Function<String, Map<String, String>> namespaceLabels;
  private final Function<ResourceDefinition, List<ResourceDefinition>> equivalents;

  /**
   * @param namespaceLabels a namespace's labels (throws NotFound when it does not exist)
   * @param equivalents the other versions/groups of the same stored resource
   */
  ResourceMatcher(Function<String, Map<String, String>> namespaceLabels,
      Function<ResourceDefinition, List<ResourceDefinition>> equivalents) {
    this.namespaceLabels = namespaceLabels;
    this.equivalents = equivalents;
  }

  /**
   * The resource the request matched as (its own, or an equivalent one), or empty when {@code m} does not select
   * it. A null {@code m} selects everything, as a binding without matchResources.
   */
  Optional<ResourceDefinition> matches(MatchResources m, AdmissionRequest r, Supplier<HasMetadata> oldObject) {
    if (m == null) {
      return Optional.of(r.resource());
    }
    // The rules first: they cost nothing, while the selectors may read the namespace and the stored object.
    boolean equivalent = !"Exact".equals(m.getMatchPolicy());
    if (rulesMatch(m.getExcludeResourceRules(), equivalent, r).isPresent()) {
      return Optional.empty();
    }
    Optional<ResourceDefinition> matched = m.getResourceRules() == null || m.getResourceRules().isEmpty()
        ? Optional.of(r.resource()) : rulesMatch(m.getResourceRules(), equivalent, r);
    if (matched.isEmpty() || !namespaceMatches(m.getNamespaceSelector(), r, oldObject)
        || !objectMatches(m.getObjectSelector(), r.object(), oldObject)) {
      return Optional.empty();
    }
    return matched;
  }

  private Optional<ResourceDefinition> rulesMatch(List<NamedRuleWithOperations> rules, boolean equivalent,
      AdmissionRequest r) {
    if (rules == null) {
      return Optional.empty();
    }
    for (NamedRuleWithOperations rule : rules) {
      if (ruleMatches(rule, r, r.resource())) {
        return Optional.of(r.resource());
      }
    }
    if (equivalent) {
      for (ResourceDefinition other : equivalents.apply(r.resource())) {
        for (NamedRuleWithOperations rule : rules) {
          if (ruleMatches(rule, r, other)) {
            return Optional.of(other);
          }
        }
      }
    }
    return Optional.empty();
  }

  static boolean ruleMatches(NamedRuleWithOperations rule, AdmissionRequest r, ResourceDefinition d) {
    return AdmissionAttributes.ruleMatches(rule.getOperations(), rule.getApiGroups(), rule.getApiVersions(),
        rule.getResources(), rule.getScope(), r, d) && nameMatches(rule.getResourceNames(), r);
  }

  private static boolean nameMatches(List<String> names, AdmissionRequest r) {
    if (names == null || names.isEmpty()) {
      return true;
    }
    return names.contains(AdmissionAttributes.name(r));
  }

  private boolean namespaceMatches(LabelSelector selector, AdmissionRequest r, Supplier<HasMetadata> oldObject) {
    boolean namespaceObject = AdmissionAttributes.isNamespace(r.resource());
    boolean inNamespace = r.namespace() != null && !r.namespace().isEmpty();
    if (!inNamespace && !namespaceObject) {
      return true; // cluster-scoped objects are never exempted by a namespace selector
    }
    if (selector == null || LabelSelectors.isEmpty(selector)) {
      return true;
    }
    Map<String, String> labels;
    if (namespaceObject) {
      HasMetadata ns = r.object() != null ? r.object() : oldObject.get();
      labels = ns == null ? Map.of() : ns.getMetadata().getLabels();
    } else {
      labels = namespaceLabels.apply(r.namespace());
    }
    return LabelSelectors.matches(selector, labels);
  }

  private static boolean objectMatches(LabelSelector selector, HasMetadata object, Supplier<HasMetadata> old) {
    if (selector == null || LabelSelectors.isEmpty(selector)) {
      return true;
    }
    return labelsMatch(selector, object) || labelsMatch(selector, old.get());
  }

  private static boolean labelsMatch(LabelSelector selector, HasMetadata o) {
    return o != null && o.getMetadata() != null && LabelSelectors.matches(selector, o.getMetadata().getLabels());
  }


  /** The catalog entries stored at the same place as {@code d}: its other versions and groups. */
  static List<ResourceDefinition> equivalentsIn(List<ResourceDefinition> catalog, ResourceDefinition d) {
    return catalog.stream().filter(o -> o != d && d.storagePrefix() != null
        && Objects.equals(o.storagePrefix(), d.storagePrefix()) && o.namespaced() == d.namespaced()
        && !(o.group().equals(d.group()) && o.version().equals(d.version()))).toList();
  }
}

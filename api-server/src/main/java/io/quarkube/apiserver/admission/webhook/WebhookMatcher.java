package io.quarkube.apiserver.admission.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.selection.LabelSelectors;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Whether a webhook wants a request, as upstream's webhook matchers decide: a rule must match the operation, group,
 * version, resource/subresource ({@code *}, {@code pods/*}, {@code *}{@code /status}) and scope; then the namespace
 * selector (the labels of the object's namespace — a Namespace's own labels) and the object selector (the new or
 * the old object's labels).
 */
final class WebhookMatcher {
  private final Function<String, Map<String, String>> namespaceLabels;

  /** {@code namespaceLabels} gives a namespace's labels, or throws NotFound. */
  WebhookMatcher(Function<String, Map<String, String>> namespaceLabels) {
    this.namespaceLabels = namespaceLabels;
  }

  /** The cheap half, decided from the request alone. */
  static boolean rulesMatch(Webhook webhook, AdmissionRequest r) {
    return webhook.rules().stream().anyMatch(rule -> ruleMatches(rule, r));
  }

  /** The selectors; they may read the namespace and need the stored object for updates and deletes. */
  boolean selectorsMatch(Webhook webhook, AdmissionRequest r, HasMetadata oldObject) {
    return namespaceMatches(webhook, r, oldObject) && objectMatches(webhook, r.object(), oldObject);
  }

  static boolean ruleMatches(RuleWithOperations rule, AdmissionRequest r) {
    ResourceDefinition d = r.resource();
    return anyOf(rule.getOperations(), r.operation().name()) && anyOf(rule.getApiGroups(), d.group())
        && anyOf(rule.getApiVersions(), d.version()) && resourceMatches(rule.getResources(), d.resource(),
            r.subresource() == null ? "" : r.subresource())
        && scopeMatches(rule.getScope(), r);
  }

  private static boolean anyOf(List<String> values, String actual) {
    return values != null && (values.contains("*") || values.contains(actual));
  }

  private static boolean resourceMatches(List<String> patterns, String resource, String subresource) {
    if (patterns == null) {
      return false;
    }
    for (String p : patterns) {
      int slash = p.indexOf('/');
      String res = slash < 0 ? p : p.substring(0, slash);
      String sub = slash < 0 ? "" : p.substring(slash + 1);
      if ((res.equals("*") || res.equals(resource)) && (sub.equals("*") || sub.equals(subresource))) {
        return true;
      }
    }
    return false;
  }

  private static boolean scopeMatches(String scope, AdmissionRequest r) {
    if (scope == null || scope.isEmpty() || scope.equals("*")) {
      return true;
    }
    boolean namespaceObject = isNamespace(r.resource());
    boolean inNamespace = r.namespace() != null && !r.namespace().isEmpty();
    return switch (scope) {
      case "Namespaced" -> !namespaceObject && inNamespace;
      case "Cluster" -> namespaceObject || !inNamespace;
      default -> false;
    };
  }

  private boolean namespaceMatches(Webhook webhook, AdmissionRequest r, HasMetadata oldObject) {
    boolean namespaceObject = isNamespace(r.resource());
    boolean inNamespace = r.namespace() != null && !r.namespace().isEmpty();
    if (!inNamespace && !namespaceObject) {
      return true; // cluster-scoped objects are never exempted by a namespace selector
    }
    if (LabelSelectors.isEmpty(webhook.namespaceSelector())) {
      return true;
    }
    Map<String, String> labels;
    if (namespaceObject) {
      HasMetadata ns = r.object() != null ? r.object() : oldObject;
      labels = ns == null ? Map.of() : ns.getMetadata().getLabels();
    } else {
      labels = namespaceLabels.apply(r.namespace());
    }
    return LabelSelectors.matches(webhook.namespaceSelector(), labels);
  }

  private static boolean objectMatches(Webhook webhook, HasMetadata object, HasMetadata oldObject) {
    if (LabelSelectors.isEmpty(webhook.objectSelector())) {
      return true;
    }
    return labelsMatch(webhook, object) || labelsMatch(webhook, oldObject);
  }

  private static boolean labelsMatch(Webhook webhook, HasMetadata o) {
    return o != null && o.getMetadata() != null
        && LabelSelectors.matches(webhook.objectSelector(), o.getMetadata().getLabels());
  }

  static boolean isNamespace(ResourceDefinition d) {
    return d.group().isEmpty() && d.resource().equals("namespaces");
  }
}

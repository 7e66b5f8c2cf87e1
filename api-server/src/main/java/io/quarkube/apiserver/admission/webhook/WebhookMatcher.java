package io.quarkube.apiserver.admission.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.quarkube.apiserver.admission.AdmissionAttributes;
import io.quarkube.apiserver.admission.AdmissionRequest;
import io.quarkube.apiserver.selection.LabelSelectors;
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
    return AdmissionAttributes.ruleMatches(rule.getOperations(), rule.getApiGroups(), rule.getApiVersions(),
        rule.getResources(), rule.getScope(), r, r.resource());
  }

  private boolean namespaceMatches(Webhook webhook, AdmissionRequest r, HasMetadata oldObject) {
    boolean namespaceObject = AdmissionAttributes.isNamespace(r.resource());
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

}

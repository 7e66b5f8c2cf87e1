package io.quarkube.machinery.quota;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import java.util.ArrayList;
import java.util.List;

/**
 * Which objects a scoped ResourceQuota takes in (upstream's pod scope matching): {@code Terminating} and
 * {@code NotTerminating} by {@code activeDeadlineSeconds}, {@code BestEffort} and {@code NotBestEffort} by whether any
 * container asks for resources, {@code PriorityClass} by the pod's class. Scoped quotas count pods only.
 */
public final class QuotaScopes {
  private QuotaScopes() {}

  /** Whether the quota with this spec takes in {@code obj}; a quota without a spec is unscoped. */
  public static boolean inScope(ResourceQuotaSpec spec, HasMetadata obj) {
    if (spec == null) {
      return true;
    }
    return inScope(spec.getScopes(), spec.getScopeSelector() == null ? null
        : spec.getScopeSelector().getMatchExpressions(), obj);
  }

  /** Whether a quota's scopes (and scope selector) take in this pod; other objects only match unscoped quotas. */
  public static boolean inScope(List<String> scopes, List<ScopedResourceSelectorRequirement> selector,
      HasMetadata obj) {
    boolean scoped = (scopes != null && !scopes.isEmpty()) || (selector != null && !selector.isEmpty());
    if (!scoped) {
      return true;
    }
    if (!(obj instanceof Pod pod)) {
      return false;
    }
    for (String s : nn(scopes)) {
      if (!scopeMatches(s, "Exists", List.of(), pod)) {
        return false;
      }
    }
    for (ScopedResourceSelectorRequirement r : nn(selector)) {
      if (!scopeMatches(r.getScopeName(), r.getOperator(), nn(r.getValues()), pod)) {
        return false;
      }
    }
    return true;
  }

  private static boolean scopeMatches(String scope, String op, List<String> values, Pod pod) {
    boolean terminating = pod.getSpec() != null && pod.getSpec().getActiveDeadlineSeconds() != null;
    boolean positive = !"DoesNotExist".equals(op);
    String pc = pod.getSpec() == null ? null : pod.getSpec().getPriorityClassName();
    return switch (scope) {
      case "Terminating" -> terminating == positive;
      case "NotTerminating" -> !terminating == positive;
      case "BestEffort" -> isBestEffort(pod) == positive;
      case "NotBestEffort" -> !isBestEffort(pod) == positive;
      case "PriorityClass" -> switch (op) {
        case "In" -> pc != null && values.contains(pc);
        case "NotIn" -> pc == null || !values.contains(pc);
        case "Exists" -> pc != null && !pc.isEmpty();
        case "DoesNotExist" -> pc == null || pc.isEmpty();
        default -> false;
      };
      default -> false;
    };
  }

  /** No container (init containers included) requests or limits anything. */
  public static boolean isBestEffort(Pod pod) {
    if (pod.getSpec() == null) {
      return true;
    }
    List<Container> all = new ArrayList<>(nn(pod.getSpec().getInitContainers()));
    all.addAll(nn(pod.getSpec().getContainers()));
    return all.stream().allMatch(c -> c.getResources() == null
        || (c.getResources().getRequests() == null || c.getResources().getRequests().isEmpty())
        && (c.getResources().getLimits() == null || c.getResources().getLimits().isEmpty()));
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }
}

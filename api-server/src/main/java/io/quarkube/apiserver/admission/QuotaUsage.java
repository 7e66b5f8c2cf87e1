package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one object counts against a ResourceQuota (upstream's quota evaluators): object counts for every resource
 * ({@code count/<resource>[.<group>]}, plus the legacy names {@code pods}, {@code services}, ...), compute requests
 * and limits for pods, storage requests for claims, node ports and load balancers for services.
 */
public final class QuotaUsage {
  private static final Map<String, String> LEGACY_COUNTS = Map.of(
      "pods", "pods", "services", "services", "configmaps", "configmaps", "secrets", "secrets",
      "persistentvolumeclaims", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers",
      "resourcequotas", "resourcequotas");
  static final Set<String> POD_COMPUTE = Set.of("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
      "limits.memory", "ephemeral-storage", "requests.ephemeral-storage", "limits.ephemeral-storage");

  private final Clock clock;

  public QuotaUsage(Clock clock) {
    this.clock = clock;
  }

  public Map<String, BigDecimal> of(ResourceDefinition def, HasMetadata obj) {
    Map<String, BigDecimal> u = new LinkedHashMap<>();
    if (def.group().isEmpty() && "pods".equals(def.resource()) && !countsAsPod((Pod) obj)) {
      return u;
    }
    u.put("count/" + def.groupResource(), BigDecimal.ONE);
    if (def.group().isEmpty() && LEGACY_COUNTS.containsKey(def.resource())) {
      u.put(LEGACY_COUNTS.get(def.resource()), BigDecimal.ONE);
    }
    if (obj instanceof Pod pod) {
      podCompute(pod, u);
    } else if (obj instanceof Service svc && svc.getSpec() != null) {
      String type = svc.getSpec().getType() == null ? "ClusterIP" : svc.getSpec().getType();
      int ports = svc.getSpec().getPorts() == null ? 0 : svc.getSpec().getPorts().size();
      if ("LoadBalancer".equals(type)) {
        u.put("services.loadbalancers", BigDecimal.ONE);
      }
      if ("NodePort".equals(type) || "LoadBalancer".equals(type)) {
        u.put("services.nodeports", BigDecimal.valueOf(ports));
      }
    } else if (obj instanceof PersistentVolumeClaim pvc && pvc.getSpec() != null) {
      Quantity storage = pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null
          ? null : pvc.getSpec().getResources().getRequests().get("storage");
      BigDecimal v = Quantities.value(storage);
      u.put("requests.storage", v);
      String sc = pvc.getSpec().getStorageClassName();
      if (sc != null && !sc.isEmpty()) {
        u.put(sc + ".storageclass.storage.k8s.io/requests.storage", v);
        u.put(sc + ".storageclass.storage.k8s.io/persistentvolumeclaims", BigDecimal.ONE);
      }
    }
    return u;
  }

  /** Succeeded, failed and past-grace terminating pods no longer count (upstream's QuotaV1Pod). */
  public boolean countsAsPod(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return false;
    }
    String deletion = pod.getMetadata().getDeletionTimestamp();
    Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (deletion != null && grace != null) {
      return clock.instant().isBefore(Instant.parse(deletion).plusSeconds(grace));
    }
    return true;
  }

  private static void podCompute(Pod pod, Map<String, BigDecimal> u) {
    if (pod.getSpec() == null) {
      return;
    }
    for (String kind : List.of("requests", "limits")) {
      for (String res : List.of("cpu", "memory", "ephemeral-storage")) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Container c : nn(pod.getSpec().getContainers())) {
          sum = sum.add(amount(c, kind, res));
        }
        BigDecimal init = BigDecimal.ZERO;
        for (Container c : nn(pod.getSpec().getInitContainers())) {
          init = init.max(amount(c, kind, res));
        }
        BigDecimal total = sum.max(init);
        if (pod.getSpec().getOverhead() != null && pod.getSpec().getOverhead().containsKey(res)) {
          total = total.add(Quantities.value(pod.getSpec().getOverhead().get(res)));
        }
        u.put(kind + "." + res, total);
        if (kind.equals("requests")) {
          u.put(res, total);
        }
      }
    }
  }

  private static BigDecimal amount(Container c, String kind, String res) {
    if (c.getResources() == null) {
      return BigDecimal.ZERO;
    }
    Map<String, Quantity> m = kind.equals("requests") ? c.getResources().getRequests() : c.getResources().getLimits();
    if (m == null || !m.containsKey(res)) {
      if (kind.equals("requests") && c.getResources().getLimits() != null
          && c.getResources().getLimits().containsKey(res)) {
        // A limit without a request requests the limit (upstream's defaulting).
        return Quantities.value(c.getResources().getLimits().get(res));
      }
      return BigDecimal.ZERO;
    }
    return Quantities.value(m.get(res));
  }

  /** Containers that leave out a tracked compute resource, per resource (quota then refuses the pod). */
  public static Map<String, List<String>> missingCompute(Pod pod, Set<String> tracked) {
    Map<String, List<String>> missing = new LinkedHashMap<>();
    if (pod.getSpec() == null) {
      return missing;
    }
    List<Container> all = new ArrayList<>(nn(pod.getSpec().getInitContainers()));
    all.addAll(nn(pod.getSpec().getContainers()));
    for (String t : tracked.stream().sorted().toList()) {
      if (!POD_COMPUTE.contains(t)) {
        continue;
      }
      String kind = t.startsWith("limits.") ? "limits" : "requests";
      String res = t.contains(".") ? t.substring(t.indexOf('.') + 1) : t;
      for (Container c : all) {
        Map<String, Quantity> m = c.getResources() == null ? null
            : kind.equals("limits") ? c.getResources().getLimits() : c.getResources().getRequests();
        boolean has = m != null && m.containsKey(res);
        if (!has && kind.equals("requests") && c.getResources() != null && c.getResources().getLimits() != null) {
          has = c.getResources().getLimits().containsKey(res);
        }
        if (!has) {
          missing.computeIfAbsent(t, k -> new ArrayList<>()).add(c.getName());
        }
      }
    }
    return missing;
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
    for (String s : scopes == null ? List.<String>of() : scopes) {
      if (!scopeMatches(s, "Exists", List.of(), pod)) {
        return false;
      }
    }
    for (ScopedResourceSelectorRequirement r : selector == null ? List.<ScopedResourceSelectorRequirement>of()
        : selector) {
      if (!scopeMatches(r.getScopeName(), r.getOperator(), r.getValues(), pod)) {
        return false;
      }
    }
    return true;
  }

  private static boolean scopeMatches(String scope, String op, List<String> values, Pod pod) {
    boolean terminating = pod.getSpec() != null && pod.getSpec().getActiveDeadlineSeconds() != null;
    boolean bestEffort = isBestEffort(pod);
    String pc = pod.getSpec() == null ? null : pod.getSpec().getPriorityClassName();
    boolean positive = !"DoesNotExist".equals(op);
    return switch (scope) {
      case "Terminating" -> terminating == positive;
      case "NotTerminating" -> !terminating == positive;
      case "BestEffort" -> bestEffort == positive;
      case "NotBestEffort" -> !bestEffort == positive;
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

  static boolean isBestEffort(Pod pod) {
    if (pod.getSpec() == null) {
      return true;
    }
    List<Container> all = new ArrayList<>(nn(pod.getSpec().getInitContainers()));
    all.addAll(nn(pod.getSpec().getContainers()));
    for (Container c : all) {
      if (c.getResources() != null && ((c.getResources().getRequests() != null
          && !c.getResources().getRequests().isEmpty()) || (c.getResources().getLimits() != null
          && !c.getResources().getLimits().isEmpty()))) {
        return false;
      }
    }
    return true;
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }

  static List<ServicePort> ports(Service s) {
    return s.getSpec() == null || s.getSpec().getPorts() == null ? List.of() : s.getSpec().getPorts();
  }
}

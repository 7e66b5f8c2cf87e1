package io.quarkube.controllers.resourcequota;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one object uses of a quota (upstream's quota evaluators): {@code count/<resource>[.<group>]} for everything,
 * the legacy object counts of core kinds, pod compute (requests/limits; requests default to limits; init containers
 * by their maximum; overhead added), Service load balancers and node ports, claim storage per class. Numbers are
 * cores, bytes and counts; {@link #format} prints them as upstream does.
 */
final class Usage {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final List<String> LEGACY = List.of("pods", "services", "configmaps", "secrets",
      "persistentvolumeclaims", "replicationcontrollers", "resourcequotas");

  private Usage() {}

  /** @param resource the plural resource and group ({@code pods}, {@code deployments.apps}) */
  static Map<String, BigDecimal> of(String resource, HasMetadata obj, Instant now) {
    Map<String, BigDecimal> u = new LinkedHashMap<>();
    if (obj instanceof Pod pod && !countsAsPod(pod, now)) {
      return u;
    }
    u.put("count/" + resource, BigDecimal.ONE);
    if (LEGACY.contains(resource)) {
      u.put(resource, BigDecimal.ONE);
    }
    if (obj instanceof Pod pod) {
      podCompute(pod, u);
    } else if (obj instanceof Service svc && svc.getSpec() != null) {
      String type = svc.getSpec().getType() == null ? "ClusterIP" : svc.getSpec().getType();
      int ports = svc.getSpec().getPorts() == null ? 0 : svc.getSpec().getPorts().size();
      u.put("services.loadbalancers", "LoadBalancer".equals(type) ? BigDecimal.ONE : BigDecimal.ZERO);
      u.put("services.nodeports", "NodePort".equals(type) || "LoadBalancer".equals(type)
          ? BigDecimal.valueOf(ports) : BigDecimal.ZERO);
    } else if (obj instanceof PersistentVolumeClaim pvc && pvc.getSpec() != null) {
      Quantity q = pvc.getSpec().getResources() == null || pvc.getSpec().getResources().getRequests() == null
          ? null : pvc.getSpec().getResources().getRequests().get("storage");
      BigDecimal v = value(q);
      u.put("requests.storage", v);
      String sc = pvc.getSpec().getStorageClassName();
      if (sc != null && !sc.isEmpty()) {
        u.put(sc + ".storageclass.storage.k8s.io/requests.storage", v);
        u.put(sc + ".storageclass.storage.k8s.io/persistentvolumeclaims", BigDecimal.ONE);
      }
    }
    return u;
  }

  /** Finished pods and terminating pods past their grace period no longer count. */
  static boolean countsAsPod(Pod pod, Instant now) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return false;
    }
    String deletion = pod.getMetadata().getDeletionTimestamp();
    Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
    return deletion == null || grace == null || now.isBefore(Instant.parse(deletion).plusSeconds(grace));
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
          total = total.add(value(pod.getSpec().getOverhead().get(res)));
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
    if (m != null && m.containsKey(res)) {
      return value(m.get(res));
    }
    Map<String, Quantity> limits = c.getResources().getLimits();
    return kind.equals("requests") && limits != null && limits.containsKey(res) ? value(limits.get(res))
        : BigDecimal.ZERO;
  }

  static boolean isBestEffort(Pod pod) {
    List<Container> all = new ArrayList<>(nn(pod.getSpec().getContainers()));
    all.addAll(nn(pod.getSpec().getInitContainers()));
    return all.stream().allMatch(c -> c.getResources() == null
        || (c.getResources().getRequests() == null || c.getResources().getRequests().isEmpty())
        && (c.getResources().getLimits() == null || c.getResources().getLimits().isEmpty()));
  }

  /** Whether a quota with these scopes takes in {@code obj}: scoped quotas count pods only. */
  static boolean inScope(List<String> scopes, List<ScopedResourceSelectorRequirement> selector, HasMetadata obj) {
    boolean scoped = scopes != null && !scopes.isEmpty() || selector != null && !selector.isEmpty();
    if (!scoped) {
      return true;
    }
    if (!(obj instanceof Pod pod) || pod.getSpec() == null) {
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
    boolean terminating = pod.getSpec().getActiveDeadlineSeconds() != null;
    return switch (scope) {
      case "Terminating" -> terminating;
      case "NotTerminating" -> !terminating;
      case "BestEffort" -> isBestEffort(pod);
      case "NotBestEffort" -> !isBestEffort(pod);
      case "PriorityClass" -> {
        String pc = pod.getSpec().getPriorityClassName();
        yield switch (op) {
          case "Exists" -> pc != null && !pc.isEmpty();
          case "DoesNotExist" -> pc == null || pc.isEmpty();
          case "In" -> pc != null && values.contains(pc);
          case "NotIn" -> pc == null || !values.contains(pc);
          default -> false;
        };
      }
      default -> false;
    };
  }

  static BigDecimal value(Quantity q) {
    return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
  }

  /** {@code 500m}, {@code 2}, {@code 128Mi}: how upstream prints a quantity of this resource. */
  static String format(String resource, BigDecimal v) {
    if (v.signum() == 0) {
      return "0";
    }
    if (resource.contains("cpu")) {
      if (v.stripTrailingZeros().scale() <= 0) {
        return v.setScale(0, RoundingMode.UNNECESSARY).toPlainString();
      }
      return v.multiply(THOUSAND).setScale(0, RoundingMode.CEILING).toPlainString() + "m";
    }
    if (resource.contains("memory") || resource.contains("storage")) {
      BigDecimal x = v.setScale(0, RoundingMode.CEILING);
      int i = 0;
      BigDecimal k = BigDecimal.valueOf(1024);
      while (i < BINARY.length - 1 && x.signum() != 0 && x.remainder(k).signum() == 0) {
        x = x.divide(k);
        i++;
      }
      return x.toPlainString() + BINARY[i];
    }
    return v.stripTrailingZeros().toPlainString();
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }
}

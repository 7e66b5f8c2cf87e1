package io.quarkube.machinery.quota;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.quarkube.machinery.resources.ResourceNames;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one object uses of a ResourceQuota (upstream's quota evaluators), shared by the API server's admission (which
 * charges creates) and the resourcequota controller (which recounts): {@code count/<resource>[.<group>]} for
 * everything, the legacy object counts of core kinds ({@code pods}, {@code services}, ...), pod compute
 * (requests/limits; requests default to limits; init containers by their maximum; overhead added), Service load
 * balancers and node ports, claim storage in total and per storage class. Amounts are cores, bytes and counts.
 */
public final class QuotaUsage {
  /** The core resources whose plain name is also a quota resource name (an object count). */
  private static final Set<String> LEGACY_COUNTS = Set.of("pods", "services", "configmaps", "secrets",
      "persistentvolumeclaims", "replicationcontrollers", "resourcequotas");
  private static final List<String> COMPUTE = List.of("cpu", "memory", "ephemeral-storage");
  /** The quota resource names pod compute is counted under. */
  public static final Set<String> POD_COMPUTE = Set.of("cpu", "memory", "requests.cpu", "requests.memory",
      "limits.cpu", "limits.memory", "ephemeral-storage", "requests.ephemeral-storage", "limits.ephemeral-storage");
  private static final String STORAGE_CLASS_INFIX = ".storageclass.storage.k8s.io/";

  private QuotaUsage() {}

  /**
   * The usage of {@code obj} per quota resource name; empty for a pod that no longer counts.
   *
   * @param groupResource the plural resource and its group ({@code pods}, {@code deployments.apps})
   * @param now the time a terminating pod's grace period is measured against
   */
  public static Map<String, BigDecimal> of(String groupResource, HasMetadata obj, Instant now) {
    Map<String, BigDecimal> u = new LinkedHashMap<>();
    if (obj instanceof Pod pod && !countsAsPod(pod, now)) {
      return u;
    }
    u.put("count/" + groupResource, BigDecimal.ONE);
    if (LEGACY_COUNTS.contains(groupResource)) {
      u.put(groupResource, BigDecimal.ONE);
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
        u.put(sc + STORAGE_CLASS_INFIX + "requests.storage", v);
        u.put(sc + STORAGE_CLASS_INFIX + "persistentvolumeclaims", BigDecimal.ONE);
      }
    }
    return u;
  }

  /**
   * Whether objects of {@code groupResource} can use the quota resource {@code name}: the resources whose objects a
   * count of that name has to look at.
   */
  public static boolean mayUse(String groupResource, String name) {
    return name.equals("count/" + groupResource)
        || LEGACY_COUNTS.contains(groupResource) && name.equals(groupResource)
        || groupResource.equals("pods") && (POD_COMPUTE.contains(name) || isPodResourceByName(name))
        || groupResource.equals("services") && name.startsWith("services.")
        || groupResource.equals("persistentvolumeclaims")
            && (name.equals("requests.storage") || name.contains(STORAGE_CLASS_INFIX));
  }

  /** Adds {@code usage} to {@code used} for the names {@code used} already holds (the ones a quota tracks). */
  public static void charge(Map<String, BigDecimal> used, Map<String, BigDecimal> usage) {
    usage.forEach((k, v) -> {
      if (used.containsKey(k)) {
        used.merge(k, v, BigDecimal::add);
      }
    });
  }

  /** Succeeded, failed and past-grace terminating pods no longer count (upstream's QuotaV1Pod). */
  public static boolean countsAsPod(Pod pod, Instant now) {
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
      for (String res : COMPUTE) {
        BigDecimal total = podTotal(pod, kind, res);
        u.put(kind + "." + res, total);
        if (kind.equals("requests")) {
          u.put(res, total);
        }
      }
    }
    // Upstream's pod evaluator also charges requests of extended resources (only as requests.<name>) and of
    // huge pages (as hugepages-<size> and requests.hugepages-<size>).
    for (String res : requestedByName(pod)) {
      BigDecimal total = podTotal(pod, "requests", res);
      u.put("requests." + res, total);
      if (ResourceNames.isHugePages(res)) {
        u.put(res, total);
      }
    }
  }

  /** Whether {@code name} is a quota resource for pods' extended-resource or huge-page requests. */
  static boolean isPodResourceByName(String name) {
    if (ResourceNames.isHugePages(name)) {
      return true;
    }
    if (!name.startsWith("requests.")) {
      return false;
    }
    String res = name.substring("requests.".length());
    return ResourceNames.isHugePages(res) || ResourceNames.isExtended(res);
  }

  /** The extended and huge-page resources any container of the pod requests (or limits, which then requests). */
  private static Set<String> requestedByName(Pod pod) {
    Set<String> names = new TreeSet<>();
    List<Container> all = new ArrayList<>(nn(pod.getSpec().getContainers()));
    all.addAll(nn(pod.getSpec().getInitContainers()));
    for (Container c : all) {
      if (c.getResources() == null) {
        continue;
      }
      for (Map<String, Quantity> m : Arrays.asList(c.getResources().getRequests(),
          c.getResources().getLimits())) {
        if (m != null) {
          m.keySet().stream().filter(r -> ResourceNames.isHugePages(r) || ResourceNames.isExtended(r)).forEach(names::add);
        }
      }
    }
    return names;
  }

  /**
   * A pod's requests or limits of one resource: its containers' sum, or its largest init container's when more, plus
   * the pod's overhead (upstream's PodRequests/PodLimits).
   */
  private static BigDecimal podTotal(Pod pod, String kind, String res) {
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
    return total;
  }

  private static BigDecimal amount(Container c, String kind, String res) {
    Map<String, Quantity> declaring = declaring(c, kind, res);
    return declaring == null ? BigDecimal.ZERO : Quantities.value(declaring.get(res));
  }

  /**
   * The container's requests or limits that name {@code res}; a request falls back to the limit (a limit without a
   * request requests the limit, upstream's defaulting); null when neither names it.
   */
  private static Map<String, Quantity> declaring(Container c, String kind, String res) {
    if (c.getResources() == null) {
      return null;
    }
    Map<String, Quantity> m = kind.equals("requests") ? c.getResources().getRequests() : c.getResources().getLimits();
    if (m != null && m.containsKey(res)) {
      return m;
    }
    Map<String, Quantity> limits = c.getResources().getLimits();
    return kind.equals("requests") && limits != null && limits.containsKey(res) ? limits : null;
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
        if (declaring(c, kind, res) == null) {
          missing.computeIfAbsent(t, k -> new ArrayList<>()).add(c.getName());
        }
      }
    }
    return missing;
  }

  private static <T> List<T> nn(List<T> l) {
    return l == null ? List.of() : l;
  }
}

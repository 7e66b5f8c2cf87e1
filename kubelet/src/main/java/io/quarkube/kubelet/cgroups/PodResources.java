package io.quarkube.kubelet.cgroups;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * The limits of a pod-level cgroup, as upstream's ResourceConfigForPod computes them (cgroup v1): CPU shares from the
 * sum of CPU requests, a CFS quota and a memory limit only when every container has such a limit (the sum of the app
 * containers', or the largest init container's if that is more: init containers run one at a time, before them).
 * BestEffort pods get the minimum shares and no limits.
 */
public record PodResources(long cpuShares, long cpuQuota, long memoryLimitBytes) {
  public static final long CPU_PERIOD = 100_000;
  private static final long MIN_SHARES = 2;
  /** No limit. */
  public static final long UNLIMITED = -1;

  public static PodResources of(Pod pod) {
    if (QosClass.of(pod) == QosClass.BEST_EFFORT) {
      return new PodResources(MIN_SHARES, UNLIMITED, UNLIMITED);
    }
    List<Container> apps = pod.getSpec().getContainers();
    List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
    long cpuRequest = Math.max(sum(apps, "requests", "cpu", true), max(inits, "requests", "cpu", true));
    long cpuLimit = all(apps, "cpu") && all(inits, "cpu")
        ? Math.max(sum(apps, "limits", "cpu", true), max(inits, "limits", "cpu", true)) : UNLIMITED;
    long memoryLimit = all(apps, "memory") && all(inits, "memory")
        ? Math.max(sum(apps, "limits", "memory", false), max(inits, "limits", "memory", false)) : UNLIMITED;
    long shares = Math.max(MIN_SHARES, cpuRequest * 1024 / 1000);
    long quota = cpuLimit == UNLIMITED ? UNLIMITED : Math.max(1000, cpuLimit * CPU_PERIOD / 1000);
    return new PodResources(shares, quota, memoryLimit);
  }

  private static boolean all(List<Container> containers, String resource) {
    return containers.stream().allMatch(c -> quantity(c, "limits", resource) != null);
  }

  private static long sum(List<Container> containers, String kind, String resource, boolean milli) {
    return containers.stream().mapToLong(c -> value(c, kind, resource, milli)).sum();
  }

  private static long max(List<Container> containers, String kind, String resource, boolean milli) {
    return containers.stream().mapToLong(c -> value(c, kind, resource, milli)).max().orElse(0);
  }

  private static long value(Container c, String kind, String resource, boolean milli) {
    Quantity q = quantity(c, kind, resource);
    if (q == null && kind.equals("requests")) {
      q = quantity(c, "limits", resource); // requests default to limits
    }
    if (q == null) {
      return 0;
    }
    BigDecimal v = q.getNumericalAmount();
    return (milli ? v.multiply(BigDecimal.valueOf(1000)) : v).setScale(0, RoundingMode.CEILING).longValue();
  }

  private static Quantity quantity(Container c, String kind, String resource) {
    if (c.getResources() == null) {
      return null;
    }
    Map<String, Quantity> m = kind.equals("limits") ? c.getResources().getLimits() : c.getResources().getRequests();
    return m == null ? null : m.get(resource);
  }
}

package io.quarkube.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.Collection;
import java.util.Map;

/** Arithmetic of rollouts (upstream's {@code deployment/util}): surge, unavailability, revisions, counts. */
final class Rollouts {
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";

  private Rollouts() {}

  static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  static int replicas(ReplicaSet rs) {
    return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
  }

  static int statusReplicas(ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
  }

  static int available(ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0
        : rs.getStatus().getAvailableReplicas();
  }

  static int ready(ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null ? 0 : rs.getStatus().getReadyReplicas();
  }

  static boolean isRecreate(Deployment d) {
    return d.getSpec().getStrategy() != null && "Recreate".equals(d.getSpec().getStrategy().getType());
  }

  /** maxSurge resolved against replicas (percentages round up); 0 for Recreate. */
  static int maxSurge(Deployment d) {
    if (isRecreate(d)) {
      return 0;
    }
    int[] both = surgeAndUnavailable(d);
    return both[0];
  }

  /** maxUnavailable resolved against replicas (percentages round down), capped at replicas; 0 for Recreate. */
  static int maxUnavailable(Deployment d) {
    if (isRecreate(d)) {
      return 0;
    }
    int[] both = surgeAndUnavailable(d);
    return Math.min(both[1], replicas(d));
  }

  private static int[] surgeAndUnavailable(Deployment d) {
    IntOrString surge = null;
    IntOrString unavailable = null;
    if (d.getSpec().getStrategy() != null && d.getSpec().getStrategy().getRollingUpdate() != null) {
      surge = d.getSpec().getStrategy().getRollingUpdate().getMaxSurge();
      unavailable = d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable();
    }
    int replicas = replicas(d);
    int s = resolve(surge == null ? new IntOrString("25%") : surge, replicas, true);
    int u = resolve(unavailable == null ? new IntOrString("25%") : unavailable, replicas, false);
    if (s == 0 && u == 0) {
      u = 1; // as upstream: a rollout must be able to make progress
    }
    return new int[] {s, u};
  }

  static int resolve(IntOrString v, int total, boolean roundUp) {
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal();
    if (s != null && s.endsWith("%")) {
      double pct = Double.parseDouble(s.substring(0, s.length() - 1));
      double value = pct * total / 100.0;
      return (int) (roundUp ? Math.ceil(value) : Math.floor(value));
    }
    return s == null ? 0 : Integer.parseInt(s);
  }

  static long revision(ReplicaSet rs) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    if (a == null || a.get(REVISION) == null) {
      return 0;
    }
    try {
      return Long.parseLong(a.get(REVISION));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static long maxRevision(Collection<ReplicaSet> sets) {
    return sets.stream().mapToLong(Rollouts::revision).max().orElse(0);
  }

  static int sumSpec(Collection<ReplicaSet> sets) {
    return sets.stream().mapToInt(Rollouts::replicas).sum();
  }

  static int sumStatus(Collection<ReplicaSet> sets) {
    return sets.stream().mapToInt(Rollouts::statusReplicas).sum();
  }
}

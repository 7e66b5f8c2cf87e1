package io.quarkube.controllers.disruption;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Informers;
import io.quarkube.client.controller.Keys;
import io.quarkube.controllers.support.Owners;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How many pods a budget's pods' controllers want (upstream's {@code getExpectedScale}): the sum of the scale of
 * every distinct controller of the pods. A ReplicaSet run by a Deployment counts as the Deployment, as upstream's
 * finders do. Percentages of a budget are taken of this number.
 */
final class ExpectedScale {
  private final Indexer<Deployment> deployments;
  private final Indexer<ReplicaSet> replicaSets;
  private final Indexer<ReplicationController> replicationControllers;
  private final Indexer<StatefulSet> statefulSets;

  ExpectedScale(Informers informers) {
    this.deployments = informers.indexer(Deployment.class);
    this.replicaSets = informers.indexer(ReplicaSet.class);
    this.replicationControllers = informers.indexer(ReplicationController.class);
    this.statefulSets = informers.indexer(StatefulSet.class);
  }

  /** Thrown when a pod has no controller, or one whose scale cannot be found: the budget then allows nothing. */
  static final class UnknownScale extends Exception {
    UnknownScale(String message) {
      super(message);
    }
  }

  int of(List<Pod> pods) throws UnknownScale {
    Set<String> seenRefs = new HashSet<>();
    // Keyed by the uid of what scales (the Deployment for its ReplicaSets), so each counts once.
    Map<String, Integer> scales = new HashMap<>();
    for (Pod pod : pods) {
      Optional<OwnerReference> ref = Owners.controllerOf(pod);
      if (ref.isEmpty()) {
        throw new UnknownScale("found no controller ref for pod \"" + pod.getMetadata().getName() + "\"");
      }
      if (!seenRefs.add(ref.get().getUid())) {
        continue;
      }
      Scale scale = find(pod.getMetadata().getNamespace(), ref.get());
      if (scale == null) {
        throw new UnknownScale("found no controllers for pod \"" + pod.getMetadata().getName() + "\"");
      }
      scales.put(scale.uid(), scale.replicas());
    }
    return scales.values().stream().mapToInt(Integer::intValue).sum();
  }

  private record Scale(String uid, int replicas) {
  }

  private Scale find(String namespace, OwnerReference ref) {
    String key = Keys.of(namespace, ref.getName());
    switch (ref.getKind()) {
      case "ReplicaSet" -> {
        ReplicaSet rs = replicaSets.getByKey(key);
        if (rs == null || !Objects.equals(rs.getMetadata().getUid(), ref.getUid())) {
          return null;
        }
        Optional<OwnerReference> up = Owners.controllerOf(rs);
        if (up.isPresent() && "Deployment".equals(up.get().getKind())) {
          Deployment d = deployments.getByKey(Keys.of(namespace, up.get().getName()));
          if (d == null || !Objects.equals(d.getMetadata().getUid(), up.get().getUid())) {
            return null;
          }
          return new Scale(d.getMetadata().getUid(), n(d.getSpec().getReplicas()));
        }
        return new Scale(rs.getMetadata().getUid(), n(rs.getSpec().getReplicas()));
      }
      case "ReplicationController" -> {
        ReplicationController rc = replicationControllers.getByKey(key);
        return rc == null || !Objects.equals(rc.getMetadata().getUid(), ref.getUid()) ? null
            : new Scale(rc.getMetadata().getUid(), n(rc.getSpec().getReplicas()));
      }
      case "StatefulSet" -> {
        StatefulSet s = statefulSets.getByKey(key);
        return s == null || !Objects.equals(s.getMetadata().getUid(), ref.getUid()) ? null
            : new Scale(s.getMetadata().getUid(), n(s.getSpec().getReplicas()));
      }
      default -> {
        return null;
      }
    }
  }

  private static int n(Integer i) {
    return i == null ? 1 : i;
  }
}

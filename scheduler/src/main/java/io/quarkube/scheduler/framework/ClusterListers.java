package io.quarkube.scheduler.framework;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;
import java.util.Map;

/** Read access to the informer caches plugins need beyond nodes and pods. */
public interface ClusterListers {
  default PersistentVolumeClaim pvc(String namespace, String name) {
    return null;
  }

  default PersistentVolume pv(String name) {
    return null;
  }

  default List<PersistentVolume> pvs() {
    return List.of();
  }

  default StorageClass storageClass(String name) {
    return null;
  }

  /** The CSINode of a node (named as the node). */
  default io.fabric8.kubernetes.api.model.storage.CSINode csiNode(String name) {
    return null;
  }

  default List<PodDisruptionBudget> pdbs() {
    return List.of();
  }

  /** The labels of a namespace (empty when unknown). */
  default Map<String, String> namespaceLabels(String namespace) {
    return Map.of();
  }

  /** All namespaces with their labels. */
  default Map<String, Map<String, String>> namespaces() {
    return Map.of();
  }

  default List<Service> services(String namespace) {
    return List.of();
  }

  default List<ReplicaSet> replicaSets(String namespace) {
    return List.of();
  }

  default List<StatefulSet> statefulSets(String namespace) {
    return List.of();
  }

  default List<ReplicationController> replicationControllers(String namespace) {
    return List.of();
  }

  ClusterListers EMPTY = new ClusterListers() {};
}

package io.quarkube.scheduler.app;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.quarkube.scheduler.framework.ClusterListers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link ClusterListers} over the Fabric8 informers' caches (null informer = resource not watched: empty). */
final class InformerListers implements ClusterListers {
  SharedIndexInformer<PersistentVolumeClaim> pvcs;
  SharedIndexInformer<PersistentVolume> pvs;
  SharedIndexInformer<StorageClass> storageClasses;
  SharedIndexInformer<io.fabric8.kubernetes.api.model.storage.CSINode> csiNodes;
  SharedIndexInformer<PodDisruptionBudget> pdbs;
  SharedIndexInformer<Namespace> namespaces;
  SharedIndexInformer<Service> services;
  SharedIndexInformer<ReplicaSet> replicaSets;
  SharedIndexInformer<StatefulSet> statefulSets;
  SharedIndexInformer<ReplicationController> replicationControllers;
  SharedIndexInformer<PriorityClass> priorityClasses;

  private static <T extends HasMetadata> T get(SharedIndexInformer<T> i, String namespace, String name) {
    if (i == null) {
      return null;
    }
    return i.getStore().getByKey(namespace == null ? name : namespace + "/" + name);
  }

  private static <T extends HasMetadata> List<T> inNamespace(SharedIndexInformer<T> i, String namespace) {
    if (i == null) {
      return List.of();
    }
    return i.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  @Override
  public PersistentVolumeClaim pvc(String namespace, String name) {
    return get(pvcs, namespace, name);
  }

  @Override
  public PersistentVolume pv(String name) {
    return get(pvs, null, name);
  }

  @Override
  public List<PersistentVolume> pvs() {
    return pvs == null ? List.of() : pvs.getStore().list();
  }

  @Override
  public StorageClass storageClass(String name) {
    return get(storageClasses, null, name);
  }

  @Override
  public io.fabric8.kubernetes.api.model.storage.CSINode csiNode(String name) {
    return get(csiNodes, null, name);
  }

  @Override
  public List<PodDisruptionBudget> pdbs() {
    return pdbs == null ? List.of() : pdbs.getStore().list();
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    Namespace ns = get(namespaces, null, namespace);
    return ns == null || ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
  }

  @Override
  public Map<String, Map<String, String>> namespaces() {
    Map<String, Map<String, String>> m = new HashMap<>();
    if (namespaces != null) {
      for (Namespace ns : namespaces.getStore().list()) {
        m.put(ns.getMetadata().getName(), ns.getMetadata().getLabels() == null ? Map.of()
            : ns.getMetadata().getLabels());
      }
    }
    return m;
  }

  @Override
  public List<Service> services(String namespace) {
    return inNamespace(services, namespace);
  }

  @Override
  public List<ReplicaSet> replicaSets(String namespace) {
    return inNamespace(replicaSets, namespace);
  }

  @Override
  public List<StatefulSet> statefulSets(String namespace) {
    return inNamespace(statefulSets, namespace);
  }

  @Override
  public List<ReplicationController> replicationControllers(String namespace) {
    return inNamespace(replicationControllers, namespace);
  }

  /**
   * The pod's priority: spec.priority when set (the Priority admission plugin sets it), else its PriorityClass's
   * value, else the global default class's, else 0.
   */
  int priorityOf(io.fabric8.kubernetes.api.model.Pod pod) {
    Integer p = pod.getSpec().getPriority();
    if (p != null) {
      return p;
    }
    if (priorityClasses == null) {
      return 0;
    }
    String cls = pod.getSpec().getPriorityClassName();
    if (cls != null && !cls.isEmpty()) {
      PriorityClass pc = get(priorityClasses, null, cls);
      return pc == null || pc.getValue() == null ? 0 : pc.getValue();
    }
    for (PriorityClass pc : priorityClasses.getStore().list()) {
      if (Boolean.TRUE.equals(pc.getGlobalDefault()) && pc.getValue() != null) {
        return pc.getValue();
      }
    }
    return 0;
  }
}

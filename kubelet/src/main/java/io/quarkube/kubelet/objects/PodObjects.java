package io.quarkube.kubelet.objects;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ConfigMaps and Secrets of this node's pods, as upstream's configmap and secret managers with their default
 * {@code Watch} change detection: {@link #registerPod} when a live pod is synced holds a reference on each object it
 * names, {@link #unregisterPod} when the pod is finished or gone drops them, and every read of a pod sync (volumes,
 * env, image pull secrets) is answered from the objects' watches. An idle node thus asks the API server nothing per
 * sync, and a changed object reaches configMap/secret volumes at the pod's next sync.
 */
public final class PodObjects implements AutoCloseable {
  /** How long a read waits for a new watch's first list; upstream waits 1 s, this node has 2 CPUs and a JVM. */
  static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

  private final WatchingObjectCache<ConfigMap> configMaps;
  private final WatchingObjectCache<Secret> secrets;
  /** What each registered pod (by UID) references; guarded by {@code this}. */
  private final Map<String, References> pods = new HashMap<>();

  private record References(String namespace, Set<String> configMaps, Set<String> secrets) {}

  public PodObjects(ObjectWatch.Starter<ConfigMap> configMaps, ObjectWatch.Starter<Secret> secrets,
      Duration syncTimeout) {
    this.configMaps = new WatchingObjectCache<>("configmap", configMaps, syncTimeout);
    this.secrets = new WatchingObjectCache<>("secret", secrets, syncTimeout);
  }

  /** Watches through the API server with Fabric8 informers, one per object. */
  public static PodObjects watching(KubernetesClient client) {
    return new PodObjects(InformerWatch.configMaps(client), InformerWatch.secrets(client), SYNC_TIMEOUT);
  }

  /**
   * References the objects the pod names now; on a pod registered before, the difference to what it named then (a
   * pod's spec mostly stays, so a sync changes nothing). Added before removed: an object named both times keeps its
   * watch.
   */
  public synchronized void registerPod(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    References now = new References(ns, PodObjectNames.configMaps(pod), PodObjectNames.secrets(pod));
    References before = pods.put(pod.getMetadata().getUid(), now);
    if (now.equals(before)) {
      return;
    }
    now.configMaps().forEach(name -> configMaps.addReference(ns, name));
    now.secrets().forEach(name -> secrets.addReference(ns, name));
    if (before != null) {
      drop(before);
    }
  }

  /** Drops the references of the pod with this UID (nothing when it was not registered). */
  public synchronized void unregisterPod(String uid) {
    References before = pods.remove(uid);
    if (before != null) {
      drop(before);
    }
  }

  private void drop(References refs) {
    refs.configMaps().forEach(name -> configMaps.deleteReference(refs.namespace(), name));
    refs.secrets().forEach(name -> secrets.deleteReference(refs.namespace(), name));
  }

  /**
   * The ConfigMap from its watch; null when it does not exist.
   *
   * @throws WatchingObjectCache.UnavailableException when no registered pod names it, or it could not be listed yet
   */
  public ConfigMap configMap(String namespace, String name) {
    return configMaps.get(namespace, name);
  }

  /** As {@link #configMap}, for a Secret. */
  public Secret secret(String namespace, String name) {
    return secrets.get(namespace, name);
  }

  /** How many ConfigMaps are watched now. */
  public int configMapWatches() {
    return configMaps.watches();
  }

  /** How many Secrets are watched now. */
  public int secretWatches() {
    return secrets.watches();
  }

  @Override
  public void close() {
    configMaps.close();
    secrets.close();
  }
}

package io.quarkube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkube.client.controller.SharedInformers;
import io.quarkube.kubelet.staticpods.StaticPodManifests;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The pods bound to this node, from a Fabric8 informer on {@code spec.nodeName=<node>}; every change hands the pod's
 * UID to the workers. Pods are looked up by UID (the runtime knows only UIDs).
 */
public final class PodSource implements AutoCloseable {
  private final KubernetesClient client;
  private final String nodeName;
  private final Consumer<String> changed;
  private final Map<String, Pod> byUid = new ConcurrentHashMap<>();
  /** Mirrors of static pods (namespace/name): shown, never run; {@code MirrorPods} keeps them. */
  private final Map<String, Pod> mirrors = new ConcurrentHashMap<>();
  private volatile Runnable mirrorsChanged = () -> { };
  private SharedIndexInformer<Pod> informer;

  public PodSource(KubernetesClient client, String nodeName, Consumer<String> changed) {
    this.client = client;
    this.nodeName = nodeName;
    this.changed = changed;
  }

  public void start() {
    // Not inform(): that waits for the first list and gives up for good when it fails (an API server busy with a
    // big cluster can take longer than the client's request timeout); like upstream's reflector, retry until it
    // works. Until then hasSynced() is false: the kubelet is not ready and the relister touches no container.
    informer = SharedInformers.retrying(client.pods().inAnyNamespace().withField("spec.nodeName", nodeName)
        .runnableInformer(0), "pods on node " + nodeName);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        put(pod);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        put(pod);
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        if (StaticPodManifests.isMirror(pod)) {
          mirrors.remove(mirrorKey(pod), pod);
          mirrorsChanged.run();
          return;
        }
        String uid = pod.getMetadata().getUid();
        byUid.remove(uid);
        changed.accept(uid);
      }
    });
    informer.start();
  }

  private void put(Pod pod) {
    if (StaticPodManifests.isMirror(pod)) {
      mirrors.put(mirrorKey(pod), pod);
      mirrorsChanged.run();
      return;
    }
    String uid = pod.getMetadata().getUid();
    byUid.put(uid, pod);
    changed.accept(uid);
  }

  private static String mirrorKey(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** The mirror pods on this node by namespace/name. */
  public Map<String, Pod> mirrors() {
    return Map.copyOf(mirrors);
  }

  /** Called (on the informer's thread) whenever a mirror pod is added, changed or deleted. */
  public void onMirrorsChanged(Runnable callback) {
    this.mirrorsChanged = callback;
  }

  public boolean hasSynced() {
    return informer != null && informer.hasSynced();
  }

  /** The pod with this UID as the API server last told, or null. */
  public Pod get(String uid) {
    return byUid.get(uid);
  }

  public Optional<Pod> byName(String namespace, String name) {
    return byUid.values().stream().filter(p -> p.getMetadata().getNamespace().equals(namespace)
        && p.getMetadata().getName().equals(name)).findFirst();
  }

  public Map<String, Pod> all() {
    return Map.copyOf(byUid);
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}

package io.quarkube.kubelet.objects;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkube.client.controller.SharedInformers;

/**
 * An {@link ObjectWatch} on a Fabric8 informer of one object: a list+watch with
 * {@code fieldSelector=metadata.name=<name>} in its namespace, the only form in which the Node authorizer lets a
 * kubelet list or watch secrets and config maps. The informer relists and rewatches by itself when the watch breaks
 * (410 Gone, an API server restart).
 */
final class InformerWatch<T extends HasMetadata> implements ObjectWatch<T> {
  private final SharedIndexInformer<T> informer;
  private final String key;

  private InformerWatch(SharedIndexInformer<T> informer, String namespace, String name) {
    this.informer = informer;
    this.key = namespace + "/" + name;
  }

  static ObjectWatch.Starter<ConfigMap> configMaps(KubernetesClient client) {
    return (ns, name) -> start(client.configMaps().inNamespace(ns).withField("metadata.name", name)
        .runnableInformer(0), ns, name, "configmap");
  }

  static ObjectWatch.Starter<Secret> secrets(KubernetesClient client) {
    return (ns, name) -> start(client.secrets().inNamespace(ns).withField("metadata.name", name)
        .runnableInformer(0), ns, name, "secret");
  }

  private static <T extends HasMetadata> ObjectWatch<T> start(SharedIndexInformer<T> informer, String ns, String name,
      String kind) {
    // Fabric8 gives up for good after a failed first list (say, forbidden while the API server's node graph has not
    // seen the pod bound here yet); retried with the informer's backoff instead, as upstream's reflector.
    SharedInformers.retrying(informer, kind + " " + ns + "/" + name);
    informer.start(); // does not wait: the first sync is awaited by whoever reads the object
    return new InformerWatch<>(informer, ns, name);
  }

  @Override
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  @Override
  public T current() {
    return informer.getStore().getByKey(key);
  }

  @Override
  public void stop() {
    informer.stop();
  }
}

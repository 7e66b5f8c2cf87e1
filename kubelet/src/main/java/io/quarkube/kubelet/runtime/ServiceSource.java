package io.quarkube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkube.client.controller.SharedInformers;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Every Service of the cluster from a Fabric8 informer, for the service environment variables of containers (as
 * upstream's kubelet service lister). Until the first list arrived it has none to give: a container started then
 * would miss its variables for good.
 */
public final class ServiceSource implements AutoCloseable {
  private final KubernetesClient client;
  private SharedIndexInformer<Service> informer;

  public ServiceSource(KubernetesClient client) {
    this.client = client;
  }

  public void start() {
    // Not inform(): it gives up for good when the first list fails; retry like upstream's reflector.
    informer = SharedInformers.retrying(client.services().inAnyNamespace().runnableInformer(0), "services");
    informer.start();
  }

  /** The services, or empty while they were never listed yet. */
  public Optional<Collection<Service>> services() {
    SharedIndexInformer<Service> current = informer;
    if (current == null || !current.hasSynced()) {
      return Optional.empty();
    }
    return Optional.of(List.copyOf(current.getStore().list()));
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}

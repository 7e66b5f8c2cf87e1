package io.quarkube.controllers.support;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/** {@link ObjectWriter} over the Fabric8 client. */
public final class ClientObjectWriter implements ObjectWriter {
  private final KubernetesClient client;

  public ClientObjectWriter(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public <T extends HasMetadata> T create(T obj) {
    return client.resource(obj).create();
  }

  @Override
  public <T extends HasMetadata> T update(T obj) {
    return client.resource(obj).update();
  }

  @Override
  public <T extends HasMetadata> T updateStatus(T obj) {
    return client.resource(obj).updateStatus();
  }

  @Override
  public void delete(HasMetadata obj, DeletionPropagation propagation) {
    if (propagation == null) {
      client.resource(obj).delete();
    } else {
      client.resource(obj).withPropagationPolicy(propagation).delete();
    }
  }

  @Override
  public void forceDelete(HasMetadata obj) {
    client.resource(obj).withGracePeriod(0).delete();
  }
}

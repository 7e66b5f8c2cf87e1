package io.quarkube.controllers.support;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;

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

  @Override
  public void removeFinalizer(HasMetadata obj, String finalizer) {
    String patch = Serialization.asJson(Map.of("metadata",
        Map.of("$deleteFromPrimitiveList/finalizers", List.of(finalizer))));
    try {
      client.resource(obj).patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }
}

package io.quarkube.controllers.gc;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** The garbage collector's calls to the API server, on any kind (a seam for reconcile tests). */
interface GcApi {
  /** A live read (caches may lag): null when the object does not exist. */
  GenericKubernetesResource get(GcResource resource, String namespace, String name);

  /**
   * Writes the object's ownerReferences and finalizers (a JSON merge patch of those two and its resourceVersion, so
   * 409 when stale). The caches hold metadata only: a PUT of such an object would wipe its spec and status.
   */
  void update(GcResource resource, GenericKubernetesResource obj);

  void delete(GcResource resource, GenericKubernetesResource obj, DeletionPropagation propagation);

  static GcApi of(KubernetesClient client) {
    return new GcApi() {
      private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>> in(GcResource r, String namespace) {
        var op = client.genericKubernetesResources(r.context());
        return r.namespaced() ? op.inNamespace(namespace) : op;
      }

      @Override
      public GenericKubernetesResource get(GcResource r, String namespace, String name) {
        return in(r, namespace).withName(name).get();
      }

      @Override
      public void update(GcResource r, GenericKubernetesResource obj) {
        in(r, obj.getMetadata().getNamespace()).withName(obj.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON_MERGE), MetadataPatch.of(obj.getMetadata()));
      }

      @Override
      public void delete(GcResource r, GenericKubernetesResource obj, DeletionPropagation propagation) {
        in(r, obj.getMetadata().getNamespace()).withName(obj.getMetadata().getName())
            .withPropagationPolicy(propagation).delete();
      }
    };
  }
}

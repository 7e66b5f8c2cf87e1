package io.quarkube.controllers.support;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The writes controllers make through the API server (upstream controllers use a clientset the same way). An
 * interface so that reconcile tests can record the writes and feed them back into hand-filled caches.
 * Failures are {@link io.fabric8.kubernetes.client.KubernetesClientException}s carrying the HTTP code
 * (see {@link ApiErrors}).
 */
public interface ObjectWriter {
  <T extends HasMetadata> T create(T obj);

  /** PUT of the whole object; fails with 409 when {@code resourceVersion} is stale. */
  <T extends HasMetadata> T update(T obj);

  /** PUT of the status subresource. */
  <T extends HasMetadata> T updateStatus(T obj);

  /** DELETE with a propagation policy (null: the server's default for the kind). Missing objects are fine. */
  void delete(HasMetadata obj, DeletionPropagation propagation);

  /**
   * DELETE with {@code gracePeriodSeconds: 0} and the object's uid as precondition: for pods no kubelet will ever
   * confirm (their node is gone, or they were never scheduled), as upstream's PodGC does.
   */
  void forceDelete(HasMetadata obj);

  /**
   * Removes one finalizer from the object's list, whatever else the list holds now (a strategic merge patch with
   * {@code $deleteFromPrimitiveList}, as upstream's job controller sends: no resourceVersion, so no conflict with
   * other writers). A missing object is fine.
   */
  void removeFinalizer(HasMetadata obj, String finalizer);
}

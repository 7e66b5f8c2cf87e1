package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.resource.ResourceDefinition;

/**
 * What an admission plugin sees of a write: the operation, the target, (for create/update) the new object and, for an
 * update made from the stored object (a patch, a server-side apply), that stored object ({@code oldObject}, upstream's
 * {@code GetOldObject}); null where the caller does not hold it, so plugins that need it look it up themselves.
 */
public record AdmissionRequest(Operation operation, ResourceDefinition resource, String namespace, String name,
    String subresource, HasMetadata object, HasMetadata oldObject, UserInfo user, boolean dryRun) {

  /** A request without the stored object: creates, deletes, and updates that replace the object whole. */
  public AdmissionRequest(Operation operation, ResourceDefinition resource, String namespace, String name,
      String subresource, HasMetadata object, UserInfo user, boolean dryRun) {
    this(operation, resource, namespace, name, subresource, object, null, user, dryRun);
  }

  public AdmissionRequest withObject(HasMetadata replaced) {
    return new AdmissionRequest(operation, resource, namespace, name, subresource, replaced, oldObject, user, dryRun);
  }

  public enum Operation {
    CREATE,
    UPDATE,
    DELETE,
    CONNECT
  }
}

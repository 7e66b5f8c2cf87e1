package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.resource.ResourceDefinition;

/** What an admission plugin sees of a write: the operation, the target and (for create/update) the new object. */
public record AdmissionRequest(Operation operation, ResourceDefinition resource, String namespace, String name,
    String subresource, HasMetadata object, UserInfo user, boolean dryRun) {

  public AdmissionRequest withObject(HasMetadata replaced) {
    return new AdmissionRequest(operation, resource, namespace, name, subresource, replaced, user, dryRun);
  }

  public enum Operation {
    CREATE,
    UPDATE,
    DELETE,
    CONNECT
  }
}

package io.quarkube.apiserver.registry.storage;

import io.fabric8.kubernetes.api.model.storage.CSIStorageCapacity;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * storage.k8s.io/v1 CSIStorageCapacities, after upstream's {@code ValidateCSIStorageCapacity}: a valid node topology
 * selector, a storage class name that is a DNS subdomain, a non-negative capacity; the inputs of the driver's
 * GetCapacity call (nodeTopology, storageClassName) never change.
 */
public final class CsiStorageCapacityStrategy implements Strategy<CSIStorageCapacity> {

  @Override
  public List<FieldError> validate(CSIStorageCapacity c) {
    List<FieldError> errors = new ArrayList<>();
    StorageValidation.labelSelector(c.getNodeTopology(), "nodeTopology", errors);
    String className = Objects.toString(c.getStorageClassName(), "");
    if (!Validation.isDns1123Subdomain(className)) {
      errors.add(FieldError.invalid("storageClassName", className, Validation.DNS1123_SUBDOMAIN_MESSAGE));
    }
    if (c.getCapacity() != null) {
      StorageValidation.nonNegative(c.getCapacity(), "capacity", errors);
    }
    return errors;
  }

  @Override
  public List<FieldError> validateUpdate(CSIStorageCapacity c, CSIStorageCapacity old) {
    // upstream checks only metadata and the two immutable fields on update
    List<FieldError> errors = new ArrayList<>();
    if (!Objects.equals(Json.tree(c.getNodeTopology()), Json.tree(old.getNodeTopology()))) {
      errors.add(FieldError.invalid("nodeTopology", c.getNodeTopology(), "field is immutable"));
    }
    if (!Objects.equals(c.getStorageClassName(), old.getStorageClassName())) {
      errors.add(FieldError.invalid("storageClassName", c.getStorageClassName(), "field is immutable"));
    }
    return errors;
  }
}

package io.quarkube.apiserver.registry.storage;

import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSINodeDriver;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * storage.k8s.io/v1 CSINodes, after upstream's {@code ValidateCSINode}: each driver named once (a CSI driver name, a
 * DNS subdomain), with a node ID of at most 256 characters (upstream's AllowLongNodeID), a non-negative allocatable
 * count and distinct qualified topology keys; a driver entry, once there, never changes (1.32 has no mutable
 * allocatable count). The object's name is its node's (a DNS subdomain, checked with the metadata).
 */
public final class CsiNodeStrategy implements Strategy<CSINode> {
  static final int MAX_NODE_ID = 256;

  @Override
  public List<FieldError> validate(CSINode node) {
    List<FieldError> errors = new ArrayList<>();
    List<CSINodeDriver> drivers = node.getSpec() == null ? null : node.getSpec().getDrivers();
    if (drivers == null) {
      return errors;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < drivers.size(); i++) {
      driver(drivers.get(i), "spec.drivers[" + i + "]", names, errors);
    }
    return errors;
  }

  private static void driver(CSINodeDriver d, String path, Set<String> names, List<FieldError> errors) {
    String name = Objects.toString(d.getName(), "");
    StorageValidation.csiDriverName(name, path + ".name", errors);
    String nodeId = Objects.toString(d.getNodeID(), "");
    if (nodeId.isEmpty()) {
      errors.add(FieldError.required(path + ".nodeID", ""));
    }
    if (nodeId.length() > MAX_NODE_ID) {
      errors.add(FieldError.invalid(path + ".nodeID", nodeId, "must be " + MAX_NODE_ID + " characters or less"));
    }
    if (d.getAllocatable() != null && d.getAllocatable().getCount() != null && d.getAllocatable().getCount() < 0) {
      errors.add(FieldError.invalid(path + ".allocatable.count", d.getAllocatable().getCount(),
          "must be greater than or equal to 0"));
    }
    if (!names.add(name)) {
      errors.add(FieldError.duplicate(path + ".name", name));
    }
    if (d.getTopologyKeys() != null) {
      Set<String> keys = new HashSet<>();
      for (String key : d.getTopologyKeys()) {
        String k = Objects.toString(key, "");
        if (k.isEmpty()) {
          errors.add(FieldError.required(path, ""));
        }
        if (!keys.add(k)) {
          errors.add(FieldError.duplicate(path, k));
        }
        if (!Validation.isQualifiedName(k)) {
          errors.add(FieldError.invalid(path, k, Validation.QUALIFIED_NAME_MESSAGE));
        }
      }
    }
  }

  @Override
  public List<FieldError> validateUpdate(CSINode node, CSINode old) {
    List<FieldError> errors = validate(node);
    List<CSINodeDriver> before = old.getSpec() == null ? null : old.getSpec().getDrivers();
    List<CSINodeDriver> after = node.getSpec() == null ? null : node.getSpec().getDrivers();
    if (before == null || after == null) {
      return errors;
    }
    // drivers may come and go (the kubelet registers and unregisters them), but one that stays stays the same
    for (CSINodeDriver o : before) {
      for (CSINodeDriver n : after) {
        if (Objects.equals(o.getName(), n.getName()) && !Json.tree(o).equals(Json.tree(n))) {
          errors.add(FieldError.invalid("spec.drivers", n, "field is immutable"));
        }
      }
    }
    return errors;
  }
}

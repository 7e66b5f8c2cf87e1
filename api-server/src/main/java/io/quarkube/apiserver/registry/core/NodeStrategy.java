package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Node;
import io.quarkube.apiserver.registry.Strategy;
import java.util.Map;
import java.util.Set;

/** Nodes: kubelets create them with their status, which create must keep (unlike most resources). */
public final class NodeStrategy implements Strategy<Node> {
  @Override
  public boolean resetsStatusOnCreate() {
    return false;
  }

  @Override
  public Set<String> selectableFields() {
    return Set.of("spec.unschedulable");
  }

  @Override
  public Map<String, String> fieldValues(Node node) {
    boolean unschedulable = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    return Map.of("spec.unschedulable", Boolean.toString(unschedulable));
  }
}

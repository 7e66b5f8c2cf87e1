package io.quarkube.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.client.controller.Informers;
import java.util.List;
import java.util.Map;

/** A pod cache index by {@code spec.nodeName}, added once however many controllers ask for it. */
final class PodsByNode {
  static final String INDEX = "nodelifecycle.nodeName";

  private PodsByNode() {}

  static void register(Informers informers) {
    try {
      informers.addIndexers(Pod.class, Map.of(INDEX, p -> p.getSpec() == null || p.getSpec().getNodeName() == null
          ? List.of() : List.of(p.getSpec().getNodeName())));
    } catch (IllegalArgumentException | IllegalStateException e) {
      // already there (the other controller of this package registered it)
    }
  }
}

package io.quarkube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

/** A pod's ephemeral containers ({@code kubectl debug}), which the kubelet runs as containers that never restart. */
final class EphemeralContainerSpecs {
  private EphemeralContainerSpecs() {}

  static List<EphemeralContainer> of(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getEphemeralContainers() == null ? List.of()
        : pod.getSpec().getEphemeralContainers();
  }

  /** The same fields as a container's (ports, probes and resources are refused by the API server). */
  static Container asContainer(EphemeralContainer e) {
    Container c = Serialization.jsonMapper().convertValue(e, Container.class);
    c.getAdditionalProperties().remove("targetContainerName");
    return c;
  }
}

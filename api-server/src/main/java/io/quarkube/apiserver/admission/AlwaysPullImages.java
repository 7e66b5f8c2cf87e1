package io.quarkube.apiserver.admission;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's AlwaysPullImages (off by default; {@code quarkube.admission.enable-plugins=AlwaysPullImages}): every
 * container pulls its image, so a pod cannot use a private image another tenant's pull left on the node.
 */
public final class AlwaysPullImages implements AdmissionPlugin {
  @Override
  public String name() {
    return "AlwaysPullImages";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!AdmissionErrors.is(r, "", "pods") || r.object() == null || r.subresource() != null
        || (r.operation() != AdmissionRequest.Operation.CREATE && r.operation() != AdmissionRequest.Operation.UPDATE)) {
      return;
    }
    Pod pod = (Pod) r.object();
    if (pod.getSpec() == null) {
      return;
    }
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getContainers() != null) {
      all.addAll(pod.getSpec().getContainers());
    }
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    for (Container c : all) {
      c.setImagePullPolicy("Always");
    }
    if (pod.getSpec().getEphemeralContainers() != null) {
      pod.getSpec().getEphemeralContainers().forEach(e -> e.setImagePullPolicy("Always"));
    }
  }
}

package io.quarkube.kubelet.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QosClassTest {
  private static Pod pod(Map<String, Quantity> requests, Map<String, Quantity> limits) {
    return new PodBuilder().withNewMetadata().withName("p").withUid("u").endMetadata().withNewSpec()
        .addNewContainer().withName("c").withImage("busybox").withNewResources().withRequests(requests)
        .withLimits(limits).endResources().endContainer().endSpec().build();
  }

  @Test
  void classes() {
    assertEquals(QosClass.BEST_EFFORT, QosClass.of(pod(null, null)));
    assertEquals(QosClass.BURSTABLE, QosClass.of(pod(Map.of("cpu", new Quantity("100m")), null)));
    assertEquals(QosClass.GUARANTEED, QosClass.of(pod(null, Map.of("cpu", new Quantity("1"),
        "memory", new Quantity("64Mi")))));
    assertEquals(QosClass.BURSTABLE, QosClass.of(pod(Map.of("cpu", new Quantity("500m")),
        Map.of("cpu", new Quantity("1"), "memory", new Quantity("64Mi")))));
  }

  @Test
  void cgroupParents() {
    PodCgroups cgroups = new PodCgroups("/quarkube-x");
    assertEquals("/quarkube-x/kubepods/besteffort/podu", cgroups.parentOf(pod(null, null)));
    assertEquals("/quarkube-x/kubepods/podu", cgroups.parentOf("u", QosClass.GUARANTEED));
  }
}

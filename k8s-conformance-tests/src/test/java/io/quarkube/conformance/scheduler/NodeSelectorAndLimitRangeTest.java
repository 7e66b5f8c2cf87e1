package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** upstream's nodeSelector predicates (on simulated nodes) and LimitRange defaults. */
@ExtendWith(TestNamespace.class)
class NodeSelectorAndLimitRangeTest {
  private final SimNodes sim = new SimNodes();

  @AfterEach
  void cleanUp() {
    sim.close();
  }

  @Conformance("scheduling.node-selector")
  @Test
  void nodeSelectorMatchesTheLabelledNodeOnly(String ns) {
    sim.create("plain", "2", "4Gi");
    String label = "kubernetes.io/e2e-" + sim.group;
    sim.create("labelled", "2", "4Gi", label, "42");
    sim.create(sim.pod(ns, "with-labels", null).editSpec().addToNodeSelector(label, "42").endSpec());
    assertEquals(sim.name("labelled"), sim.awaitBound(ns, "with-labels"));

    sim.create(sim.pod(ns, "restricted-pod", null).editSpec().addToNodeSelector("label", "nonempty").endSpec());
    String msg = sim.awaitUnschedulable(ns, "restricted-pod");
    assertTrue(msg.contains("didn't match Pod's node affinity/selector"), msg);
    assertNull(sim.nodeOf(ns, "restricted-pod"));
  }

  @Conformance("scheduling.limitrange-defaults")
  @Test
  void limitRangeDefaultsAreApplied(String ns) {
    sim.client.limitRanges().inNamespace(ns).resource(new LimitRangeBuilder().withNewMetadata()
        .withName("limits").endMetadata().withNewSpec().addNewLimit().withType("Container")
        .withDefaultRequest(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("200Mi")))
        .withDefault(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("500Mi")))
        .withMin(Map.of("cpu", new Quantity("50m"))).withMax(Map.of("cpu", new Quantity("2")))
        .endLimit().endSpec().build()).create();

    Pod defaulted = sim.create(pod(ns, "no-resources", null, null));
    ResourceRequirements r = defaulted.getSpec().getContainers().get(0).getResources();
    assertEquals(new Quantity("100m"), r.getRequests().get("cpu"));
    assertEquals(new Quantity("200Mi"), r.getRequests().get("memory"));
    assertEquals(new Quantity("500m"), r.getLimits().get("cpu"));
    assertEquals(new Quantity("500Mi"), r.getLimits().get("memory"));
    assertTrue(defaulted.getMetadata().getAnnotations().getOrDefault("kubernetes.io/limit-ranger", "")
        .contains("LimitRanger plugin set"), String.valueOf(defaulted.getMetadata().getAnnotations()));

    Pod partial = sim.create(pod(ns, "own-request", "300m", null));
    ResourceRequirements p = partial.getSpec().getContainers().get(0).getResources();
    assertEquals(new Quantity("300m"), p.getRequests().get("cpu"), "a set request is kept");
    assertEquals(new Quantity("500m"), p.getLimits().get("cpu"));

    var tooBig = org.junit.jupiter.api.Assertions.assertThrows(
        io.fabric8.kubernetes.client.KubernetesClientException.class, () -> sim.create(pod(ns, "too-big", "3", "3")));
    assertEquals(403, tooBig.getCode());
    assertTrue(tooBig.getMessage().contains("maximum cpu usage per Container is 2"), tooBig.getMessage());
  }

  /** A pod no scheduler picks up (it only has to pass admission). */
  private static PodBuilder pod(String ns, String name, String cpuRequest, String cpuLimit) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
        .withSchedulerName("quarkube-e2e-unscheduled").addNewContainer().withName("c").withImage("busybox")
        .withNewResources().endResources().endContainer().withTerminationGracePeriodSeconds(0L).endSpec();
    if (cpuRequest != null) {
      b.editSpec().editFirstContainer().editResources().addToRequests("cpu", new Quantity(cpuRequest))
          .endResources().endContainer().endSpec();
    }
    if (cpuLimit != null) {
      b.editSpec().editFirstContainer().editResources().addToLimits("cpu", new Quantity(cpuLimit))
          .endResources().endContainer().endSpec();
    }
    return b;
  }
}

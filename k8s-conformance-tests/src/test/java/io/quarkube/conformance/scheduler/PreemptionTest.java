package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A high-priority pod preempts a low-priority one. There is no kubelet on simulated nodes, so the test plays its
 * part: when the victim gets its deletionTimestamp, the test confirms the deletion (grace period 0), as a kubelet
 * would once the containers stopped.
 */
@ExtendWith(TestNamespace.class)
class PreemptionTest {
  private final SimNodes sim = new SimNodes();

  @AfterEach
  void cleanUp() {
    sim.close();
  }

  @Conformance("scheduling.preemption")
  @Test
  void highPriorityPodPreemptsLowPriorityPod(String ns) {
    sim.priorityClass("low", 100);
    sim.priorityClass("high", 1000);
    sim.create("only", "1", "4Gi");
    sim.create(sim.pod(ns, "low", "1").editSpec().withPriorityClassName(sim.group + "-low").endSpec());
    assertEquals(sim.name("only"), sim.awaitBound(ns, "low"));

    sim.create(sim.pod(ns, "high", "1").editSpec().withPriorityClassName(sim.group + "-high").endSpec());
    Await.until(Duration.ofSeconds(30), "the low-priority pod is being deleted", () -> {
      Pod low = sim.get(ns, "low");
      return low == null || low.getMetadata().getDeletionTimestamp() != null;
    });
    Pod victim = sim.get(ns, "low");
    if (victim != null) {
      assertTrue(victim.getStatus().getConditions().stream().anyMatch(c -> "DisruptionTarget".equals(c.getType())
          && "PreemptionByScheduler".equals(c.getReason())), "DisruptionTarget condition on the victim");
      // The "kubelet" confirms the deletion.
      sim.client.pods().inNamespace(ns).withName("low").withGracePeriod(0).delete();
    }
    Await.until(Duration.ofSeconds(30), "the high-priority pod nominated or bound", () -> {
      Pod high = sim.get(ns, "high");
      return high.getSpec().getNodeName() != null || sim.name("only").equals(high.getStatus().getNominatedNodeName());
    });
    assertEquals(sim.name("only"), sim.awaitBound(ns, "high"));
  }

  @Conformance("scheduling.preemption")
  @Test
  void preemptionPolicyNeverWaits(String ns) {
    sim.priorityClass("low", 100);
    sim.priorityClass("polite", 1000, "Never");
    sim.create("only", "1", "4Gi");
    sim.create(sim.pod(ns, "low", "1").editSpec().withPriorityClassName(sim.group + "-low").endSpec());
    sim.awaitBound(ns, "low");
    sim.create(sim.pod(ns, "polite", "1").editSpec().withPriorityClassName(sim.group + "-polite").endSpec());
    String msg = sim.awaitUnschedulable(ns, "polite");
    assertTrue(msg.endsWith("preemption: not eligible due to preemptionPolicy=Never."), msg);
    assertEquals(null, sim.get(ns, "low").getMetadata().getDeletionTimestamp());
  }

  @Conformance("scheduling.preemption-disruption-condition")
  @Test
  void theVictimHeldByAFinalizerCarriesTheDisruptionTargetCondition(String ns) {
    sim.priorityClass("low", 100);
    sim.priorityClass("high", 1000);
    sim.create("only", "1", "4Gi");
    sim.create(sim.pod(ns, "victim", "1").editMetadata().addToFinalizers("example.com/test-finalizer")
        .endMetadata().editSpec().withPriorityClassName(sim.group + "-low").endSpec());
    sim.awaitBound(ns, "victim");
    try {
      sim.create(sim.pod(ns, "preemptor", "1").editSpec().withPriorityClassName(sim.group + "-high").endSpec());
      Await.until(Duration.ofSeconds(60), "the victim terminating with a DisruptionTarget condition", () -> {
        Pod victim = sim.get(ns, "victim");
        return victim.getMetadata().getDeletionTimestamp() != null && victim.getStatus().getConditions().stream()
            .anyMatch(c -> "DisruptionTarget".equals(c.getType()) && "True".equals(c.getStatus())
                && "PreemptionByScheduler".equals(c.getReason()));
      });
    } finally {
      sim.client.pods().inNamespace(ns).withName("victim").patch(
          io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
              io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
    }
    assertEquals(sim.name("only"), sim.awaitBound(ns, "preemptor"));
  }

  @Conformance("scheduling.preemption-by-critical-pod")
  @Test
  void aCriticalPodPreemptsTheLowestPriorityPod(String ns) {
    sim.priorityClass("low", 100);
    sim.priorityClass("medium", 1000);
    sim.create("only", "2", "4Gi");
    sim.create(sim.pod(ns, "low", "1").editSpec().withPriorityClassName(sim.group + "-low").endSpec());
    sim.create(sim.pod(ns, "medium", "1").editSpec().withPriorityClassName(sim.group + "-medium").endSpec());
    sim.awaitBound(ns, "low");
    sim.awaitBound(ns, "medium");

    String critical = "critical-" + sim.group;
    sim.create(sim.pod("kube-system", critical, "1").editSpec().withPriorityClassName("system-cluster-critical")
        .endSpec());
    Await.until(Duration.ofSeconds(60), "the low-priority pod preempted", () -> {
      Pod low = sim.get(ns, "low");
      return low == null || low.getMetadata().getDeletionTimestamp() != null;
    });
    // The "kubelet" confirms the deletion.
    sim.client.pods().inNamespace(ns).withName("low").withGracePeriod(0).delete();
    assertEquals(sim.name("only"), sim.awaitBound("kube-system", critical));
    assertEquals(2000000000, sim.get("kube-system", critical).getSpec().getPriority());
    assertEquals(null, sim.get(ns, "medium").getMetadata().getDeletionTimestamp(), "the medium pod stays");
  }
}

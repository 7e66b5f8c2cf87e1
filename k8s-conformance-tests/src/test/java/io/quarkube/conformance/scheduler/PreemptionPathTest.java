package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.controllers.FakeKubelet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's PreemptionExecutionPath: a node advertises 1000 of a fake extended resource; ReplicaSets of priority
 * 1, 2 and 3 fill 950 of it, then a priority-4 pod asking 500 preempts the two lowest (their sum frees just enough,
 * the priority-3 pod is reprieved). Each preempted pod is replaced once by its ReplicaSet and the replacement stays
 * pending: a pod watch counts every pod each ReplicaSet created, which must be exactly 2, 2 and 1 (more would mean
 * over-preemption). The node is simulated, so the test plays the kubelet: it marks pods Ready and confirms the
 * deletion of the victims.
 */
@ExtendWith(TestNamespace.class)
class PreemptionPathTest {
  private static final String FAKECPU = "example.com/fakecpu";

  private final SimNodes sim = new SimNodes();

  @AfterEach
  void cleanUp() {
    sim.close();
  }

  @Conformance("scheduling.preemption-execution-path")
  @Test
  void replicaSetsOfRisingPriorityArePreemptedOnlyAsFarAsNeeded(String ns) {
    sim.create("only", "4", "8Gi");
    String node = sim.name("only");
    // As upstream, the fake resource goes into the node's status through the status subresource; the kubelet would
    // copy it into allocatable, which the simulated node's test does here.
    sim.client.nodes().withName(node).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"status\":{\"capacity\":{\"" + FAKECPU + "\":\"1000\"},\"allocatable\":{\"" + FAKECPU + "\":\"1000\"}}}");
    for (int i = 1; i <= 4; i++) {
      sim.priorityClass("p" + i, i);
    }
    AtomicIntegerArray seen = new AtomicIntegerArray(3);
    SharedIndexInformer<Pod> informer = sim.client.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod p) {
        for (int i = 0; i < 3; i++) {
          if (p.getMetadata().getName().startsWith("rs-pod" + (i + 1))) {
            seen.incrementAndGet(i);
          }
        }
      }

      @Override
      public void onUpdate(Pod oldPod, Pod newPod) {}

      @Override
      public void onDelete(Pod p, boolean unknownFinalState) {}
    });
    try {
      int[] requests = {200, 300, 450};
      for (int i = 1; i <= 3; i++) {
        String name = "pod" + i;
        sim.client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata()
            .withName("rs-" + name).endMetadata().withNewSpec().withReplicas(1).withNewSelector()
            .addToMatchLabels("name", name).endSelector().withNewTemplate().withNewMetadata()
            .addToLabels("name", name).endMetadata().withSpec(spec(ns, node, "p" + i, requests[i - 1]))
            .endTemplate().endSpec().build()).create();
        int rs = i;
        Await.until(Duration.ofSeconds(60), "rs-" + name + " has 1 available replica", () -> {
          FakeKubelet.markReady(sim.client, ns, p -> p.getSpec().getNodeName() != null);
          var r = sim.client.apps().replicaSets().inNamespace(ns).withName("rs-pod" + rs).get();
          return r.getStatus() != null && Integer.valueOf(1).equals(r.getStatus().getAvailableReplicas());
        });
      }

      sim.create(sim.pod(ns, "pod4", null).editMetadata().addToLabels("name", "pod4").endMetadata()
          .withSpec(spec(ns, node, "p4", 500)));
      // Upstream waits for the preemptor's spec.nodeName; the kubelet's part (confirming the victims' deletion,
      // readiness of the replacements) is played meanwhile.
      Await.until(Duration.ofSeconds(90), "pod4 bound after preempting", () -> {
        playKubelet(ns);
        return node.equals(sim.nodeOf(ns, "pod4"));
      });

      int[] expected = {2, 2, 1};
      Await.until(Duration.ofSeconds(60), "pod creations per ReplicaSet reach 2, 2, 1", () -> {
        playKubelet(ns);
        for (int i = 0; i < 3; i++) {
          if (seen.get(i) > expected[i]) {
            throw new AssertionError("rs-pod" + (i + 1) + " created more than " + expected[i] + " pods: " + seen);
          }
        }
        return seen.get(0) == 2 && seen.get(1) == 2 && seen.get(2) == 1;
      });
      // Upstream then watches 5 s for further preemptions. Here the state is stable once both replacements were
      // tried and found no victim (pod4 and pod3 outrank them): they are Unschedulable, nothing more is evicted.
      for (String rs : new String[] {"pod1", "pod2"}) {
        Await.until(Duration.ofSeconds(60), "the replacement of rs-" + rs + " unschedulable", () ->
            sim.client.pods().inNamespace(ns).withLabel("name", rs).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).anyMatch(p ->
                    p.getSpec().getNodeName() == null && p.getStatus() != null && p.getStatus().getConditions()
                        .stream().anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                            && "Unschedulable".equals(c.getReason()))));
      }
      assertArrayEquals(expected, new int[] {seen.get(0), seen.get(1), seen.get(2)}, "pods created per ReplicaSet");
      assertEquals(node, sim.nodeOf(ns, sim.client.pods().inNamespace(ns).withLabel("name", "pod3").list()
          .getItems().get(0).getMetadata().getName()), "pod3 was reprieved");
    } finally {
      informer.close();
      // No kubelet will confirm graceful deletions on the simulated node: the ReplicaSets go, their pods are forced.
      sim.client.apps().replicaSets().inNamespace(ns).delete();
      sim.client.pods().inNamespace(ns).withGracePeriod(0).delete();
    }
  }

  /** A pause pod's spec on the node (by hostname, as upstream) with priority class and fake-resource request. */
  private PodSpec spec(String ns, String node, String priorityClass, int fakecpu) {
    Map<String, Quantity> res = Map.of(FAKECPU, new Quantity(String.valueOf(fakecpu)));
    return sim.pod(ns, "x", null).editSpec().withNodeSelector(Map.of("kubernetes.io/hostname", node))
        .withPriorityClassName(sim.group + "-" + priorityClass).editFirstContainer().withImage("pause")
        .withNewResources().withRequests(res).withLimits(res).endResources().endContainer().endSpec().build()
        .getSpec();
  }

  /** The kubelet's part: bound pods become Ready, and the deletion of preempted pods is confirmed. */
  private void playKubelet(String ns) {
    FakeKubelet.markReady(sim.client, ns, p -> p.getSpec().getNodeName() != null);
    for (Pod p : sim.client.pods().inNamespace(ns).list().getItems()) {
      if (p.getMetadata().getDeletionTimestamp() != null) {
        sim.client.pods().inNamespace(ns).withName(p.getMetadata().getName()).withGracePeriod(0).delete();
      }
    }
  }
}

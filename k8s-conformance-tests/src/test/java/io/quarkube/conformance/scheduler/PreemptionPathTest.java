package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's PreemptionExecutionPath on the cluster's real node: its status capacity gets 1000 of a fake extended
 * resource (the kubelet keeps it and derives allocatable from it, as upstream's does); ReplicaSets of priority 1, 2
 * and 3 fill 950 of it, then a priority-4 pod asking 500 preempts the two lowest (their sum frees just enough, the
 * priority-3 pod is reprieved). Each preempted pod is replaced once by its ReplicaSet and the replacement stays
 * pending: a pod informer counts every pod each ReplicaSet created, which must be exactly 2, 2 and 1 (more would
 * mean over-preemption). The node's capacity is restored afterwards, as upstream's AfterEach does.
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
    String node = realNode();
    try {
      fillAndPreempt(ns, node);
    } finally {
      patchFakeCpu(node, "null");
    }
    Await.until(Duration.ofSeconds(60), "the kubelet drops " + FAKECPU + " from allocatable", () ->
        !sim.client.nodes().withName(node).get().getStatus().getAllocatable().containsKey(FAKECPU));
  }

  private void fillAndPreempt(String ns, String node) {
    patchFakeCpu(node, "\"1000\"");
    Await.until(Duration.ofSeconds(60), "the kubelet makes " + FAKECPU + " allocatable", () -> {
      Map<String, Quantity> alloc = sim.client.nodes().withName(node).get().getStatus().getAllocatable();
      return new Quantity("1000").equals(alloc.get(FAKECPU));
    });
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
            .addToLabels("name", name).endMetadata().withSpec(spec(node, "p" + i, requests[i - 1]))
            .endTemplate().endSpec().build()).create();
        int rs = i;
        Await.until(Duration.ofSeconds(120), "rs-" + name + " has 1 available replica", () -> {
          var r = sim.client.apps().replicaSets().inNamespace(ns).withName("rs-pod" + rs).get();
          return r.getStatus() != null && Integer.valueOf(1).equals(r.getStatus().getAvailableReplicas());
        });
      }

      sim.client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("pod4")
          .addToLabels("name", "pod4").endMetadata().withSpec(spec(node, "p4", 500)).build()).create();
      // Upstream waits for the preemptor's spec.nodeName (the kubelet stops the victims meanwhile).
      Await.until(Duration.ofSeconds(120), "pod4 bound after preempting", () -> node.equals(sim.nodeOf(ns, "pod4")));

      int[] expected = {2, 2, 1};
      Await.until(Duration.ofSeconds(60), "pod creations per ReplicaSet reach 2, 2, 1", () -> {
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
      sim.client.apps().replicaSets().inNamespace(ns).delete();
      sim.client.pods().inNamespace(ns).withGracePeriod(0).delete();
    }
  }

  /** A pod's spec on the node (by hostname, as upstream) with priority class and fake-resource request. */
  private PodSpec spec(String node, String priorityClass, int fakecpu) {
    Map<String, Quantity> res = Map.of(FAKECPU, new Quantity(String.valueOf(fakecpu)));
    return new PodSpecBuilder().withNodeSelector(Map.of("kubernetes.io/hostname", node))
        .withPriorityClassName(sim.group + "-" + priorityClass).withTerminationGracePeriodSeconds(0L)
        .addNewContainer().withName("c").withImage("busybox").withCommand("sleep", "3600").withNewResources()
        .withRequests(res).withLimits(res).endResources().endContainer().build();
  }

  /** The cluster's real node: the Ready one that is not a simulated node of a scheduler test. */
  private String realNode() {
    Node n = sim.client.nodes().withoutLabel(SimNodes.GROUP).list().getItems().stream()
        .filter(x -> x.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus())))
        .findFirst().orElseThrow();
    return n.getMetadata().getLabels().get("kubernetes.io/hostname");
  }

  /** Sets (or with "null" removes) the fake resource in the node's status capacity, as upstream's patchNode. */
  private void patchFakeCpu(String node, String value) {
    sim.client.nodes().withName(node).subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"status\":{\"capacity\":{\"" + FAKECPU + "\":" + value + "}}}");
  }
}

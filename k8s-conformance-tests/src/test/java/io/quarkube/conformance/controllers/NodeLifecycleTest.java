package io.quarkube.conformance.controllers;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A simulated node (a Node and its Lease, no kubelet) whose Lease is never renewed: after the 40 s grace period its
 * conditions go Unknown, it gets the unreachable taints, and its pods are evicted by their tolerationSeconds (the
 * API server's DefaultTolerationSeconds gives 300 s to pods that say nothing).
 */
@Conformance({"node.node-lifecycle"})
@ExtendWith(TestNamespace.class)
class NodeLifecycleTest {
  private final KubernetesClient client = Cluster.client();

  @Test
  void nodeThatStopsRenewingItsLeaseGoesUnknownIsTaintedAndItsPodsAreEvicted(String ns) {
    String name = "e2e-silent-" + UUID.randomUUID().toString().substring(0, 6);
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Map<String, Quantity> alloc = Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"),
        "pods", new Quantity("110"));
    Node node = new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name)
        .endMetadata().withNewSpec().endSpec().withNewStatus().withCapacity(alloc).withAllocatable(alloc)
        .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
        .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition().endStatus().build();
    try {
      Node created = client.nodes().resource(node).create();
      created.setStatus(node.getStatus());
      client.nodes().resource(created).updateStatus();
      client.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder().withNewMetadata().withName(name)
          .withNamespace("kube-node-lease").endMetadata().withNewSpec().withHolderIdentity(name)
          .withLeaseDurationSeconds(40).withRenewTime(Instant.now().atZone(ZoneOffset.UTC)).endSpec().build())
          .create();
      Pod quick = client.pods().inNamespace(ns).resource(pod(ns, "quick", name).editSpec().addNewToleration()
          .withKey("node.kubernetes.io/unreachable").withOperator("Exists").withEffect("NoExecute")
          .withTolerationSeconds(3L).endToleration().endSpec().build()).create();
      client.pods().inNamespace(ns).resource(pod(ns, "patient", name).build()).create();
      Pod patient = client.pods().inNamespace(ns).withName("patient").get();
      assertTrue(patient.getSpec().getTolerations().stream().anyMatch(t -> "node.kubernetes.io/unreachable"
          .equals(t.getKey()) && Long.valueOf(300).equals(t.getTolerationSeconds())),
          "DefaultTolerationSeconds admission: " + patient.getSpec().getTolerations());
      assertEquals(3L, quick.getSpec().getTolerations().stream().filter(t -> "node.kubernetes.io/unreachable"
          .equals(t.getKey())).findFirst().orElseThrow().getTolerationSeconds());

      // 40 s grace + the 5 s monitor period, plus slack for a loaded machine.
      Await.until(Duration.ofSeconds(90), "node Ready=Unknown with the unreachable taints", () -> {
        Node n = client.nodes().withName(name).get();
        List<Taint> taints = n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints();
        return "Unknown".equals(ready(n).getStatus())
            && taints.stream().anyMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable")
                && t.getEffect().equals("NoSchedule"))
            && taints.stream().anyMatch(t -> t.getKey().equals("node.kubernetes.io/unreachable")
                && t.getEffect().equals("NoExecute") && t.getTimeAdded() != null);
      });
      NodeCondition ready = ready(client.nodes().withName(name).get());
      assertEquals("NodeStatusUnknown", ready.getReason());
      assertEquals("Kubelet stopped posting node status.", ready.getMessage());

      Await.until(Duration.ofSeconds(30), "the pod tolerating 3 s is evicted", () -> {
        Pod p = client.pods().inNamespace(ns).withName("quick").get();
        return p == null || p.getMetadata().getDeletionTimestamp() != null;
      });
      Pod stays = client.pods().inNamespace(ns).withName("patient").get();
      assertNull(stays.getMetadata().getDeletionTimestamp(), "300 s have not passed for the other pod");
      assertTrue(stays.getStatus().getConditions() == null || stays.getStatus().getConditions().stream()
          .noneMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    } finally {
      for (String p : List.of("quick", "patient")) {
        client.pods().inNamespace(ns).withName(p).withGracePeriod(0).delete();
      }
      client.leases().inNamespace("kube-node-lease").withName(name).delete();
      client.nodes().withName(name).delete();
    }
  }

  /**
   * The other half: once the real kubelet sees its conditions were set Unknown (as this controller does after a
   * stall), it writes them back within a status period, and the controller lifts the taints it added.
   */
  @Test
  void realNodeMarkedUnknownIsPutRightByItsKubeletAndLosesTheTaints() throws Exception {
    String name = java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
    Node real = client.nodes().withName(name).get();
    String t = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    for (NodeCondition c : real.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        c.setStatus("Unknown");
        c.setReason("NodeStatusUnknown");
        c.setMessage("Kubelet stopped posting node status.");
        c.setLastTransitionTime(t);
      }
    }
    client.nodes().resource(real).updateStatus();
    Await.until(Duration.ofSeconds(60), "the kubelet reports Ready=True again and the taints are gone", () -> {
      Node n = client.nodes().withName(name).get();
      List<Taint> taints = n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints();
      return "True".equals(ready(n).getStatus()) && taints.stream()
          .noneMatch(x -> x.getKey().startsWith("node.kubernetes.io/unreachable"));
    });
  }

  private static PodBuilder pod(String ns, String name, String node) {
    return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata().withNewSpec()
        .withNodeName(node).addNewContainer().withName("c").withImage("busybox").endContainer()
        .withTerminationGracePeriodSeconds(0L).endSpec();
  }

  private static NodeCondition ready(Node n) {
    return n.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
        .orElseThrow();
  }
}

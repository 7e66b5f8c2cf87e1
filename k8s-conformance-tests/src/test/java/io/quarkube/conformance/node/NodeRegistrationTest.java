package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kubelet registers this machine as a Node with upstream's fields and keeps its Lease fresh. */
class NodeRegistrationTest {

  @Conformance("node.registration")
  @Test
  void nodeIsRegisteredAndReady() {
    Await.until(Duration.ofSeconds(60), "node " + RealNode.name() + " registered", () -> RealNode.node() != null);
    Node node = RealNode.node();
    assertEquals(RealNode.name(), node.getMetadata().getLabels().get("kubernetes.io/hostname"));
    assertEquals("linux", node.getMetadata().getLabels().get("kubernetes.io/os"));
    assertEquals("amd64", node.getMetadata().getLabels().get("kubernetes.io/arch"));
    var status = node.getStatus();
    for (String resource : List.of("cpu", "memory", "ephemeral-storage", "pods")) {
      assertNotNull(status.getCapacity().get(resource), "capacity " + resource);
      assertNotNull(status.getAllocatable().get(resource), "allocatable " + resource);
    }
    assertEquals("110", status.getCapacity().get("pods").toString());
    assertTrue(status.getNodeInfo().getContainerRuntimeVersion().startsWith("containerd://1.6"),
        status.getNodeInfo().getContainerRuntimeVersion());
    assertTrue(status.getNodeInfo().getKubeletVersion().startsWith("v1.32"));
    assertEquals("linux", status.getNodeInfo().getOperatingSystem());
    assertTrue(status.getAddresses().stream().anyMatch(a -> a.getType().equals("InternalIP")));
    assertTrue(status.getAddresses().stream().anyMatch(a -> a.getType().equals("Hostname")));
    for (String type : List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")) {
      NodeCondition c = status.getConditions().stream().filter(x -> x.getType().equals(type)).findFirst()
          .orElseThrow(() -> new AssertionError("no condition " + type));
      assertEquals(type.equals("Ready") ? "True" : "False", c.getStatus(), type + ": " + c.getMessage());
      assertNotNull(c.getReason());
    }
    String out = Kubectl.stock().run("get", "node", RealNode.name()).ok().out();
    assertTrue(out.contains("Ready"), out);
  }

  @Conformance("node.registration")
  @Test
  void leaseIsRenewedEveryTenSeconds() {
    Await.until(Duration.ofSeconds(60), "lease kube-node-lease/" + RealNode.name(), () ->
        RealNode.client().leases().inNamespace("kube-node-lease").withName(RealNode.name()).get() != null);
    Lease first = RealNode.client().leases().inNamespace("kube-node-lease").withName(RealNode.name()).get();
    assertEquals(RealNode.name(), first.getSpec().getHolderIdentity());
    assertEquals(40, first.getSpec().getLeaseDurationSeconds());
    ZonedDateTime renewed = first.getSpec().getRenewTime();
    Await.until(Duration.ofSeconds(25), "the lease renewed", () -> {
      Lease now = RealNode.client().leases().inNamespace("kube-node-lease").withName(RealNode.name()).get();
      return now.getSpec().getRenewTime().isAfter(renewed);
    });
  }
}

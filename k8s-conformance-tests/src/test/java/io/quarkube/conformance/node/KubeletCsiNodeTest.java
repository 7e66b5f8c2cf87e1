package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kubelet makes its node's CSINode (as upstream's kubelet does at start): named as the node, owned by it, no
 * drivers, so it goes when the Node goes. The Node authorizer and NodeRestriction let a node touch only its own
 * CSINode.
 */
@ExtendWith(TestNamespace.class)
class KubeletCsiNodeTest {
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  /** A node a kubelet runs (it reports a kubelet version; the scheduler tests' simulated nodes report none). */
  private Node realNode() {
    return client.nodes().list().getItems().stream().filter(n -> n.getStatus() != null
        && n.getStatus().getNodeInfo() != null && n.getStatus().getNodeInfo().getKubeletVersion() != null
        && !n.getStatus().getNodeInfo().getKubeletVersion().isEmpty()).findFirst().orElseThrow();
  }

  @Conformance("node.kubelet-csinode")
  @Test
  void theKubeletsNodeHasItsCsiNode(String ns) {
    Node node = realNode();
    String name = node.getMetadata().getName();
    Await.until(Duration.ofSeconds(60), "the CSINode of " + name,
        () -> client.storage().v1().csiNodes().withName(name).get() != null);
    CSINode csiNode = client.storage().v1().csiNodes().withName(name).get();
    OwnerReference owner = csiNode.getMetadata().getOwnerReferences().get(0);
    assertEquals("v1", owner.getApiVersion());
    assertEquals("Node", owner.getKind());
    assertEquals(name, owner.getName());
    assertEquals(node.getMetadata().getUid(), owner.getUid());
    assertTrue(csiNode.getSpec() == null || csiNode.getSpec().getDrivers() == null
        || csiNode.getSpec().getDrivers().isEmpty(), csiNode.toString());
    assertNotNull(csiNode.getMetadata().getAnnotations().get("storage.alpha.kubernetes.io/migrated-plugins"));
    String row = kubectl.run("get", "csinode", name, "--no-headers").ok().out().strip();
    assertTrue(row.matches(java.util.regex.Pattern.quote(name) + "\\s+0\\s+\\S+"), row);

    // As the node: its own CSINode yes, another node's no (authorizer for updates, NodeRestriction for creates).
    String[] asNode = {"--as", "system:node:" + name, "--as-group", "system:nodes"};
    kubectl.run(concat(new String[] {"get", "csinode", name}, asNode)).ok();
    kubectl.run(concat(new String[] {"annotate", "csinode", name, "e2e.quarkube.io/touched=" + ns, "--overwrite"},
        asNode)).ok();
    kubectl.run("annotate", "csinode", name, "e2e.quarkube.io/touched-").ok();
    String other = "e2e-other-" + ns;
    try {
      kubectl.runWithInput("{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"CSINode\",\"metadata\":{\"name\":\""
          + other + "\"},\"spec\":{\"drivers\":[]}}", "create", "-f", "-").ok();
      Kubectl.Result update = kubectl.run(concat(new String[] {"annotate", "csinode", other, "x=y"}, asNode)).fails();
      assertTrue(update.err().contains("Error from server (Forbidden)"), update.err());
      kubectl.run("delete", "csinode", other).ok();
      Kubectl.Result create = kubectl.runWithInput("{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"CSINode\","
          + "\"metadata\":{\"name\":\"" + other + "\"},\"spec\":{\"drivers\":[]}}",
          concat(new String[] {"create", "-f", "-"}, asNode)).fails();
      assertTrue(create.err().contains("can only access CSINode with the same name as the requesting node"),
          create.err());
    } finally {
      kubectl.run("delete", "csinode", other, "--ignore-not-found");
    }
  }

  @Conformance("node.kubelet-csinode")
  @Test
  void aCsiNodeOwnedByItsNodeGoesWithIt(String ns) {
    String name = "e2e-gone-" + ns;
    Node node = client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
        .withName(name).endMetadata().build()).create();
    try {
      client.storage().v1().csiNodes().resource(new io.fabric8.kubernetes.api.model.storage.CSINodeBuilder()
          .withNewMetadata().withName(name).addNewOwnerReference().withApiVersion("v1").withKind("Node")
          .withName(name).withUid(node.getMetadata().getUid()).endOwnerReference().endMetadata().withNewSpec()
          .endSpec().build()).create();
      client.nodes().withName(name).delete();
      Await.until(Duration.ofSeconds(90), "the garbage collector deleting CSINode " + name,
          () -> client.storage().v1().csiNodes().withName(name).get() == null);
    } finally {
      client.nodes().withName(name).delete();
      client.storage().v1().csiNodes().withName(name).delete();
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

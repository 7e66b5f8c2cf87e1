package io.quarkube.conformance.storage;

import static io.quarkube.conformance.storage.CsiDriverTest.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * storage.k8s.io/v1 CSINodes as upstream's "lifecycle of a csinode" conformance test drives them (create, get,
 * patch, list by label, delete, create again, update, deletecollection), plus validation and kubectl's columns.
 */
@ExtendWith(TestNamespace.class)
class CsiNodeTest {
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  @Conformance("storage.csinode-api")
  @Test
  void csiNodeLifecycle(String ns) {
    var csiNodes = client.storage().v1().csiNodes();
    String name = "e2e-csinode-" + ns;
    String label = "e2e-" + ns;
    try {
      csiNodes.resource(new CSINodeBuilder().withNewMetadata().withName(name).addToLabels("e2e", label)
          .endMetadata().withNewSpec().addNewDriver().withName("csi.example.com").withNodeID(name)
          .withNewAllocatable().withCount(3).endAllocatable().withTopologyKeys("topology.example.com/zone")
          .endDriver().endSpec().build()).create();
      assertEquals(name, csiNodes.withName(name).get().getMetadata().getName());
      CSINode patched = csiNodes.withName(name).edit(c -> new CSINodeBuilder(c).editMetadata()
          .addToLabels(name, "patched").endMetadata().build());
      assertEquals("patched", patched.getMetadata().getLabels().get(name));
      assertEquals(1, csiNodes.withLabel("e2e", label).list().getItems().size());

      List<String> lines = kubectl.run("get", "csinodes", name).ok().out().lines().toList();
      assertEquals(List.of("NAME", "DRIVERS", "AGE"), words(lines.get(0)));
      assertEquals(List.of(name, "1"), words(lines.get(1)).subList(0, 2));

      // a driver entry never changes, and names are unique
      Kubectl.Result changed = kubectl.run("patch", "csinode", name, "--type=json", "-p",
          "[{\"op\":\"replace\",\"path\":\"/spec/drivers/0/allocatable/count\",\"value\":5}]").fails();
      assertTrue(changed.err().contains("spec.drivers: Invalid value") && changed.err().contains("field is immutable"),
          changed.err());
      Kubectl.Result duplicate = kubectl.run("patch", "csinode", name, "--type=json", "-p",
          "[{\"op\":\"add\",\"path\":\"/spec/drivers/-\",\"value\":{\"name\":\"csi.example.com\",\"nodeID\":\"x\"}}]")
          .fails();
      assertTrue(duplicate.err().contains("spec.drivers[1].name: Duplicate value: \"csi.example.com\""),
          duplicate.err());

      csiNodes.withName(name).delete();
      assertEquals(null, csiNodes.withName(name).get());
      csiNodes.resource(new CSINodeBuilder().withNewMetadata().withName(name).addToLabels("e2e", label)
          .endMetadata().withNewSpec().endSpec().build()).create();
      CSINode again = csiNodes.withName(name).get();
      again.getMetadata().getLabels().put(name, "updated");
      assertEquals("updated", csiNodes.resource(again).update().getMetadata().getLabels().get(name));
      csiNodes.withLabel("e2e", label).delete();
      assertEquals(List.of(), csiNodes.withLabel("e2e", label).list().getItems());
    } finally {
      csiNodes.withName(name).delete();
    }
  }
}

package io.quarkube.conformance.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.CSIDriverBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * storage.k8s.io/v1 CSIDrivers as upstream's "lifecycle of a CSIDriver" conformance test drives them (create two,
 * patch, update, list by label, delete one, deletecollection the other), plus upstream's defaults, the immutable
 * attachRequired and kubectl's columns.
 */
@ExtendWith(TestNamespace.class)
class CsiDriverTest {
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  static List<String> words(String line) {
    return Arrays.asList(line.trim().split("\\s+"));
  }

  @Conformance("storage.csidriver-api")
  @Test
  void csiDriverLifecycle(String ns) {
    String label = "e2e-" + ns;
    var drivers = client.storage().v1().csiDrivers();
    String first = ns + "-1.csi.example.com";
    String second = ns + "-2.csi.example.com";
    try {
      CSIDriver created = drivers.resource(new CSIDriverBuilder().withNewMetadata().withName(first)
          .addToLabels("e2e-test", label).endMetadata().withNewSpec().endSpec().build()).create();
      // upstream's v1 defaults
      assertEquals(true, created.getSpec().getAttachRequired());
      assertEquals(false, created.getSpec().getPodInfoOnMount());
      assertEquals(false, created.getSpec().getStorageCapacity());
      assertEquals(false, created.getSpec().getRequiresRepublish());
      assertEquals(false, created.getSpec().getSeLinuxMount());
      assertEquals("ReadWriteOnceWithFSType", created.getSpec().getFsGroupPolicy());
      assertEquals(List.of("Persistent"), created.getSpec().getVolumeLifecycleModes());
      assertEquals(1L, created.getMetadata().getGeneration());
      drivers.resource(new CSIDriverBuilder().withNewMetadata().withName(second).addToLabels("e2e-test", label)
          .endMetadata().withNewSpec().withAttachRequired(false).withPodInfoOnMount(true)
          .withVolumeLifecycleModes("Persistent", "Ephemeral").addNewTokenRequest().withAudience("vault")
          .endTokenRequest().endSpec().build()).create();

      CSIDriver patched = drivers.withName(first).edit(d -> new CSIDriverBuilder(d).editMetadata()
          .addToLabels(first, "patched").endMetadata().build());
      assertEquals("patched", patched.getMetadata().getLabels().get(first));
      CSIDriver got = drivers.withName(first).get();
      got.getMetadata().getLabels().put(first, "updated");
      got.getSpec().setPodInfoOnMount(true); // mutable since 1.2x: bumps the generation
      CSIDriver updated = drivers.resource(got).update();
      assertEquals("updated", updated.getMetadata().getLabels().get(first));
      assertEquals(2L, updated.getMetadata().getGeneration());
      assertEquals(2, drivers.withLabel("e2e-test", label).list().getItems().size());

      List<String> lines = kubectl.run("get", "csidrivers", first, second).ok().out().lines().toList();
      assertEquals(List.of("NAME", "ATTACHREQUIRED", "PODINFOONMOUNT", "STORAGECAPACITY", "TOKENREQUESTS",
          "REQUIRESREPUBLISH", "MODES", "AGE"), words(lines.get(0)));
      assertEquals(List.of(first, "true", "true", "false", "<unset>", "false", "Persistent"),
          words(lines.get(1)).subList(0, 7));
      assertEquals(List.of(second, "false", "true", "false", "vault", "false", "Persistent,Ephemeral"),
          words(lines.get(2)).subList(0, 7));

      Kubectl.Result immutable = kubectl.run("patch", "csidriver", first, "--type=merge", "-p",
          "{\"spec\":{\"attachRequired\":false}}").fails();
      assertTrue(immutable.err().contains("spec.attachedRequired: Invalid value: false: field is immutable"),
          immutable.err());
      Kubectl.Result badPolicy = kubectl.runWithInput("""
          apiVersion: storage.k8s.io/v1
          kind: CSIDriver
          metadata: {name: bad-%s.csi.example.com}
          spec: {fsGroupPolicy: Sometimes}
          """.formatted(ns), "create", "-f", "-").fails();
      assertTrue(badPolicy.err().contains("spec.fsGroupPolicy: Unsupported value: \"Sometimes\": supported values: "
          + "\"File\", \"None\", \"ReadWriteOnceWithFSType\""), badPolicy.err());
      String explain = kubectl.run("explain", "csidriver.spec.attachRequired").ok().out();
      assertTrue(explain.contains("CSIDriver") && explain.contains("attachRequired"), explain);

      drivers.withName(first).delete();
      assertEquals(null, drivers.withName(first).get());
      drivers.withLabel("e2e-test", label).delete();
      assertEquals(List.of(), drivers.withLabel("e2e-test", label).list().getItems());
    } finally {
      drivers.withName(first).delete();
      drivers.withName(second).delete();
    }
  }
}

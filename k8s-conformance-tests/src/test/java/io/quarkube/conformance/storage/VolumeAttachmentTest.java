package io.quarkube.conformance.storage;

import static io.quarkube.conformance.storage.CsiDriverTest.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * storage.k8s.io/v1 VolumeAttachments as upstream's two VolumeAttachment conformance tests drive them: the lifecycle
 * (create, get, patch, list by label, delete, update, deletecollection) and the status subresource (read attached
 * false, patch to true, update to false); the spec is read-only and the main resource does not write the status.
 */
@ExtendWith(TestNamespace.class)
class VolumeAttachmentTest {
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private static VolumeAttachment va(String name, String label, String node) {
    return new VolumeAttachmentBuilder().withNewMetadata().withName(name).addToLabels("e2e", label).endMetadata()
        .withNewSpec().withAttacher("csi.example.com").withNodeName(node).withNewSource()
        .withPersistentVolumeName("pv-" + name).endSource().endSpec().build();
  }

  @Conformance("storage.volumeattachment-api")
  @Test
  void volumeAttachmentLifecycle(String ns) {
    var vas = client.storage().v1().volumeAttachments();
    String label = "e2e-" + ns;
    String first = "va-" + ns + "-1";
    String second = "va-" + ns + "-2";
    String third = "va-" + ns + "-3";
    try {
      vas.resource(va(first, label, "e2e-node-a")).create();
      assertEquals(first, vas.withName(first).get().getMetadata().getName());
      VolumeAttachment patched = vas.withName(first).edit(v -> new VolumeAttachmentBuilder(v).editMetadata()
          .addToLabels(first, "patched").endMetadata().build());
      assertEquals("patched", patched.getMetadata().getLabels().get(first));
      assertEquals(1, vas.withLabel(first, "patched").list().getItems().size());

      List<String> lines = kubectl.run("get", "volumeattachments", first).ok().out().lines().toList();
      assertEquals(List.of("NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE"), words(lines.get(0)));
      assertEquals(List.of(first, "csi.example.com", "pv-" + first, "e2e-node-a", "false"),
          words(lines.get(1)).subList(0, 5));
      // all four new kinds in one kubectl get
      String all = kubectl.run("get", "csinodes,csidrivers,volumeattachments").ok().out();
      assertTrue(all.contains("volumeattachment.storage.k8s.io/" + first), all);

      Kubectl.Result immutable = kubectl.run("patch", "volumeattachment", first, "--type=merge", "-p",
          "{\"spec\":{\"nodeName\":\"e2e-node-b\"}}").fails();
      assertTrue(immutable.err().contains("spec: Invalid value") && immutable.err().contains("field is immutable"),
          immutable.err());
      vas.withName(first).delete();
      assertEquals(null, vas.withName(first).get());

      vas.resource(va(second, label, "e2e-node-a")).create();
      VolumeAttachment got = vas.withName(second).get();
      got.getMetadata().getLabels().put(second, "updated");
      assertEquals("updated", vas.resource(got).update().getMetadata().getLabels().get(second));
      vas.resource(va(third, label, "e2e-node-b")).create();
      got = vas.withName(third).get();
      got.getMetadata().getLabels().put(third, "updated");
      assertEquals("updated", vas.resource(got).update().getMetadata().getLabels().get(third));
      vas.withLabel("e2e", label).delete();
      assertEquals(List.of(), vas.withLabel("e2e", label).list().getItems());
    } finally {
      for (String n : List.of(first, second, third)) {
        vas.withName(n).delete();
      }
    }
  }

  @Conformance("storage.volumeattachment-api")
  @Test
  void volumeAttachmentStatusIsWrittenThroughItsSubresource(String ns) {
    var vas = client.storage().v1().volumeAttachments();
    String name = "va-status-" + ns;
    try {
      // a status sent with the create is reset
      VolumeAttachment withStatus = va(name, "e2e-" + ns, "e2e-node-a");
      withStatus.setStatus(new io.fabric8.kubernetes.api.model.storage.VolumeAttachmentStatusBuilder()
          .withAttached(true).build());
      vas.resource(withStatus).create();
      assertEquals(false, vas.withName(name).get().getStatus().getAttached());
      String status = kubectl.run("get", "volumeattachment", name, "--subresource=status", "-o",
          "jsonpath={.status.attached}").ok().out();
      assertEquals("false", status);

      kubectl.run("patch", "volumeattachment", name, "--subresource=status", "--type=merge", "-p",
          "{\"status\":{\"attached\":true,\"attachmentMetadata\":{\"devicePath\":\"/dev/e2e\"}}}").ok();
      VolumeAttachment attached = vas.withName(name).get();
      assertEquals(true, attached.getStatus().getAttached());
      assertEquals("/dev/e2e", attached.getStatus().getAttachmentMetadata().get("devicePath"));
      List<String> lines = kubectl.run("get", "volumeattachments", name).ok().out().lines().toList();
      assertEquals("true", words(lines.get(1)).get(4));

      attached.getStatus().setAttached(false);
      assertEquals(false, vas.resource(attached).updateStatus().getStatus().getAttached());
      // the main resource does not write the status
      VolumeAttachment again = vas.withName(name).get();
      again.getStatus().setAttached(true);
      again.getMetadata().setLabels(java.util.Map.of("touched", "yes"));
      VolumeAttachment mainUpdate = vas.resource(again).update();
      assertEquals(false, mainUpdate.getStatus().getAttached());
      assertEquals("yes", mainUpdate.getMetadata().getLabels().get("touched"));
      vas.withName(name).delete();
      assertEquals(null, vas.withName(name).get());
    } finally {
      vas.withName(name).delete();
    }
  }
}

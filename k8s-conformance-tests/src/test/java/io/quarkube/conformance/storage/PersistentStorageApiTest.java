package io.quarkube.conformance.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The storage API objects through upstream's sig-storage API conformance tests: StorageClass lifecycle, PV and PVC
 * lifecycle and status, and a pod with a CSI inline volume (which need not run: no such driver exists).
 */
@ExtendWith(TestNamespace.class)
class PersistentStorageApiTest {
  private final KubernetesClient client = Cluster.client();

  @Conformance("storage.storageclass-api")
  @Test
  void storageClassLifecycle(String ns) {
    var classes = client.storage().v1().storageClasses();
    StorageClass template = new StorageClassBuilder().withNewMetadata().withGenerateName("e2e-").endMetadata()
        .withProvisioner("e2e-fake-provisioner").build();
    StorageClass created = classes.resource(template).create();
    String name = created.getMetadata().getName();
    String replacement = null;
    try {
      assertEquals(name, classes.withName(name).get().getMetadata().getName());
      StorageClass patched = classes.withName(name).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"metadata\":{\"labels\":{\"" + name + "\":\"patched\"}}}");
      assertEquals("patched", patched.getMetadata().getLabels().get(name));
      classes.withName(name).delete();
      Await.until(Duration.ofSeconds(30), "the StorageClass deleted", () -> classes.withName(name).get() == null);

      StorageClass second = classes.resource(template).create();
      replacement = second.getMetadata().getName();
      String other = replacement;
      StorageClass updated = Conflicts.retry(() -> {
        StorageClass current = classes.withName(other).get();
        current.getMetadata().setLabels(new java.util.HashMap<>(java.util.Map.of(other, "updated")));
        return classes.resource(current).update();
      });
      assertEquals("updated", updated.getMetadata().getLabels().get(other));
      assertEquals(1, classes.withLabel(other, "updated").list().getItems().size());
      classes.withLabel(other, "updated").delete();
      Await.until(Duration.ofSeconds(30), "the StorageClass deleted by collection",
          () -> classes.withLabel(other, "updated").list().getItems().isEmpty());
    } finally {
      classes.withName(name).delete();
      if (replacement != null) {
        classes.withName(replacement).delete();
      }
    }
  }

  private static PersistentVolume pv(String name, String ns) {
    return new PersistentVolumeBuilder().withNewMetadata().withName(name).addToLabels("e2e-pv-pool", ns)
        .endMetadata().withNewSpec().withStorageClassName("manual").withAccessModes("ReadWriteOnce")
        .addToCapacity("storage", new Quantity("3Gi")).withPersistentVolumeReclaimPolicy("Retain")
        .withNewCsi().withDriver("e2e-driver-" + ns).withVolumeHandle("e2e-conformance").endCsi().endSpec().build();
  }

  private static PersistentVolumeClaim pvc(String name, String ns, String volume) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).addToLabels("e2e-pv-pool", ns)
        .endMetadata().withNewSpec().withStorageClassName("manual").withAccessModes("ReadWriteOnce")
        .withVolumeName(volume).withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
        .endSpec().build();
  }

  @Conformance("storage.pv-pvc-api")
  @Test
  void persistentVolumeAndClaimLifecycle(String ns) {
    var pvs = client.persistentVolumes();
    var pvcs = client.persistentVolumeClaims().inNamespace(ns);
    String pvName = "pv-" + ns;
    String pvcName = "pvc-" + ns.substring(ns.length() - 6);
    try {
      pvs.resource(pv(pvName, ns)).create();
      pvcs.resource(pvc(pvcName, ns, pvName)).create();
      assertEquals(1, pvs.withLabel("e2e-pv-pool", ns).list().getItems().size());
      assertEquals(1, pvcs.list().getItems().size());

      PersistentVolume patchedPv = pvs.withName(pvName).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"metadata\":{\"labels\":{\"" + pvName + "\":\"patched\"}}}");
      assertEquals("patched", patchedPv.getMetadata().getLabels().get(pvName));
      PersistentVolumeClaim patchedPvc = pvcs.withName(pvcName).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"metadata\":{\"labels\":{\"" + pvcName + "\":\"patched\"}}}");
      assertEquals("patched", patchedPvc.getMetadata().getLabels().get(pvcName));
      assertEquals("patched", pvs.withName(pvName).get().getMetadata().getLabels().get(pvName));
      assertEquals("patched", pvcs.withName(pvcName).get().getMetadata().getLabels().get(pvcName));

      pvcs.withName(pvcName).delete();
      Await.until(Duration.ofSeconds(60), "the claim deleted", () -> pvcs.withName(pvcName).get() == null);
      pvs.withName(pvName).delete();
      Await.until(Duration.ofSeconds(60), "the volume deleted", () -> pvs.withName(pvName).get() == null);

      // a second pair, updated (PUT, retried on conflicts with the binder) and deleted by collection
      pvs.resource(pv(pvName, ns)).create();
      pvcs.resource(pvc(pvcName, ns, pvName)).create();
      PersistentVolume updatedPv = Conflicts.retry(() -> {
        PersistentVolume current = pvs.withName(pvName).get();
        current.getMetadata().getLabels().put(pvName, "updated");
        return pvs.resource(current).update();
      });
      assertEquals("updated", updatedPv.getMetadata().getLabels().get(pvName));
      PersistentVolumeClaim updatedPvc = Conflicts.retry(() -> {
        PersistentVolumeClaim current = pvcs.withName(pvcName).get();
        current.getMetadata().getLabels().put(pvcName, "updated");
        return pvcs.resource(current).update();
      });
      assertEquals("updated", updatedPvc.getMetadata().getLabels().get(pvcName));
      assertEquals(1, pvcs.withLabel(pvcName, "updated").list().getItems().size());
      pvcs.withLabel(pvcName, "updated").delete();
      Await.until(Duration.ofSeconds(60), "the claims deleted by collection",
          () -> pvcs.withLabel(pvcName, "updated").list().getItems().isEmpty());
      pvs.withLabel(pvName, "updated").delete();
      Await.until(Duration.ofSeconds(60), "the volumes deleted by collection",
          () -> pvs.withLabel(pvName, "updated").list().getItems().isEmpty());
    } finally {
      pvs.withName(pvName).delete();
    }
  }

  @Conformance("storage.pv-pvc-status")
  @Test
  void persistentVolumeAndClaimStatus(String ns) {
    var pvs = client.persistentVolumes();
    var pvcs = client.persistentVolumeClaims().inNamespace(ns);
    String pvName = "pv-" + ns;
    String pvcName = "pvc-" + ns.substring(ns.length() - 6);
    try {
      PersistentVolume pv = pvs.resource(pv(pvName, ns)).create();
      PersistentVolumeClaim pvc = pvcs.resource(pvc(pvcName, ns, pvName)).create();
      assertEquals(pv.getMetadata().getUid(), Api.get("/api/v1/persistentvolumes/" + pvName + "/status",
          "application/json").json().path("metadata").path("uid").asText());
      assertEquals(pvc.getMetadata().getUid(), Api.get("/api/v1/namespaces/" + ns + "/persistentvolumeclaims/"
          + pvcName + "/status", "application/json").json().path("metadata").path("uid").asText());

      PersistentVolume patchedPv = pvs.withName(pvName).subresource("status").patch(
          PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"status\":{\"message\":\"StatusPatched\",\"reason\":\"E2E patchedStatus\"}}");
      assertEquals("StatusPatched", patchedPv.getStatus().getMessage());
      assertEquals("E2E patchedStatus", patchedPv.getStatus().getReason());
      PersistentVolumeClaim patchedPvc = pvcs.withName(pvcName).subresource("status").patch(
          PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"status\":{\"conditions\":[{\"type\":\"StatusPatched\","
              + "\"status\":\"True\",\"reason\":\"E2E patchedStatus\",\"message\":\"Set from e2e test\"}]}}");
      assertTrue(patchedPvc.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("StatusPatched")
          && c.getReason().equals("E2E patchedStatus")), patchedPvc.getStatus().toString());

      PersistentVolume updatedPv = Conflicts.retry(() -> {
        PersistentVolume current = pvs.withName(pvName).get();
        current.getStatus().setMessage("StatusUpdated");
        current.getStatus().setReason("E2E updateStatus");
        return pvs.resource(current).updateStatus();
      });
      assertEquals("StatusUpdated", updatedPv.getStatus().getMessage());
      assertEquals("E2E updateStatus", updatedPv.getStatus().getReason());
      PersistentVolumeClaim updatedPvc = Conflicts.retry(() -> {
        PersistentVolumeClaim current = pvcs.withName(pvcName).get();
        current.getStatus().getConditions().add(new PersistentVolumeClaimConditionBuilder().withType("StatusUpdated")
            .withStatus("True").withReason("E2E updateStatus").withMessage("Set from e2e test").build());
        return pvcs.resource(current).updateStatus();
      });
      assertTrue(updatedPvc.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("StatusUpdated")
          && c.getReason().equals("E2E updateStatus")), updatedPvc.getStatus().toString());
    } finally {
      pvcs.withName(pvcName).delete();
      pvs.withName(pvName).delete();
    }
  }

  @Conformance("storage.csi-inline-pod-api")
  @Test
  void podWithCsiInlineVolumes(String ns) {
    var pods = client.pods().inNamespace(ns);
    String name = "pod-csi-inline-volumes";
    Pod pod = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .addNewVolume().withName("csi-inline-vol1").withNewCsi().withDriver("e2e.example.com").endCsi().endVolume()
        .addNewVolume().withName("csi-inline-vol2").withNewCsi().withDriver("e2e.example.com").withFsType("ext4")
        .withReadOnly(true).endCsi().endVolume()
        .addNewContainer().withName(name).withImage("busybox").withCommand("sh", "-c", "ls /mnt/*")
        .addNewVolumeMount().withName("csi-inline-vol1").withMountPath("/mnt/vol1").endVolumeMount()
        .addNewVolumeMount().withName("csi-inline-vol2").withMountPath("/mnt/vol2").endVolumeMount()
        .endContainer().endSpec().build();
    Pod created = pods.resource(pod).create();
    KubernetesClientException again = assertThrows(KubernetesClientException.class,
        () -> pods.resource(pod).create());
    assertEquals(409, again.getCode());
    Pod read = pods.withName(name).get();
    assertEquals(created.getMetadata().getUid(), read.getMetadata().getUid());
    assertEquals("ext4", read.getSpec().getVolumes().get(1).getCsi().getFsType());
    assertEquals(1, pods.list().getItems().size());
    Pod patched = pods.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"patched\":\"true\"}}}");
    assertEquals("true", patched.getMetadata().getAnnotations().get("patched"));
    pods.withName(name).delete();
    Pod deleting = pods.withName(name).get();
    assertTrue(deleting == null || deleting.getMetadata().getDeletionTimestamp() != null, String.valueOf(deleting));
  }
}

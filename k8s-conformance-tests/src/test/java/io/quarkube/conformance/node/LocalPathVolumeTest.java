package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built-in local-path provisioner: a claim without a class gets the default class {@code local-path}
 * (DefaultStorageClass admission), waits for its first consumer, and is bound to a hostPath PV on the node the
 * scheduler chose; a real pod on the real node writes into it and the file is in the node's state folder.
 */
@ExtendWith(TestNamespace.class)
class LocalPathVolumeTest {
  private final KubernetesClient client = RealNode.client();

  @Test
  void claimIsProvisionedOnTheNodeAndAPodWritesToIt(String ns) throws Exception {
    Await.until(Duration.ofSeconds(30), "the default StorageClass local-path",
        () -> client.storage().v1().storageClasses().withName("local-path").get() != null);
    client.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder().withNewMetadata()
        .withName("data").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .addToRequests("storage", new Quantity("64Mi")).endResources().endSpec().build()).create();
    PersistentVolumeClaim pending = client.persistentVolumeClaims().inNamespace(ns).withName("data").get();
    assertEquals("local-path", pending.getSpec().getStorageClassName());

    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("writer").endMetadata()
        .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main").withImage("busybox")
        .withCommand("sh", "-c", "echo hello-volume > /data/out.txt && cat /data/out.txt").addNewVolumeMount()
        .withName("d").withMountPath("/data").endVolumeMount().endContainer().addNewVolume().withName("d")
        .withNewPersistentVolumeClaim().withClaimName("data").endPersistentVolumeClaim().endVolume().endSpec()
        .build()).create();
    Await.until(Duration.ofSeconds(60), "claim Bound", () -> "Bound".equals(client.persistentVolumeClaims()
        .inNamespace(ns).withName("data").get().getStatus().getPhase()));
    RealNode.awaitPhase(ns, "writer", "Succeeded", Duration.ofSeconds(120));

    PersistentVolumeClaim bound = client.persistentVolumeClaims().inNamespace(ns).withName("data").get();
    PersistentVolume pv = client.persistentVolumes().withName(bound.getSpec().getVolumeName()).get();
    assertEquals("Bound", pv.getStatus().getPhase());
    assertEquals(bound.getMetadata().getUid(), pv.getSpec().getClaimRef().getUid());
    assertEquals(RealNode.name(), pv.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms().get(0)
        .getMatchExpressions().get(0).getValues().get(0));
    Path folder = Path.of(pv.getSpec().getHostPath().getPath());
    assertTrue(folder.startsWith(RealNode.stateDir()), folder + " under the cluster's state folder");
    assertEquals("hello-volume", Files.readString(folder.resolve("out.txt"), StandardCharsets.UTF_8).trim());

    // Deleting the pod and the claim releases the volume; reclaim policy Delete removes the PV.
    client.pods().inNamespace(ns).withName("writer").delete();
    Await.until(Duration.ofSeconds(60), "pod gone", () -> RealNode.pod(ns, "writer") == null);
    client.persistentVolumeClaims().inNamespace(ns).withName("data").delete();
    Await.until(Duration.ofSeconds(60), "provisioned PV deleted",
        () -> client.persistentVolumes().withName(pv.getMetadata().getName()).get() == null);
  }
}

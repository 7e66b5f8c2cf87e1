package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A StatefulSet on the real node, out of the box: three pods made in order, each with a claim of its own that the
 * local-path provisioner binds (WaitForFirstConsumer: after the scheduler picked the node), each pod writing its
 * identity into its own volume.
 */
@Conformance({"apps.statefulset-scaling"})
@ExtendWith(TestNamespace.class)
class StatefulSetVolumesTest {
  private final KubernetesClient client = RealNode.client();

  @Test
  void threeOrderedPodsWithTheirOwnBoundClaims(String ns) {
    Map<String, String> labels = Map.of("app", "db");
    client.apps().statefulSets().inNamespace(ns).resource(new StatefulSetBuilder().withNewMetadata().withName("db")
        .endMetadata().withNewSpec().withReplicas(3).withServiceName("db").withNewSelector().withMatchLabels(labels)
        .endSelector().withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withNewSpec()
        .withTerminationGracePeriodSeconds(1L).withNodeSelector(Map.of("kubernetes.io/hostname", RealNode.name()))
        .addNewContainer().withName("main").withImage("busybox")
        .withCommand("sh", "-c", "hostname > /data/id; sleep 3600").addNewVolumeMount().withName("data")
        .withMountPath("/data").endVolumeMount().endContainer().endSpec().endTemplate()
        .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata().withNewSpec()
        .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("16Mi"))
        .endResources().endSpec().endVolumeClaimTemplate().endSpec().build()).create();

    Await.until(Duration.ofSeconds(180), "db-0..2 Running and Ready", () -> {
      var set = client.apps().statefulSets().inNamespace(ns).withName("db").get();
      return set.getStatus() != null && Integer.valueOf(3).equals(set.getStatus().getReadyReplicas());
    });
    Set<String> volumes = new HashSet<>();
    Instant previous = Instant.MIN;
    for (int i = 0; i < 3; i++) {
      Pod pod = RealNode.pod(ns, "db-" + i);
      Instant created = Instant.parse(pod.getMetadata().getCreationTimestamp());
      assertTrue(!created.isBefore(previous), "db-" + i + " made after db-" + (i - 1));
      previous = created;
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns).withName("data-db-" + i).get();
      assertEquals("Bound", claim.getStatus().getPhase(), "data-db-" + i);
      assertEquals("local-path", claim.getSpec().getStorageClassName());
      volumes.add(claim.getSpec().getVolumeName());
      java.nio.file.Path file = java.nio.file.Path.of(client.persistentVolumes().withName(
          claim.getSpec().getVolumeName()).get().getSpec().getHostPath().getPath(), "id");
      String name = "db-" + i;
      Await.until(Duration.ofSeconds(30), name + " wrote its identity into its volume",
          () -> java.nio.file.Files.isRegularFile(file));
      Await.until(Duration.ofSeconds(30), name + "'s file says " + name, () -> {
        try {
          return java.nio.file.Files.readString(file).trim().equals(name);
        } catch (java.io.IOException e) {
          return false;
        }
      });
    }
    assertEquals(3, volumes.size(), "a volume of its own per pod: " + volumes);
  }
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "EmptyDir wrapper volumes" tests (test/e2e/storage/empty_dir_wrapper.go; upstream backs secret and
 * configMap volumes with an emptyDir it wraps): a Secret and a ConfigMap volume in one pod do not conflict, and pods
 * with 50 ConfigMap volumes each all start (no race between the volumes' setups).
 */
@ExtendWith(TestNamespace.class)
class EmptyDirWrapperTest {
  private static final Duration START = Duration.ofSeconds(120);

  @Conformance("storage.emptydir-wrapper")
  @Test
  void secretAndConfigMapVolumesDoNotConflict(String ns) {
    var client = RealNode.client();
    client.resource(new SecretBuilder().withNewMetadata().withName("emptydir-wrapper-test").withNamespace(ns)
        .endMetadata().withData(Map.of("data-1", SecretVolumesTest.b64("value-1\n"))).build()).create();
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("emptydir-wrapper-test").withNamespace(ns)
        .endMetadata().withBinaryData(Map.of("data-1", SecretVolumesTest.b64("value-1\n"))).build()).create();
    client.resource(new PodBuilder().withNewMetadata().withName("pod-secrets").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("secret-volume").withNewSecret().withSecretName("emptydir-wrapper-test").endSecret()
        .endVolume()
        .addNewVolume().withName("configmap-volume").withNewConfigMap().withName("emptydir-wrapper-test")
        .endConfigMap().endVolume()
        .addNewContainer().withName("secret-test").withImage("busybox").withCommand("sh", "-c",
            "cat /etc/secret-volume/data-1 /etc/configmap-volume/data-1; exec sleep 3600")
        .addNewVolumeMount().withName("secret-volume").withMountPath("/etc/secret-volume").withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount().withName("configmap-volume").withMountPath("/etc/configmap-volume").endVolumeMount()
        .endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "pod-secrets", "Running", START);
    Await.until(START, "both volumes read", () -> client.pods().inNamespace(ns).withName("pod-secrets").getLog()
        .equals("value-1\nvalue-1\n"));

    assertEquals(1, client.secrets().inNamespace(ns).withName("emptydir-wrapper-test").delete().size());
    assertEquals(1, client.configMaps().inNamespace(ns).withName("emptydir-wrapper-test").delete().size());
    assertEquals(1, client.pods().inNamespace(ns).withName("pod-secrets").withGracePeriod(0).delete().size());
  }

  @Conformance("storage.emptydir-wrapper-race")
  @Test
  void podsWithFiftyConfigMapVolumesAllStart(String ns) {
    var client = RealNode.client();
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String name = "racey-configmap-" + i;
      client.resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .withData(Map.of("data-1", "value-1")).build()).create();
      volumes.add(new VolumeBuilder().withName(name).withNewConfigMap().withName(name).addNewItem().withKey("data-1")
          .withPath("data-1").endItem().endConfigMap().build());
      mounts.add(new VolumeMountBuilder().withName(name).withMountPath("/etc/config-" + i).build());
    }
    // As upstream: three rounds of a ReplicationController of 5 such pods pinned to one node, each pod Running.
    for (int round = 0; round < 3; round++) {
      String rc = "wrapped-volume-race-" + round;
      client.resource(new ReplicationControllerBuilder().withNewMetadata().withName(rc).withNamespace(ns)
          .endMetadata().withNewSpec().withReplicas(5).withSelector(Map.of("name", rc)).withNewTemplate()
          .withNewMetadata().withLabels(Map.of("name", rc)).endMetadata().withNewSpec()
          .withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
          .addNewNodeSelectorTerm().addNewMatchExpression().withKey("kubernetes.io/hostname").withOperator("In")
          .withValues(RealNode.node().getMetadata().getLabels().get("kubernetes.io/hostname")).endMatchExpression()
          .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
          .withDnsPolicy("Default").withTerminationGracePeriodSeconds(1L).withVolumes(volumes)
          .addNewContainer().withName("test-container").withImage("quarkube/pause:1.0").withVolumeMounts(mounts)
          .endContainer()
          .endSpec().endTemplate().endSpec().build()).create();
      Await.until(Duration.ofSeconds(180), "5 pods of " + rc + " running", () -> {
        List<Pod> pods = client.pods().inNamespace(ns).withLabel("name", rc).list().getItems();
        return pods.size() == 5 && pods.stream().allMatch(p -> p.getStatus() != null
            && "Running".equals(p.getStatus().getPhase()));
      });
      client.replicationControllers().inNamespace(ns).withName(rc)
          .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
      Await.until(Duration.ofSeconds(120), "pods of " + rc + " gone", () ->
          client.pods().inNamespace(ns).withLabel("name", rc).list().getItems().isEmpty());
    }
  }
}

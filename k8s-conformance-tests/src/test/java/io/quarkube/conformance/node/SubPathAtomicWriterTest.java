package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Subpath Atomic writer volumes" tests (storage/subpath.go) in one pod: a file of a secret, configMap,
 * downwardAPI and projected volume mounted alone with subPath (the volumes' files are symlinks through {@code ..data}),
 * one of them onto {@code /etc/resolv.conf}, a file the runtime already puts in every container. As upstream's test
 * pod, an init container mounts the whole volumes first and a second emptyDir volume is mounted beside.
 */
@ExtendWith(TestNamespace.class)
class SubPathAtomicWriterTest {
  private static final Duration RUN = Duration.ofSeconds(120);
  private static final String POD = "pod-subpath-test";
  /** The container path of each subPath mount, its volume, subPath and expected content. */
  private static final List<List<String>> MOUNTS = List.of(
      List.of("/test-secret", "secret", "secret-key", "secret-value"),
      List.of("/test-configmap", "configmap", "configmap-key", "configmap-value"),
      List.of("/etc/resolv.conf", "configmap", "configmap-key", "configmap-value"),
      List.of("/test-downward", "downward", "downward/podname", POD),
      List.of("/test-projected", "projected", "projected/configmap-key", "configmap-value"));

  @Conformance("storage.subpath-atomic-writer")
  @Test
  void filesOfAtomicWriterVolumesMountAloneWithSubPath(String ns) {
    RealNode.client().resource(new SecretBuilder().withNewMetadata().withName("my-secret").withNamespace(ns)
        .endMetadata().withStringData(Map.of("secret-key", "secret-value")).build()).create();
    RealNode.client().resource(new ConfigMapBuilder().withNewMetadata().withName("my-configmap").withNamespace(ns)
        .endMetadata().withData(Map.of("configmap-key", "configmap-value")).build()).create();

    ContainerBuilder init = new ContainerBuilder().withName("init-volume").withImage("busybox")
        .withCommand("sh", "-c", "ls /test-secret /test-configmap /test-downward /test-projected");
    StringBuilder script = new StringBuilder();
    ContainerBuilder reader = new ContainerBuilder().withName("test-container-subpath").withImage("busybox");
    for (String volume : List.of("secret", "configmap", "downward", "projected")) {
      init.addNewVolumeMount().withName(volume).withMountPath("/test-" + volume).endVolumeMount();
    }
    for (List<String> m : MOUNTS) {
      reader.addNewVolumeMount().withName(m.get(1)).withMountPath(m.get(0)).withSubPath(m.get(2)).endVolumeMount();
      script.append("echo \"content of file ").append(m.get(0)).append(": $(cat ").append(m.get(0)).append(")\"\n");
    }
    for (ContainerBuilder c : List.of(init, reader)) {
      c.addNewVolumeMount().withName("liveness-probe-volume").withMountPath("/probecheck").endVolumeMount();
    }
    reader.withCommand("sh", "-c", script.toString());

    RealNode.client().resource(new PodBuilder().withNewMetadata().withName(POD).withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("secret").withNewSecret().withSecretName("my-secret").endSecret().endVolume()
        .addNewVolume().withName("configmap").withNewConfigMap().withName("my-configmap").endConfigMap().endVolume()
        .addNewVolume().withName("downward").withNewDownwardAPI().addNewItem().withPath("downward/podname")
        .withNewFieldRef().withApiVersion("v1").withFieldPath("metadata.name").endFieldRef().endItem()
        .endDownwardAPI().endVolume()
        .addNewVolume().withName("projected").withNewProjected().addNewSource().withNewConfigMap()
        .withName("my-configmap").addNewItem().withKey("configmap-key").withPath("projected/configmap-key").endItem()
        .endConfigMap().endSource().endProjected().endVolume()
        .addNewVolume().withName("liveness-probe-volume").withNewEmptyDir().endEmptyDir().endVolume()
        .withInitContainers(init.build()).withContainers(reader.build())
        .endSpec().build()).create();
    RealNode.awaitSucceeded(ns, POD, RUN);

    List<String> out = Arrays.asList(RealNode.log(ns, POD, "test-container-subpath").split("\n"));
    for (List<String> m : MOUNTS) {
      String line = "content of file " + m.get(0) + ": " + m.get(3);
      assertTrue(out.contains(line), "expected \"" + line + "\" in\n" + String.join("\n", out));
    }
  }

  /**
   * Upstream's (non-conformance) subPath escape tests (testsuites/subpath.go "should fail if subpath directory/file is
   * outside the volume", "with backstepping"): a container links a volume's entry out of the volume; another that
   * mounts that entry with subPath is not started (CreateContainerConfigError naming the subPath), instead of getting
   * the node's folder.
   */
  @Conformance("storage.subpath-escape")
  @Test
  void subPathThroughALinkOutOfTheVolumeIsRefused(String ns) {
    Map<String, String> links = Map.of("dir-link", "/bin", "file-link", "/bin/sh", "up-link", "../");
    StringBuilder script = new StringBuilder();
    links.forEach((name, target) -> script.append("ln -s ").append(target).append(" /vol/").append(name).append('\n'));
    PodBuilder pod = new PodBuilder().withNewMetadata().withName("subpath-escape").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("vol").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewInitContainer().withName("link").withImage("busybox").withCommand("sh", "-c", script.toString())
        .addNewVolumeMount().withName("vol").withMountPath("/vol").endVolumeMount().endInitContainer()
        .endSpec();
    for (String link : links.keySet()) {
      pod.editSpec().addNewContainer().withName(link).withImage("busybox").withCommand("ls", "/mnt")
          .addNewVolumeMount().withName("vol").withMountPath("/mnt").withSubPath(link).endVolumeMount()
          .endContainer().endSpec();
    }
    RealNode.client().resource(pod.build()).create();

    Await.until(RUN, "every subPath container refused", () -> {
      var statuses = RealNode.pod(ns, "subpath-escape").getStatus().getContainerStatuses();
      return statuses != null && statuses.size() == links.size() && statuses.stream().allMatch(st -> {
        if (st.getState().getTerminated() != null || st.getState().getRunning() != null) {
          throw new AssertionError("container " + st.getName() + " started with an escaping subPath: " + st);
        }
        var waiting = st.getState().getWaiting();
        return waiting != null && "CreateContainerConfigError".equals(waiting.getReason())
            && waiting.getMessage() != null && waiting.getMessage().contains("subPath");
      });
    });
  }
}

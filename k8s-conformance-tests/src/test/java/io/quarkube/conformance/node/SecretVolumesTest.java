package io.quarkube.conformance.node;

import static io.quarkube.conformance.node.MountTest.assertLines;
import static io.quarkube.conformance.node.MountTest.content;
import static io.quarkube.conformance.node.MountTest.mode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's Secret volume tests (test/e2e/common/storage/secrets_volume.go), each a volume of one pod, and the
 * fsGroup tests of Secret and projected Secret volumes: a non-root user reads a 0440 file through the pod's fsGroup.
 */
@ExtendWith(TestNamespace.class)
class SecretVolumesTest {
  private static final Duration RUN = Duration.ofSeconds(120);

  /** upstream's secretForTest */
  static Secret secret(String ns, String name) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withData(Map.of("data-1", b64("value-1\n"), "data-2", b64("value-2\n"), "data-3", b64("value-3\n")))
        .build();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Conformance("storage.secret-volume-modes")
  @Test
  void modesMappingsMultipleVolumesAndASameNamedSecretElsewhere(String ns) {
    // A Secret of the same name in another namespace, with other content: the pod must get its own namespace's.
    String other = ns + "-other";
    RealNode.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other).endMetadata()
        .build()).create();
    try {
      RealNode.client().resource(new SecretBuilder().withNewMetadata().withName("secret-test").withNamespace(other)
          .endMetadata().withData(Map.of("this_should_not_match_content_of_other_secret",
              b64("similarly_this_should_not_match_content_of_other_secret\n"))).build()).create();
      RealNode.client().resource(secret(ns, "secret-test")).create();
      String s = "secret-test";
      var pod = new PodBuilder().withNewMetadata().withName("pod-secrets").withNamespace(ns).endMetadata()
          .withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never")
          .withTerminationGracePeriodSeconds(1L)
          .addNewVolume().withName("default").withNewSecret().withSecretName(s).endSecret().endVolume()
          .addNewVolume().withName("default-2").withNewSecret().withSecretName(s).endSecret().endVolume()
          .addNewVolume().withName("mode").withNewSecret().withSecretName(s).withDefaultMode(0400).endSecret()
          .endVolume()
          .addNewVolume().withName("map").withNewSecret().withSecretName(s)
          .addNewItem().withKey("data-1").withPath("new-path-data-1").endItem().endSecret().endVolume()
          .addNewVolume().withName("map-mode").withNewSecret().withSecretName(s)
          .addNewItem().withKey("data-1").withPath("new-path-data-1").withMode(0400).endItem().endSecret()
          .endVolume()
          .addToContainers(MountTest.container("root", List.of("default", "default-2", "mode", "map", "map-mode"),
              "/etc/default/data-1", "/etc/default-2/data-1", "/etc/mode/data-1", "/etc/map/new-path-data-1",
              "/etc/map-mode/new-path-data-1").build())
          .addNewContainer().withName("list").withImage("busybox").withCommand("ls", "/etc/default")
          .addNewVolumeMount().withName("default").withMountPath("/etc/default").endVolumeMount().endContainer()
          .endSpec().build();

      Map<String, String> logs = RealNode.runToCompletion(pod, RUN);

      assertLines(logs.get("root"),
          content("/etc/default/data-1", "value-1"), mode("/etc/default/data-1", "-rw-r--r--"),
          content("/etc/default-2/data-1", "value-1"), mode("/etc/default-2/data-1", "-rw-r--r--"),
          content("/etc/mode/data-1", "value-1"), mode("/etc/mode/data-1", "-r--------"),
          content("/etc/map/new-path-data-1", "value-1"), mode("/etc/map/new-path-data-1", "-rw-r--r--"),
          content("/etc/map-mode/new-path-data-1", "value-1"), mode("/etc/map-mode/new-path-data-1", "-r--------"));
      assertEquals("data-1\ndata-2\ndata-3\n", logs.get("list"), "only the pod's namespace's Secret");
    } finally {
      RealNode.client().namespaces().withName(other).delete();
    }
  }

  @Conformance("storage.volume-fsgroup")
  @Test
  void nonRootWithDefaultModeAndFsGroup(String ns) {
    RealNode.client().resource(secret(ns, "secret-test")).create();
    RealNode.client().resource(new ConfigMapBuilder().withNewMetadata().withName("configmap-test").withNamespace(ns)
        .endMetadata().withData(Map.of("data-1", "value-1")).build()).create();
    var pod = new PodBuilder().withNewMetadata().withName("pod-fsgroup").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .withNewSecurityContext().withRunAsUser(1000L).withFsGroup(1001L).endSecurityContext()
        .addNewVolume().withName("secret").withNewSecret().withSecretName("secret-test").withDefaultMode(0440)
        .endSecret().endVolume()
        .addNewVolume().withName("projected").withNewProjected().withDefaultMode(0440).addNewSource().withNewSecret()
        .withName("secret-test").endSecret().endSource().endProjected().endVolume()
        .addNewVolume().withName("configmap").withNewConfigMap().withName("configmap-test").withDefaultMode(0440)
        .endConfigMap().endVolume()
        .addToContainers(MountTest.container("main", List.of("secret", "projected", "configmap"),
            "/etc/secret/data-1", "/etc/projected/data-1", "/etc/configmap/data-1").build())
        .addNewContainer().withName("owner").withImage("busybox").withCommand("stat", "-L", "-c", "%n %g %A",
            "/etc/secret", "/etc/secret/data-1")
        .addNewVolumeMount().withName("secret").withMountPath("/etc/secret").endVolumeMount().endContainer()
        .addNewContainer().withName("token").withImage("busybox").withCommand("sh", "-c",
            "cd /var/run/secrets/kubernetes.io/serviceaccount && stat -L -c '%u %g %A' token && wc -c < token")
        .endContainer()
        .endSpec().build();

    Map<String, String> logs = RealNode.runToCompletion(pod, RUN);

    assertLines(logs.get("main"),
        content("/etc/secret/data-1", "value-1"), mode("/etc/secret/data-1", "-r--r-----"),
        content("/etc/projected/data-1", "value-1"), mode("/etc/projected/data-1", "-r--r-----"),
        content("/etc/configmap/data-1", "value-1"), mode("/etc/configmap/data-1", "-r--r-----"));
    // As upstream's SetVolumeOwnership: the fsGroup owns the files, and the volume's directory is setgid.
    List<String> owner = List.of(logs.get("owner").strip().split("\n"));
    assertEquals(2, owner.size(), logs.get("owner"));
    assertEquals("/etc/secret 1001", owner.get(0).substring(0, owner.get(0).lastIndexOf(' ')), logs.get("owner"));
    assertEquals('s', owner.get(0).charAt(owner.get(0).length() - 4), "setgid directory: " + owner.get(0));
    assertEquals("/etc/secret/data-1 1001 -r--r-----", owner.get(1));
    // The projected service account token belongs to the user all containers run as, readable by the fsGroup too.
    List<String> token = List.of(logs.get("token").strip().split("\n"));
    assertEquals("1000 1001 -rw-r-----", token.get(0), logs.get("token"));
    assertTrue(Integer.parseInt(token.get(1).strip()) > 100, "the token is read: " + logs.get("token"));
  }
}

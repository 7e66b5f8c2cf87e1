package io.quarkube.conformance.node;

import static io.quarkube.conformance.node.MountTest.assertLines;
import static io.quarkube.conformance.node.MountTest.content;
import static io.quarkube.conformance.node.MountTest.mode;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's ConfigMap volume tests (test/e2e/common/storage/configmap_volume.go) in one pod: each upstream test is a
 * volume of the pod (default mode, defaultMode 0400, a key mapped to a path with and without an item mode, the same
 * ConfigMap twice, binaryData), read by a root container and by one running as uid 1000, as agnhost's mounttest reads.
 */
@ExtendWith(TestNamespace.class)
class ConfigMapVolumesTest {
  private static final Duration RUN = Duration.ofSeconds(120);

  @Conformance("storage.configmap-volume-modes")
  @Test
  void modesMappingsNonRootMultipleVolumesAndBinaryData(String ns) {
    RealNode.client().resource(new ConfigMapBuilder().withNewMetadata().withName("configmap-test-volume")
        .withNamespace(ns).endMetadata()
        .withData(Map.of("data-1", "value-1", "data-2", "value-2", "data-3", "value-3")).build()).create();
    byte[] binary = {(byte) 0xde, (byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xd0, (byte) 0xfe, (byte) 0xff};
    RealNode.client().resource(new ConfigMapBuilder().withNewMetadata().withName("configmap-binary")
        .withNamespace(ns).endMetadata().withData(Map.of("data-1", "value-1"))
        .withBinaryData(Map.of("dump.bin", Base64.getEncoder().encodeToString(binary))).build()).create();
    String cm = "configmap-test-volume";
    var pod = new PodBuilder().withNewMetadata().withName("pod-configmaps").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("default").withNewConfigMap().withName(cm).endConfigMap().endVolume()
        .addNewVolume().withName("default-2").withNewConfigMap().withName(cm).endConfigMap().endVolume()
        .addNewVolume().withName("mode").withNewConfigMap().withName(cm).withDefaultMode(0400).endConfigMap()
        .endVolume()
        .addNewVolume().withName("map").withNewConfigMap().withName(cm)
        .addNewItem().withKey("data-2").withPath("path/to/data-2").endItem().endConfigMap().endVolume()
        .addNewVolume().withName("map-mode").withNewConfigMap().withName(cm)
        .addNewItem().withKey("data-2").withPath("path/to/data-2").withMode(0400).endItem().endConfigMap()
        .endVolume()
        .addNewVolume().withName("binary").withNewConfigMap().withName("configmap-binary").endConfigMap().endVolume()
        .addToContainers(MountTest.container("root", List.of("default", "default-2", "mode", "map", "map-mode",
            "binary"), "/etc/default/data-1", "/etc/default-2/data-1", "/etc/mode/data-1",
            "/etc/map/path/to/data-2", "/etc/map-mode/path/to/data-2", "/etc/binary/data-1").build())
        .addToContainers(MountTest.asUser(MountTest.container("non-root", List.of("default", "map"),
            "/etc/default/data-1", "/etc/map/path/to/data-2"), 1000))
        .addToContainers(MountTest.container("binary", List.of("binary")).withCommand("hexdump", "-C",
            "/etc/binary/dump.bin").build())
        .endSpec().build();

    Map<String, String> logs = RealNode.runToCompletion(pod, RUN);

    // consumable (0644 by default), in two volumes of one pod, with defaultMode, with mappings and item mode
    assertLines(logs.get("root"),
        content("/etc/default/data-1", "value-1"), mode("/etc/default/data-1", "-rw-r--r--"),
        content("/etc/default-2/data-1", "value-1"), mode("/etc/default-2/data-1", "-rw-r--r--"),
        content("/etc/mode/data-1", "value-1"), mode("/etc/mode/data-1", "-r--------"),
        content("/etc/map/path/to/data-2", "value-2"), mode("/etc/map/path/to/data-2", "-rw-r--r--"),
        content("/etc/map-mode/path/to/data-2", "value-2"), mode("/etc/map-mode/path/to/data-2", "-r--------"),
        content("/etc/binary/data-1", "value-1"));
    // as non-root, without and with mappings
    assertLines(logs.get("non-root"),
        content("/etc/default/data-1", "value-1"), mode("/etc/default/data-1", "-rw-r--r--"),
        content("/etc/map/path/to/data-2", "value-2"), mode("/etc/map/path/to/data-2", "-rw-r--r--"));
    // binary data reflected in the volume
    assertTrue(logs.get("binary").contains("de ca fe ba d0 fe ff"), logs.get("binary"));
  }
}

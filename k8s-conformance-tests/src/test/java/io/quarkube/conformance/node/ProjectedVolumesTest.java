package io.quarkube.conformance.node;

import static io.quarkube.conformance.node.MountTest.assertLines;
import static io.quarkube.conformance.node.MountTest.content;
import static io.quarkube.conformance.node.MountTest.mode;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's projected configMap and secret volume tests (test/e2e/common/storage/projected_configmap.go,
 * projected_secret.go) in one pod: each upstream test is a projected volume (default mode, defaultMode 0400, a key
 * mapped to a path with and without an item mode, the same object projected twice), read by a root container and,
 * for the configMap's non-root tests, by one running as uid 1000.
 */
@ExtendWith(TestNamespace.class)
class ProjectedVolumesTest {
  private static final Duration RUN = Duration.ofSeconds(120);

  private static Volume configMap(String name, Integer defaultMode, KeyToPath item) {
    return new VolumeBuilder().withName(name).withNewProjected().withDefaultMode(defaultMode).addNewSource()
        .withNewConfigMap().withName("projected-configmap-test-volume").withItems(item == null ? List.of()
            : List.of(item)).endConfigMap().endSource().endProjected().build();
  }

  private static Volume secret(String name, Integer defaultMode, KeyToPath item) {
    return new VolumeBuilder().withName(name).withNewProjected().withDefaultMode(defaultMode).addNewSource()
        .withNewSecret().withName("projected-secret-test").withItems(item == null ? List.of() : List.of(item))
        .endSecret().endSource().endProjected().build();
  }

  private static KeyToPath item(String key, String path, Integer mode) {
    return new KeyToPathBuilder().withKey(key).withPath(path).withMode(mode).build();
  }

  @Conformance({"storage.projected-configmap-volume-modes", "storage.projected-secret-volume-modes"})
  @Test
  void modesMappingsNonRootAndMultipleVolumes(String ns) {
    RealNode.client().resource(new ConfigMapBuilder().withNewMetadata().withName("projected-configmap-test-volume")
        .withNamespace(ns).endMetadata()
        .withData(Map.of("data-1", "value-1", "data-2", "value-2", "data-3", "value-3")).build()).create();
    RealNode.client().resource(SecretVolumesTest.secret(ns, "projected-secret-test")).create();
    var pod = new PodBuilder().withNewMetadata().withName("pod-projected").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never").withTerminationGracePeriodSeconds(1L)
        .addToVolumes(configMap("cm", null, null), configMap("cm-2", null, null), configMap("cm-mode", 0400, null),
            configMap("cm-map", null, item("data-2", "path/to/data-2", null)),
            configMap("cm-map-mode", null, item("data-2", "path/to/data-2", 0400)))
        .addToVolumes(secret("s", null, null), secret("s-2", null, null), secret("s-mode", 0400, null),
            secret("s-map", null, item("data-1", "new-path-data-1", null)),
            secret("s-map-mode", null, item("data-1", "new-path-data-1", 0400)))
        .addToContainers(MountTest.container("root", List.of("cm", "cm-2", "cm-mode", "cm-map", "cm-map-mode", "s",
            "s-2", "s-mode", "s-map", "s-map-mode"),
            "/etc/cm/data-1", "/etc/cm-2/data-1", "/etc/cm-mode/data-1", "/etc/cm-map/path/to/data-2",
            "/etc/cm-map-mode/path/to/data-2", "/etc/s/data-1", "/etc/s-2/data-1", "/etc/s-mode/data-1",
            "/etc/s-map/new-path-data-1", "/etc/s-map-mode/new-path-data-1").build())
        .addToContainers(MountTest.asUser(MountTest.container("non-root", List.of("cm", "cm-map"),
            "/etc/cm/data-1", "/etc/cm-map/path/to/data-2"), 1000))
        .endSpec().build();

    Map<String, String> logs = RealNode.runToCompletion(pod, RUN);

    assertLines(logs.get("root"),
        // projected configMap: consumable, in two volumes, defaultMode, mappings, mappings with item mode
        content("/etc/cm/data-1", "value-1"), mode("/etc/cm/data-1", "-rw-r--r--"),
        content("/etc/cm-2/data-1", "value-1"), mode("/etc/cm-2/data-1", "-rw-r--r--"),
        content("/etc/cm-mode/data-1", "value-1"), mode("/etc/cm-mode/data-1", "-r--------"),
        content("/etc/cm-map/path/to/data-2", "value-2"), mode("/etc/cm-map/path/to/data-2", "-rw-r--r--"),
        content("/etc/cm-map-mode/path/to/data-2", "value-2"),
        mode("/etc/cm-map-mode/path/to/data-2", "-r--------"),
        // projected secret: the same
        content("/etc/s/data-1", "value-1"), mode("/etc/s/data-1", "-rw-r--r--"),
        content("/etc/s-2/data-1", "value-1"), mode("/etc/s-2/data-1", "-rw-r--r--"),
        content("/etc/s-mode/data-1", "value-1"), mode("/etc/s-mode/data-1", "-r--------"),
        content("/etc/s-map/new-path-data-1", "value-1"), mode("/etc/s-map/new-path-data-1", "-rw-r--r--"),
        content("/etc/s-map-mode/new-path-data-1", "value-1"),
        mode("/etc/s-map-mode/new-path-data-1", "-r--------"));
    // projected configMap as non-root, without and with mappings
    assertLines(logs.get("non-root"),
        content("/etc/cm/data-1", "value-1"), mode("/etc/cm/data-1", "-rw-r--r--"),
        content("/etc/cm-map/path/to/data-2", "value-2"), mode("/etc/cm-map/path/to/data-2", "-rw-r--r--"));
  }
}

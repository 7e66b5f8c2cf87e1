package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "optional updates should be reflected in volume" tests of ConfigMap, Secret, projected ConfigMap and
 * projected Secret volumes, and "Projected configMap updates should be reflected in volume", in one running pod: an
 * optional volume whose object is deleted loses its files, one whose object is updated shows the new keys, one whose
 * object did not exist starts empty and gets the files once it is created. The container prints what it reads every
 * second (upstream's mounttest --file_content_in_loop); the test follows its log.
 */
@ExtendWith(TestNamespace.class)
class VolumeUpdatesTest {
  /** Upstream waits GetPodSecretUpdateTimeout (sync period + TTL, ~4 min); the kubelet here resyncs every 10 s. */
  private static final Duration UPDATE = Duration.ofSeconds(120);
  private static final List<String> KINDS = List.of("cm", "s", "pcm", "ps");

  private static Volume volume(String kind, String object) {
    VolumeBuilder v = new VolumeBuilder().withName(kind + "-" + object.substring(object.indexOf('-') + 1));
    return switch (kind) {
      case "cm" -> v.withNewConfigMap().withName(object).withOptional(true).endConfigMap().build();
      case "s" -> v.withNewSecret().withSecretName(object).withOptional(true).endSecret().build();
      case "pcm" -> v.withNewProjected().addNewSource().withNewConfigMap().withName(object).withOptional(true)
          .endConfigMap().endSource().endProjected().build();
      default -> v.withNewProjected().addNewSource().withNewSecret().withName(object).withOptional(true)
          .endSecret().endSource().endProjected().build();
    };
  }

  @Conformance("storage.configmap-secret-volume-updates")
  @Test
  void optionalVolumesFollowDeleteUpdateAndCreateAndProjectedFollowsUpdates(String ns) {
    var client = RealNode.client();
    for (String name : List.of("cm-delete", "cm-update")) {
      client.resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .withData(Map.of("data-1", "value-1")).build()).create();
    }
    for (String name : List.of("s-delete", "s-update")) {
      client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name)
          .withNamespace(ns).endMetadata().withData(Map.of("data-1", SecretVolumesTest.b64("value-1"))).build())
          .create();
    }
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("projected-update").withNamespace(ns)
        .endMetadata().withData(Map.of("data-1", "value-1")).build()).create();

    // Each kind of volume for each object: delete reads data-1, update data-3 (made by the update), create data-1.
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    Map<String, String> files = new LinkedHashMap<>();
    for (String kind : KINDS) {
      String objectKind = kind.endsWith("cm") ? "cm" : "s";
      for (String op : List.of("delete", "update", "create")) {
        Volume v = volume(kind, objectKind + "-" + op);
        volumes.add(v);
        mounts.add(new VolumeMountBuilder().withName(v.getName()).withMountPath("/etc/" + v.getName())
            .withReadOnly(true).build());
        files.put(v.getName(), "/etc/" + v.getName() + (op.equals("update") ? "/data-3" : "/data-1"));
      }
    }
    volumes.add(new VolumeBuilder().withName("projected-update").withNewProjected().addNewSource()
        .withNewConfigMap().withName("projected-update").endConfigMap().endSource().endProjected().build());
    mounts.add(new VolumeMountBuilder().withName("projected-update").withMountPath("/etc/projected-update")
        .withReadOnly(true).build());
    files.put("projected-update", "/etc/projected-update/data-1");
    StringBuilder line = new StringBuilder("state");
    files.forEach((v, path) -> line.append(' ').append(v).append("=$(cat ").append(path)
        .append(" 2>/dev/null || echo Error)"));
    String script = "while true; do echo \"" + line + " end\"; sleep 1; done";
    client.resource(new PodBuilder().withNewMetadata().withName("pod-volume-updates").withNamespace(ns)
        .endMetadata().withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(1L).withVolumes(volumes)
        .addNewContainer().withName("reader").withImage("busybox").withCommand("sh", "-c", script)
        .withVolumeMounts(mounts).endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "pod-volume-updates", "Running", Duration.ofSeconds(120));

    Map<String, String> before = new LinkedHashMap<>();
    Map<String, String> after = new LinkedHashMap<>();
    for (String kind : KINDS) {
      before.put(kind + "-delete", "value-1");
      before.put(kind + "-update", "Error");
      before.put(kind + "-create", "Error");
      after.put(kind + "-delete", "Error");
      after.put(kind + "-update", "value-3");
      after.put(kind + "-create", "value-1");
    }
    before.put("projected-update", "value-1");
    after.put("projected-update", "value-2");
    awaitState(ns, before);

    client.configMaps().inNamespace(ns).withName("cm-delete").delete();
    client.secrets().inNamespace(ns).withName("s-delete").delete();
    client.configMaps().inNamespace(ns).withName("cm-update").edit(cm -> {
      cm.setData(Map.of("data-3", "value-3"));
      return cm;
    });
    client.secrets().inNamespace(ns).withName("s-update").edit(s -> {
      s.setData(Map.of("data-3", SecretVolumesTest.b64("value-3")));
      return s;
    });
    client.resource(new ConfigMapBuilder().withNewMetadata().withName("cm-create").withNamespace(ns).endMetadata()
        .withData(Map.of("data-1", "value-1")).build()).create();
    client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("s-create")
        .withNamespace(ns).endMetadata().withData(Map.of("data-1", SecretVolumesTest.b64("value-1"))).build())
        .create();
    client.configMaps().inNamespace(ns).withName("projected-update").edit(cm -> {
      cm.setData(Map.of("data-1", "value-2"));
      return cm;
    });

    awaitState(ns, after);
    assertEquals(0, RealNode.pod(ns, "pod-volume-updates").getStatus().getContainerStatuses().get(0)
        .getRestartCount());
  }

  /** Waits until the container's latest complete line reads {@code expected} for every volume. */
  private static void awaitState(String ns, Map<String, String> expected) {
    StringBuilder want = new StringBuilder("state");
    expected.forEach((v, value) -> want.append(' ').append(v).append('=').append(value));
    String wanted = want.append(" end").toString();
    String[] last = {""};
    try {
      Await.until(UPDATE, "the volumes read " + expected, () -> {
        String log = RealNode.client().pods().inNamespace(ns).withName("pod-volume-updates").tailingLines(2)
            .getLog();
        List<String> lines = log.lines().filter(l -> l.endsWith(" end")).toList();
        last[0] = lines.isEmpty() ? log : lines.get(lines.size() - 1);
        return last[0].equals(wanted);
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nlast line: " + last[0], e);
    }
  }
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFileBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's downwardAPI volume tests (downwardapi_volume.go) and their projected twins (projected_downwardapi.go) in
 * one pod: the pod name, a container's cpu/memory limits and requests, the node's allocatable for a container without
 * limits, defaultMode and item mode 0400, and labels and annotations changed on the running pod reaching the files.
 * The container prints what it reads once, then the labels and annotations files every second, as upstream's agnhost
 * mounttest loop does.
 */
@ExtendWith(TestNamespace.class)
class DownwardApiVolumeTest {
  private static final Duration RUN = Duration.ofSeconds(120);
  private static final String POD = "downwardapi-volume";
  private static final List<String> SOURCES = List.of("podinfo", "projinfo"); // downwardAPI, projected downwardAPI
  private static final String SCRIPT = """
      for d in podinfo projinfo; do
        for f in podname cpu_limit cpu_request memory_limit memory_request default_cpu_limit default_memory_limit; do
          echo "content of $d/$f: $(cat /etc/$d/$f)"
        done
        for m in default-mode item-mode; do
          echo "content of $d-$m/podname: $(cat /etc/$d-$m/podname)"
          echo "mode of file $d-$m/podname: $(stat -L -c %A /etc/$d-$m/podname)"
        done
        echo "mode of file $d/podname: $(stat -L -c %A /etc/$d/podname)"
      done
      echo REPORT-END
      while true; do
        for d in podinfo projinfo; do
          echo "$d labels: $(cat /etc/$d/labels | tr '\\n' ' ')"
          echo "$d annotations: $(cat /etc/$d/annotations | tr '\\n' ' ')"
        done
        sleep 1
      done
      """;

  private static DownwardAPIVolumeFile field(String path, String fieldPath) {
    return new DownwardAPIVolumeFileBuilder().withPath(path).withNewFieldRef().withApiVersion("v1")
        .withFieldPath(fieldPath).endFieldRef().build();
  }

  private static DownwardAPIVolumeFile resource(String path, String container, String resource) {
    return new DownwardAPIVolumeFileBuilder().withPath(path).withNewResourceFieldRef().withContainerName(container)
        .withResource(resource).endResourceFieldRef().build();
  }

  /** Upstream's items: podname, the client container's limits and requests, plus the limits of one without. */
  private static List<DownwardAPIVolumeFile> items() {
    return List.of(field("podname", "metadata.name"),
        resource("cpu_limit", "client-container", "limits.cpu"),
        resource("cpu_request", "client-container", "requests.cpu"),
        resource("memory_limit", "client-container", "limits.memory"),
        resource("memory_request", "client-container", "requests.memory"),
        resource("default_cpu_limit", "no-limits", "limits.cpu"),
        resource("default_memory_limit", "no-limits", "limits.memory"),
        field("labels", "metadata.labels"),
        field("annotations", "metadata.annotations"));
  }

  private static DownwardAPIVolumeFile podnameWithMode(Integer mode) {
    DownwardAPIVolumeFile item = field("podname", "metadata.name");
    item.setMode(mode);
    return item;
  }

  /** The three volumes of one source: all items, defaultMode 0400, item mode 0400. */
  private static List<Volume> volumes(String source) {
    boolean projected = source.equals("projinfo");
    List<Volume> volumes = new ArrayList<>();
    volumes.add(volume(source, projected, null, items()));
    volumes.add(volume(source + "-default-mode", projected, 0400, List.of(podnameWithMode(null))));
    volumes.add(volume(source + "-item-mode", projected, null, List.of(podnameWithMode(0400))));
    return volumes;
  }

  private static Volume volume(String name, boolean projected, Integer defaultMode,
      List<DownwardAPIVolumeFile> items) {
    VolumeBuilder v = new VolumeBuilder().withName(name);
    if (projected) {
      return v.withNewProjected().withDefaultMode(defaultMode).addNewSource().withNewDownwardAPI().withItems(items)
          .endDownwardAPI().endSource().endProjected().build();
    }
    return v.withNewDownwardAPI().withDefaultMode(defaultMode).withItems(items).endDownwardAPI().build();
  }

  @Conformance({"storage.downward-api-volume", "storage.projected-downward-api"})
  @Test
  void podFieldsResourcesModesAndMetadataUpdates(String ns) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(POD).withNamespace(ns)
        .withLabels(Map.of("key1", "value1", "key2", "value2")).withAnnotations(Map.of("builder", "bar"))
        .endMetadata().withNewSpec().withNodeName(RealNode.name()).withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("client-container").withImage("busybox").withCommand("sh", "-c", SCRIPT)
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("32Mi")))
        .withLimits(Map.of("cpu", new Quantity("1250m"), "memory", new Quantity("64Mi"))).endResources()
        .endContainer()
        .addNewContainer().withName("no-limits").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec();
    for (String source : SOURCES) {
      pod.editSpec().addAllToVolumes(volumes(source)).editFirstContainer()
          .addNewVolumeMount().withName(source).withMountPath("/etc/" + source).endVolumeMount()
          .addNewVolumeMount().withName(source + "-default-mode").withMountPath("/etc/" + source + "-default-mode")
          .endVolumeMount()
          .addNewVolumeMount().withName(source + "-item-mode").withMountPath("/etc/" + source + "-item-mode")
          .endVolumeMount()
          .endContainer().endSpec();
    }
    RealNode.client().resource(pod.build()).create();
    RealNode.awaitPhase(ns, POD, "Running", RUN);
    Await.until(RUN, "the container's report", () -> log(ns).contains("REPORT-END"));

    Node node = RealNode.node();
    String allocatableCpu = node.getStatus().getAllocatable().get("cpu").getNumericalAmount()
        .setScale(0, RoundingMode.CEILING).toPlainString();
    String allocatableMemory = node.getStatus().getAllocatable().get("memory").getNumericalAmount()
        .setScale(0, RoundingMode.CEILING).toPlainString();
    List<String> out = Arrays.asList(log(ns).split("\n"));
    for (String d : SOURCES) {
      expect(out, "content of " + d + "/podname: " + POD);
      expect(out, "content of " + d + "/cpu_limit: 2"); // 1250m rounded up
      expect(out, "content of " + d + "/cpu_request: 1"); // 250m rounded up
      expect(out, "content of " + d + "/memory_limit: 67108864");
      expect(out, "content of " + d + "/memory_request: 33554432");
      expect(out, "content of " + d + "/default_cpu_limit: " + allocatableCpu);
      expect(out, "content of " + d + "/default_memory_limit: " + allocatableMemory);
      expect(out, "mode of file " + d + "/podname: -rw-r--r--");
      for (String m : List.of("default-mode", "item-mode")) {
        expect(out, "content of " + d + "-" + m + "/podname: " + POD);
        expect(out, "mode of file " + d + "-" + m + "/podname: -r--------");
      }
      Await.until(RUN, d + " labels and annotations", () -> printed(ns, d + " labels: ", "key1=\"value1\"")
          && printed(ns, d + " labels: ", "key2=\"value2\"") && printed(ns, d + " annotations: ", "builder=\"bar\""));
    }

    // Upstream updates the running pod's labels and annotations; a merge patch does not race the kubelet's writes.
    RealNode.client().pods().inNamespace(ns).withName(POD).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"key3\":\"value3\"},\"annotations\":{\"builder\":\"foo\"}}}");
    for (String d : SOURCES) {
      Await.until(RUN, "the new label and annotation in " + d, () -> printed(ns, d + " labels: ", "key3=\"value3\"")
          && printed(ns, d + " annotations: ", "builder=\"foo\""));
    }
  }

  private static String log(String ns) {
    return RealNode.log(ns, POD, "client-container");
  }

  /** Whether the container printed a line starting with {@code prefix} that holds {@code entry} (one of a file's). */
  private static boolean printed(String ns, String prefix, String entry) {
    return Arrays.stream(log(ns).split("\n")).anyMatch(l -> l.startsWith(prefix)
        && Arrays.asList(l.substring(prefix.length()).split(" ")).contains(entry));
  }

  private static void expect(List<String> out, String line) {
    assertTrue(out.contains(line), "expected \"" + line + "\" in\n" + String.join("\n", out));
  }
}

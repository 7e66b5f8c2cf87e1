package io.quarkube.kubelet.staticpods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticPodManifestsTest {
  private static final String YAML = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        containers:
        - name: main
          image: busybox
      """;

  @Test
  void defaultsAsUpstream() {
    Pod pod = StaticPodManifests.parse(YAML, "/m/web.yaml", "node1");
    assertEquals("web-node1", pod.getMetadata().getName());
    assertEquals("default", pod.getMetadata().getNamespace());
    assertEquals("node1", pod.getSpec().getNodeName());
    assertEquals("Always", pod.getSpec().getRestartPolicy());
    assertEquals(32, pod.getMetadata().getUid().length());
    assertEquals(pod.getMetadata().getUid(), pod.getMetadata().getAnnotations().get(StaticPodManifests.CONFIG_HASH));
    assertEquals("file", pod.getMetadata().getAnnotations().get(StaticPodManifests.CONFIG_SOURCE));
    assertTrue(StaticPodManifests.isStatic(pod));
  }

  @Test
  void theUidFollowsTheContent() {
    String a = StaticPodManifests.parse(YAML, "/m/web.yaml", "n").getMetadata().getUid();
    assertEquals(a, StaticPodManifests.parse(YAML, "/m/web.yaml", "n").getMetadata().getUid());
    assertNotEquals(a, StaticPodManifests.parse(YAML.replace("busybox", "busybox:1"), "/m/web.yaml", "n")
        .getMetadata().getUid());
    assertNotEquals(a, StaticPodManifests.parse(YAML, "/m/web.yaml", "other").getMetadata().getUid());
  }

  @Test
  void jsonAndBadManifests() {
    Pod pod = StaticPodManifests.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"j\","
        + "\"namespace\":\"kube-system\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}",
        "/m/j.json", "n");
    assertEquals("kube-system", pod.getMetadata().getNamespace());
    assertThrows(RuntimeException.class, () -> StaticPodManifests.parse("kind: Pod\nmetadata: {}\n", "x", "n"));
    assertThrows(RuntimeException.class, () -> StaticPodManifests.parse("apiVersion: v1\nkind: Pod\nmetadata:\n"
        + "  name: x\nspec: {}\n", "x", "n"));
  }

  @Test
  void sourceReportsAddedEditedAndRemovedFiles(@TempDir Path dir) throws Exception {
    List<String> changed = new ArrayList<>();
    StaticPodSource source = new StaticPodSource(dir, "n", changed::add, Clock.systemUTC());
    source.refresh();
    assertTrue(source.hasSynced());
    assertTrue(source.all().isEmpty());
    Files.writeString(dir.resolve("web.yaml"), YAML);
    Files.writeString(dir.resolve(".hidden.yaml"), YAML);
    Files.writeString(dir.resolve("broken.yaml"), "{{{");
    Files.writeString(dir.resolve("notes.txt"), YAML);
    assertTrue(source.refresh());
    Map<String, Pod> pods = source.all();
    assertEquals(1, pods.size());
    String first = pods.keySet().iterator().next();
    assertEquals(List.of(first), changed);
    assertTrue(!source.refresh(), "nothing changed");

    Files.writeString(dir.resolve("web.yaml"), YAML.replace("busybox", "busybox:latest"));
    assertTrue(source.refresh());
    String second = source.all().keySet().iterator().next();
    assertNotEquals(first, second);
    assertTrue(changed.containsAll(List.of(first, second)));
    assertEquals("web-n", source.byName("default", "web-n").orElseThrow().getMetadata().getName());

    Files.delete(dir.resolve("web.yaml"));
    assertTrue(source.refresh());
    assertTrue(source.all().isEmpty());
  }
}

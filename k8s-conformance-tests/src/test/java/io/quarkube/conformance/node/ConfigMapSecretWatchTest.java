package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kubelet keeps the ConfigMaps and Secrets of its pods current through one watch per object (upstream's default
 * {@code configMapAndSecretChangeDetectionStrategy: Watch}) instead of GETting each at every pod sync: the audit log
 * shows the node listing and watching the object by {@code fieldSelector=metadata.name=...} and never getting it,
 * while updates still reach the pod's volumes.
 */
@Conformance("node.configmap-secret-watch")
@ExtendWith(TestNamespace.class)
class ConfigMapSecretWatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Several pod syncs (every 10 s): before the watches, each GET the pod's objects. */
  private static final Duration QUIET_WINDOW = Duration.ofSeconds(25);

  private static String exec(String ns, String pod, String... command) {
    List<String> args = new ArrayList<>(List.of("exec", pod, "-n", ns, "--"));
    args.addAll(List.of(command));
    return Kubectl.stock().run(args.toArray(String[]::new)).ok().out();
  }

  @Test
  void podObjectsAreWatchedNotPolledAndUpdatesReachTheVolumes(String ns) throws Exception {
    RealNode.client().resource(new ConfigMapBuilder().withNewMetadata().withName("watched").withNamespace(ns)
        .endMetadata().withData(Map.of("greeting", "hello")).build()).create();
    RealNode.client().resource(new SecretBuilder().withNewMetadata().withName("watched").withNamespace(ns)
        .endMetadata().withStringData(Map.of("token", "one")).build()).create();
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("reader").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("cfg").withNewConfigMap().withName("watched").endConfigMap().endVolume()
        .addNewVolume().withName("sec").withNewSecret().withSecretName("watched").endSecret().endVolume()
        .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600")
        .addNewVolumeMount().withName("cfg").withMountPath("/etc/cfg").endVolumeMount()
        .addNewVolumeMount().withName("sec").withMountPath("/etc/sec").endVolumeMount()
        .endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "reader", "Running", Duration.ofSeconds(60));
    assertEquals("hello", exec(ns, "reader", "cat", "/etc/cfg/greeting"));
    assertEquals("one", exec(ns, "reader", "cat", "/etc/sec/token"));

    // A window of several syncs of the running pod: the node reads neither object (nor the projected
    // kube-root-ca.crt of the pod's service account volume) with a GET.
    Path log = RealNode.stateDir().resolve("logs/audit.log");
    long from = Files.size(log);
    Thread.sleep(QUIET_WINDOW.toMillis());
    String node = "system:node:" + RealNode.name();
    List<JsonNode> gets = events(log, from).stream().filter(e -> node.equals(e.path("user").path("username")
        .asText()) && ns.equals(e.path("objectRef").path("namespace").asText())
        && e.path("objectRef").path("resource").asText().matches("configmaps|secrets")
        && "get".equals(e.path("verb").asText())).toList();
    assertTrue(gets.isEmpty(), "the node GETs objects it should watch: " + gets);
    List<JsonNode> all = events(log, 0);
    for (String resource : List.of("configmaps", "secrets")) {
      assertTrue(all.stream().anyMatch(e -> node.equals(e.path("user").path("username").asText())
          && e.path("verb").asText().matches("list|watch")
          && e.path("objectRef").path("resource").asText().equals(resource)
          && ns.equals(e.path("objectRef").path("namespace").asText())
          && URLDecoder.decode(e.path("requestURI").asText(), StandardCharsets.UTF_8)
              .contains("fieldSelector=metadata.name=watched")),
          "the node lists " + resource + "/watched by its name");
    }

    RealNode.client().configMaps().inNamespace(ns).withName("watched").edit(cm -> {
      cm.setData(Map.of("greeting", "bye"));
      return cm;
    });
    RealNode.client().secrets().inNamespace(ns).withName("watched").edit(s -> {
      s.setData(Map.of("token", Base64.getEncoder().encodeToString("two".getBytes(StandardCharsets.UTF_8))));
      return s;
    });
    Await.until(Duration.ofSeconds(90), "the new ConfigMap and Secret values in the running pod", () ->
        exec(ns, "reader", "cat", "/etc/cfg/greeting").equals("bye")
            && exec(ns, "reader", "cat", "/etc/sec/token").equals("two"));
    assertEquals(0, RealNode.pod(ns, "reader").getStatus().getContainerStatuses().get(0).getRestartCount());
  }

  @Test
  void aDeletedObjectIsNotFoundForANewPodAsBefore(String ns) {
    RealNode.client().resource(new ConfigMapBuilder().withNewMetadata().withName("gone").withNamespace(ns)
        .endMetadata().withData(Map.of("k", "v")).build()).create();
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("holder").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewVolume().withName("cfg").withNewConfigMap().withName("gone").endConfigMap().endVolume()
        .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600")
        .addNewVolumeMount().withName("cfg").withMountPath("/etc/cfg").endVolumeMount()
        .endContainer().endSpec().build()).create();
    RealNode.awaitPhase(ns, "holder", "Running", Duration.ofSeconds(60));
    // Deleted while the running pod keeps its watch: a second pod naming it in env must not start from a stale copy.
    RealNode.client().configMaps().inNamespace(ns).withName("gone").delete();
    RealNode.client().resource(new PodBuilder().withNewMetadata().withName("late").withNamespace(ns).endMetadata()
        .withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600")
        .addNewEnv().withName("K").withNewValueFrom().withNewConfigMapKeyRef("k", "gone", false).endValueFrom()
        .endEnv().endContainer().endSpec().build()).create();
    Await.until(Duration.ofSeconds(60), "late waits with CreateContainerConfigError: configmap \"gone\" not found",
        () -> {
          var statuses = RealNode.pod(ns, "late").getStatus().getContainerStatuses();
          if (statuses == null || statuses.isEmpty() || statuses.get(0).getState().getWaiting() == null) {
            return false;
          }
          var waiting = statuses.get(0).getState().getWaiting();
          return "CreateContainerConfigError".equals(waiting.getReason())
              && waiting.getMessage().contains("configmap \"gone\" not found");
        });
  }

  /** The audit events written after byte {@code from} of the log (JSON lines). */
  private static List<JsonNode> events(Path log, long from) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      file.seek(from <= file.length() ? from : 0); // a rotated log starts again
      byte[] rest = new byte[(int) (file.length() - file.getFilePointer())];
      file.readFully(rest);
      for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          try {
            out.add(JSON.readTree(line));
          } catch (IOException partial) {
            // the last line may be half written
          }
        }
      }
    }
    return out;
  }
}

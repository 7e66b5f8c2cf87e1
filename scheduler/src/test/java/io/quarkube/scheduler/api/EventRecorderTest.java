package io.quarkube.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EventRecorderTest {
  private record Call(String method, String path, String contentType, String body) {}

  private final List<Call> calls = new ArrayList<>();
  private final EventRecorder recorder = new EventRecorder((m, p, ct, b) -> {
    calls.add(new Call(m, p, ct, b));
    return CompletableFuture.completedFuture(new ApiWriter.Response(201, null));
  }, "default-scheduler", "host_1");

  private static Pod pod() {
    return new PodBuilder().withNewMetadata().withName("web-0").withNamespace("ns").withUid("u-1")
        .withResourceVersion("42").endMetadata().build();
  }

  @Test
  void writesTheEventAsJson() throws Exception {
    recorder.record(pod(), "Normal", "Scheduled", "Binding", "Successfully assigned ns/web-0 to \"n1\"\n");
    assertEquals(1, calls.size());
    Call c = calls.get(0);
    assertEquals("POST", c.method());
    assertEquals("/api/v1/namespaces/ns/events", c.path());
    JsonNode ev = new ObjectMapper().readTree(c.body());
    assertEquals("Event", ev.path("kind").asText());
    assertEquals("v1", ev.path("apiVersion").asText());
    assertEquals("ns", ev.path("metadata").path("namespace").asText());
    assertEquals(true, ev.path("metadata").path("name").asText().startsWith("web-0."));
    JsonNode involved = ev.path("involvedObject");
    assertEquals("Pod", involved.path("kind").asText());
    assertEquals("v1", involved.path("apiVersion").asText());
    assertEquals("web-0", involved.path("name").asText());
    assertEquals("u-1", involved.path("uid").asText());
    assertEquals("42", involved.path("resourceVersion").asText());
    assertEquals("Scheduled", ev.path("reason").asText());
    assertEquals("Successfully assigned ns/web-0 to \"n1\"\n", ev.path("message").asText());
    assertEquals("Normal", ev.path("type").asText());
    assertEquals("Binding", ev.path("action").asText());
    assertEquals("default-scheduler", ev.path("source").path("component").asText());
    assertEquals("default-scheduler", ev.path("reportingComponent").asText());
    assertEquals("host_1", ev.path("reportingInstance").asText());
    assertEquals(ev.path("firstTimestamp").asText(), ev.path("lastTimestamp").asText());
    assertEquals(1, ev.path("count").asInt());
  }

  @Test
  void aRepeatPatchesTheCountOfTheFirst() throws Exception {
    recorder.record(pod(), "Warning", "FailedScheduling", "Scheduling", "0/3 nodes are available");
    recorder.record(pod(), "Warning", "FailedScheduling", "Scheduling", "0/3 nodes are available");
    assertEquals(2, calls.size());
    String name = new ObjectMapper().readTree(calls.get(0).body()).path("metadata").path("name").asText();
    Call patch = calls.get(1);
    assertEquals("PATCH", patch.method());
    assertEquals("/api/v1/namespaces/ns/events/" + name, patch.path());
    assertEquals(ApiWriter.MERGE_PATCH, patch.contentType());
    JsonNode p = new ObjectMapper().readTree(patch.body());
    assertEquals(2, p.path("count").asInt());
    assertEquals(false, p.path("lastTimestamp").asText().isEmpty());
  }
}

package io.quarkube.controllers.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerTimeTrackerTest {
  private static final String CREATED = "2026-01-01T00:00:00Z";

  private static Service service(String created) {
    return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName("web").withCreationTimestamp(created)
        .endMetadata().build();
  }

  private static Pod pod(String name, String readySince) {
    return new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata().withNewStatus()
        .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(readySince).endCondition()
        .endStatus().build();
  }

  @Test
  void firstSyncIsTheServiceCreationThenTheEarliestChangedPod() {
    TriggerTimeTracker t = new TriggerTimeTracker();
    assertEquals(Instant.parse(CREATED), t.compute(service(CREATED), List.of(pod("a", "2026-01-01T00:01:00Z"))));
    assertNull(t.compute(service(CREATED), List.of(pod("a", "2026-01-01T00:01:00Z"))), "nothing changed");
    assertEquals(Instant.parse("2026-01-01T00:02:00Z"), t.compute(service(CREATED), List.of(
        pod("a", "2026-01-01T00:03:00Z"), pod("b", "2026-01-01T00:02:00Z"))), "the earliest of the changes");
    assertNull(t.compute(service(CREATED), List.of(pod("a", "2026-01-01T00:03:00Z"))), "a pod leaving is no trigger");

    t.forget("ns/web");
    String again = "2026-01-01T01:00:00Z";
    assertEquals(Instant.parse(again), t.compute(service(again), List.of(pod("a", "2026-01-01T00:03:00Z"))),
        "a Service made again starts afresh");
  }

  @Test
  void formatsAsGoRfc3339Nano() {
    assertEquals("2026-01-01T00:00:00Z", TriggerTimeTracker.format(Instant.parse("2026-01-01T00:00:00Z")));
    assertEquals("2026-01-01T00:00:00.5Z", TriggerTimeTracker.format(Instant.parse("2026-01-01T00:00:00.500Z")));
    assertEquals("2026-01-01T00:00:00.123456789Z",
        TriggerTimeTracker.format(Instant.parse("2026-01-01T00:00:00.123456789Z")));
  }
}

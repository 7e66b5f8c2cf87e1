package io.quarkube.controllers.podgc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.MutableClock;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodGarbageCollectorTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-04T10:00:00Z"));
  private final PodGarbageCollector gc = new PodGarbageCollector(new ControllerContext(caches, writer,
      c -> EventRecorder.discarding(), null, null), 2, clock);

  private PodBuilder pod(String name, String node, String phase, int createdMinute) {
    return new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).withUid(name)
        .withCreationTimestamp("2026-03-04T09:0" + createdMinute + ":00Z").endMetadata().withNewSpec()
        .withNodeName(node).endSpec().withNewStatus().withPhase(phase).endStatus();
  }

  private Node node(String name) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  @Test
  void terminatedPodsOverTheThresholdGoOldestFirst() {
    caches.put(node("n1"));
    caches.put(pod("a", "n1", "Succeeded", 1).build());
    caches.put(pod("b", "n1", "Failed", 2).build());
    caches.put(pod("c", "n1", "Succeeded", 3).build());
    caches.put(pod("d", "n1", "Succeeded", 4).build());
    caches.put(pod("run", "n1", "Running", 0).build());
    gc.reconcile(PodGarbageCollector.KEY);
    assertEquals(List.of("delete Pod ns/a", "delete Pod ns/b"), writer.actions());
  }

  @Test
  void podsOfAGoneNodeAreForceDeletedAfterTheQuarantine() {
    caches.put(node("n1"));
    caches.put(pod("here", "n1", "Running", 1).build());
    caches.put(pod("orphan", "gone", "Running", 1).build());
    gc.reconcile(PodGarbageCollector.KEY);
    assertTrue(writer.actions().isEmpty(), "quarantined first");
    clock.advance(Duration.ofSeconds(41));
    gc.reconcile(PodGarbageCollector.KEY);
    assertEquals(List.of("update-status Pod ns/orphan", "force-delete Pod ns/orphan"), writer.actions());
  }

  @Test
  void unscheduledTerminatingPodsAreForceDeleted() {
    caches.put(pod("pending", null, "Pending", 1).editMetadata().withDeletionTimestamp("2026-03-04T09:59:00Z")
        .endMetadata().build());
    caches.put(pod("waiting", null, "Pending", 1).build());
    gc.reconcile(PodGarbageCollector.KEY);
    assertEquals(List.of("force-delete Pod ns/pending"), writer.actions());
  }
}

package io.quarkube.controllers.replicaset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.CreateRefusingWriter;
import io.quarkube.controllers.support.ObjectWriter;
import io.quarkube.controllers.support.Owners;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaControllerTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final List<String> events = new ArrayList<>();
  private final ControllerContext ctx = new ControllerContext(caches, writer,
      c -> (obj, type, reason, message) -> events.add(reason + ": " + message), null, null);
  private final ReplicaController<ReplicaSet> controller = new ReplicaController<>(ctx, new ReplicaSetKind(),
      Clock.fixed(NOW, ZoneOffset.UTC));

  private ReplicaSet rs(int replicas, int minReadySeconds) {
    return new ReplicaSetBuilder().withNewMetadata().withNamespace("ns").withName("web").withUid("rs-uid")
        .withGeneration(2L).endMetadata().withNewSpec().withReplicas(replicas).withMinReadySeconds(minReadySeconds)
        .withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("img").endContainer().endSpec().endTemplate()
        .endSpec().build();
  }

  private Pod pod(String name, String node, boolean ready, String readySince, boolean owned) {
    PodBuilder b = new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).withUid(name + "-uid")
        .addToLabels("app", "web").withCreationTimestamp("2026-06-01T11:00:00Z").endMetadata()
        .withNewSpec().withNodeName(node).endSpec()
        .withNewStatus().withPhase(node == null ? "Pending" : "Running")
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
        .withLastTransitionTime(readySince).endCondition().endStatus();
    if (owned) {
      b.editMetadata().withOwnerReferences(Owners.controllerRef(caches.indexer(ReplicaSet.class)
          .getByKey("ns/web"))).endMetadata();
    }
    return b.build();
  }

  private void drain() throws InterruptedException {
    while (controller.queue().length() > 0) {
      controller.processNextItem();
    }
  }

  private List<Pod> pods() {
    return caches.indexer(Pod.class).list();
  }

  @Test
  void scalesUpWithControllerRefsAndReportsStatus() throws Exception {
    caches.put(rs(3, 0));
    drain();
    assertEquals(3, pods().size());
    for (Pod p : pods()) {
      OwnerReference ref = Owners.controllerOf(p).orElseThrow();
      assertEquals("rs-uid", ref.getUid());
      assertEquals("ReplicaSet", ref.getKind());
      assertTrue(p.getMetadata().getName().startsWith("web-"));
    }
    ReplicaSet stored = caches.indexer(ReplicaSet.class).getByKey("ns/web");
    assertEquals(3, stored.getStatus().getReplicas());
    assertEquals(0, stored.getStatus().getReadyReplicas());
    assertEquals(2L, stored.getStatus().getObservedGeneration());
    assertEquals(3, events.stream().filter(e -> e.startsWith("SuccessfulCreate")).count());
  }

  @Test
  void unmetExpectationsPreventADoubleCreate() throws Exception {
    writer.observeWrites(false); // the pod informer lags behind our creates
    caches.put(rs(2, 0));
    controller.processNextItem();
    assertEquals(2, writer.actions().stream().filter(a -> a.startsWith("create Pod")).count());
    controller.enqueue("ns/web");
    controller.processNextItem();
    assertEquals(2, writer.actions().stream().filter(a -> a.startsWith("create Pod")).count(),
        "still waiting to see the first two");
    assertEquals(2, controller.expectations().pendingCreations("ns/web"));
  }

  @Test
  void scaleDownDeletesTheLeastValuablePodsFirst() throws Exception {
    caches.put(rs(1, 0));
    caches.put(pod("unscheduled", null, false, null, true));
    caches.put(pod("not-ready", "node-3", false, null, true));
    caches.put(pod("ready-old", "node-1", true, "2026-06-01T10:00:00Z", true));
    caches.put(pod("ready-new", "node-2", true, "2026-06-01T11:30:00Z", true));
    drain();
    assertEquals(List.of("ready-old"), pods().stream().map(p -> p.getMetadata().getName()).toList());
  }

  @Test
  void adoptsMatchingOrphansAndReleasesPodsThatNoLongerMatch() throws Exception {
    caches.put(rs(1, 0));
    drain();
    assertEquals(1, pods().size());
    Pod created = pods().get(0);
    caches.put(new PodBuilder(created).editMetadata().withLabels(java.util.Map.of("app", "other")).endMetadata()
        .build());
    caches.put(pod("orphan", "node-1", true, "2026-06-01T10:00:00Z", false));
    drain();
    Pod released = caches.indexer(Pod.class).getByKey("ns/" + created.getMetadata().getName());
    assertTrue(Owners.controllerOf(released).isEmpty(), "released");
    assertEquals("rs-uid", Owners.controllerOf(caches.indexer(Pod.class).getByKey("ns/orphan")).orElseThrow()
        .getUid(), "adopted");
    assertEquals(2, pods().size(), "the adopted orphan fills the one replica: nothing created");
  }

  @Test
  void availabilityWaitsForMinReadySeconds() throws Exception {
    caches.put(rs(2, 30));
    caches.put(pod("a", "node-1", true, "2026-06-01T11:00:00Z", true)); // ready an hour ago
    caches.put(pod("b", "node-1", true, "2026-06-01T11:59:50Z", true)); // ready 10 s ago
    drain();
    ReplicaSet stored = caches.indexer(ReplicaSet.class).getByKey("ns/web");
    assertEquals(2, stored.getStatus().getReadyReplicas());
    assertEquals(1, stored.getStatus().getAvailableReplicas());
    assertEquals(1, controller.queue().waitingCount(), "looks again when b becomes available");
  }

  private static final String QUOTA = "pods \"web-1\" is forbidden: exceeded quota: q, requested: pods=1, "
      + "used: pods=1, limited: pods=1";

  /** What the Fabric8 client throws for the API server's 403: its message wraps the Status in request details. */
  static KubernetesClientException quotaRefusal() {
    return new KubernetesClientException("Failure executing: POST at: https://127.0.0.1:24443/api/v1/namespaces/ns/"
        + "pods. Message: " + QUOTA + ". Received status: Status(apiVersion=v1, code=403, message=" + QUOTA + ")",
        403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(QUOTA).build());
  }

  @Test
  void failedCreateSaysWhatTheApiServerSaid() throws Exception {
    ObjectWriter refusing = new CreateRefusingWriter(writer, ReplicaControllerTest::quotaRefusal);
    ReplicaController<ReplicaSet> refused = new ReplicaController<>(new ControllerContext(caches, refusing,
        c -> (obj, type, reason, message) -> events.add(reason + ": " + message), null, null),
        new ReplicaSetKind(), Clock.fixed(NOW, ZoneOffset.UTC));
    caches.put(rs(1, 0));
    try {
      refused.processNextItem();
    } catch (RuntimeException expected) {
      // requeued with backoff in the real work loop
    }
    assertTrue(events.contains("FailedCreate: Error creating: " + QUOTA), events.toString());
    var failure = caches.indexer(ReplicaSet.class).getByKey("ns/web").getStatus().getConditions().get(0);
    assertEquals("ReplicaFailure", failure.getType());
    assertEquals(QUOTA, failure.getMessage(), "the Deployment copies this message into its own condition");
  }
}

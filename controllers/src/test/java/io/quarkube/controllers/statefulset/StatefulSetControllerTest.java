package io.quarkube.controllers.statefulset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.history.RevisionHistory;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatefulSetControllerTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final List<String> events = new ArrayList<>();
  private final ControllerContext ctx = new ControllerContext(caches, writer,
      c -> (obj, type, reason, message) -> events.add(reason + ": " + message), null, null);
  private final StatefulSetController controller = new StatefulSetController(ctx, Clock.fixed(NOW, ZoneOffset.UTC));

  private StatefulSet set(int replicas, String policy, String image) {
    StatefulSet s = new StatefulSetBuilder().withNewMetadata().withNamespace("ns").withName("web").withUid("sts-uid")
        .withGeneration(1L).endMetadata().withNewSpec().withReplicas(replicas).withServiceName("nginx")
        .withPodManagementPolicy(policy).withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
        .withPartition(0).endRollingUpdate().endUpdateStrategy()
        .withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec().endTemplate()
        .addNewVolumeClaimTemplate().withNewMetadata().withName("data").addToLabels("tier", "db").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().endVolumeClaimTemplate()
        .endSpec().build();
    s.setApiVersion("apps/v1");
    return s;
  }

  /** One reconcile, failures surfacing here (deletes are immediate in these caches: one step at a time). */
  private void sync() throws Exception {
    controller.reconcile("ns/web");
  }

  private Pod pod(String name) {
    return caches.indexer(Pod.class).getByKey("ns/" + name);
  }

  private List<String> podNames() {
    return caches.indexer(Pod.class).list().stream().map(p -> p.getMetadata().getName()).sorted().toList();
  }

  private void markReady(String name) {
    caches.put(new PodBuilder(pod(name)).editOrNewStatus().withPhase("Running").addNewCondition().withType("Ready")
        .withStatus("True").withLastTransitionTime("2026-06-01T11:00:00Z").endCondition().endStatus().build());
  }

  private StatefulSet stored() {
    return caches.indexer(StatefulSet.class).getByKey("ns/web");
  }

  /** Marks every pod ready, syncing between, until the set has {@code n} pods. */
  private void runUntil(int n) throws Exception {
    for (int i = 0; i < 3 * n + 3; i++) {
      sync();
      caches.indexer(Pod.class).list().stream().filter(p -> !StatefulSetController.isHealthy(p)
          && p.getMetadata().getDeletionTimestamp() == null).forEach(p -> markReady(p.getMetadata().getName()));
    }
    sync();
  }

  @Test
  void orderedReadyCreatesOnePodAtATimeWithStableIdentityAndClaims() throws Exception {
    caches.put(set(3, "OrderedReady", "img:1"));
    sync();
    assertEquals(List.of("web-0"), podNames(), "web-1 waits for web-0");
    Pod web0 = pod("web-0");
    assertEquals("web-0", web0.getSpec().getHostname());
    assertEquals("nginx", web0.getSpec().getSubdomain());
    assertEquals("web-0", web0.getMetadata().getLabels().get("statefulset.kubernetes.io/pod-name"));
    assertEquals("0", web0.getMetadata().getLabels().get("apps.kubernetes.io/pod-index"));
    assertEquals("data-web-0", web0.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
    PersistentVolumeClaim claim = caches.indexer(PersistentVolumeClaim.class).getByKey("ns/data-web-0");
    assertNotNull(claim, "the claim is made before the pod");
    assertEquals(Map.of("app", "web", "tier", "db"), claim.getMetadata().getLabels());
    assertTrue(writer.actions().indexOf("create PersistentVolumeClaim ns/data-web-0")
        < writer.actions().indexOf("create Pod ns/web-0"));

    sync();
    assertEquals(List.of("web-0"), podNames(), "still waiting: web-0 is not Running and Ready");
    markReady("web-0");
    sync();
    assertEquals(List.of("web-0", "web-1"), podNames());
    markReady("web-1");
    sync();
    markReady("web-2");
    sync();
    StatefulSet s = stored();
    assertEquals(3, s.getStatus().getReplicas());
    assertEquals(3, s.getStatus().getReadyReplicas());
    assertEquals(3, s.getStatus().getAvailableReplicas());
    assertEquals(s.getStatus().getUpdateRevision(), s.getStatus().getCurrentRevision());
    assertEquals(s.getStatus().getUpdateRevision(), pod("web-2").getMetadata().getLabels()
        .get(RevisionHistory.HASH_LABEL));
    assertEquals(1L, s.getStatus().getObservedGeneration());
    assertTrue(events.contains("SuccessfulCreate: create Pod web-0 in StatefulSet web successful"), events.toString());
    assertTrue(events.contains("SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success"));
  }

  @Test
  void aRevisionItJustCreatedButCannotSeeYetIsNotTakenForAHashCollision() throws Exception {
    caches.put(set(1, "OrderedReady", "img:1"));
    writer.observeWrites(false); // the informers lag behind the controller's own creates
    sync();
    org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, this::sync,
        "its revision's create answers 409 while the cache lacks it: retry later");
    assertNull(stored().getStatus() == null ? null : stored().getStatus().getCollisionCount(),
        "no collision counted for our own revision");
    writer.observeWrites(true);
    writer.catchUp();
    runUntil(1);
    assertEquals(1, caches.indexer(ControllerRevision.class).list().size(), "one revision, not one per lagging sync");
    assertEquals(List.of("web-0"), podNames());
  }

  @Test
  void scaleDownRemovesTheHighestOrdinalFirstAndKeepsClaims() throws Exception {
    caches.put(set(3, "OrderedReady", "img:1"));
    runUntil(3);
    assertEquals(List.of("web-0", "web-1", "web-2"), podNames());
    caches.put(new StatefulSetBuilder(stored()).editSpec().withReplicas(1).endSpec().build());
    sync();
    assertEquals(List.of("web-0", "web-1"), podNames(), "web-2 first, alone");
    sync();
    assertEquals(List.of("web-0"), podNames());
    assertEquals(3, caches.indexer(PersistentVolumeClaim.class).list().size(), "claims are retained");
  }

  @Test
  void parallelCreatesEveryPodAtOnce() throws Exception {
    caches.put(set(3, "Parallel", "img:1"));
    sync();
    assertEquals(List.of("web-0", "web-1", "web-2"), podNames());
  }

  @Test
  void rollingUpdateReplacesFromTheHighestOrdinalDownToThePartition() throws Exception {
    caches.put(set(3, "OrderedReady", "img:1"));
    runUntil(3);
    String v1 = stored().getStatus().getCurrentRevision();
    StatefulSet v2 = new StatefulSetBuilder(stored()).editSpec().editTemplate().editSpec().editFirstContainer()
        .withImage("img:2").endContainer().endSpec().endTemplate().editUpdateStrategy().editRollingUpdate()
        .withPartition(2).endRollingUpdate().endUpdateStrategy().endSpec().editMetadata().withGeneration(2L)
        .endMetadata().build();
    caches.put(v2);
    sync();
    assertNull(pod("web-2"), "the highest ordinal goes first");
    assertEquals(List.of("web-0", "web-1"), podNames());
    runUntil(3);
    String v2Name = stored().getStatus().getUpdateRevision();
    assertEquals("img:2", pod("web-2").getSpec().getContainers().get(0).getImage());
    assertEquals(v2Name, pod("web-2").getMetadata().getLabels().get(RevisionHistory.HASH_LABEL));
    assertEquals("img:1", pod("web-1").getSpec().getContainers().get(0).getImage(), "below the partition");
    assertEquals("img:1", pod("web-0").getSpec().getContainers().get(0).getImage());
    StatefulSet s = stored();
    assertEquals(v1, s.getStatus().getCurrentRevision());
    assertEquals(1, s.getStatus().getUpdatedReplicas());
    assertEquals(2, s.getStatus().getCurrentReplicas());
    assertEquals(2, caches.indexer(ControllerRevision.class).list().size());

    caches.put(new StatefulSetBuilder(stored()).editSpec().editUpdateStrategy().editRollingUpdate()
        .withPartition(0).endRollingUpdate().endUpdateStrategy().endSpec().build());
    runUntil(3);
    s = stored();
    assertEquals(3, s.getStatus().getUpdatedReplicas());
    assertEquals(v2Name, s.getStatus().getCurrentRevision(), "rollout complete: update revision is current");
    for (String n : List.of("web-0", "web-1", "web-2")) {
      assertEquals("img:2", pod(n).getSpec().getContainers().get(0).getImage());
    }
  }

  @Test
  void onDeleteOnlyUsesTheNewTemplateForReplacedPods() throws Exception {
    StatefulSet s = set(2, "Parallel", "img:1");
    s.getSpec().getUpdateStrategy().setType("OnDelete");
    s.getSpec().getUpdateStrategy().setRollingUpdate(null);
    caches.put(s);
    runUntil(2);
    caches.put(new StatefulSetBuilder(stored()).editSpec().editTemplate().editSpec().editFirstContainer()
        .withImage("img:2").endContainer().endSpec().endTemplate().endSpec().build());
    runUntil(2);
    assertEquals("img:1", pod("web-1").getSpec().getContainers().get(0).getImage());
    caches.remove(pod("web-1"));
    runUntil(2);
    assertEquals("img:2", pod("web-1").getSpec().getContainers().get(0).getImage());
    assertEquals("img:1", pod("web-0").getSpec().getContainers().get(0).getImage());
  }
}

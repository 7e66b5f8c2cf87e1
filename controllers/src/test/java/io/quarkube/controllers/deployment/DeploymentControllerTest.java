package io.quarkube.controllers.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.replicaset.ReplicaSetControllers;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.Pods;
import io.quarkube.controllers.support.RecordingWriter;
import io.quarkube.client.controller.Controller;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deployment controller together with the ReplicaSet controller on hand-filled caches; the test plays the
 * kubelet by marking pods Ready.
 */
class DeploymentControllerTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final List<String> events = new ArrayList<>();
  private final ControllerContext ctx = new ControllerContext(caches, writer,
      c -> (obj, type, reason, message) -> events.add(reason + ": " + message), null, null);
  private final DeploymentController deployments = new DeploymentController(ctx);
  private final Controller<String> replicaSets = ReplicaSetControllers.replicaSets(ctx);
  private int minAvailableSeen = Integer.MAX_VALUE;
  /** The pods settle() readies, as a kubelet whose probes pass only for those. */
  private java.util.function.Predicate<Pod> healthy = p -> true;

  private Deployment deployment(String image, String strategy) {
    DeploymentBuilder b = new DeploymentBuilder().withNewMetadata().withNamespace("ns").withName("web")
        .withUid("d-uid").withGeneration(1L).endMetadata().withNewSpec().withReplicas(4)
        .withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec().endTemplate()
        .withNewStrategy().withType(strategy).endStrategy().endSpec();
    if (strategy.equals("RollingUpdate")) {
      b.editSpec().editStrategy().withNewRollingUpdate().withMaxSurge(new IntOrString(1))
          .withMaxUnavailable(new IntOrString(1)).endRollingUpdate().endStrategy().endSpec();
    }
    return b.build();
  }

  /** Runs both controllers until neither has work; marks new pods Ready in between, like a kubelet. */
  private void settle() throws InterruptedException {
    for (int round = 0; round < 200; round++) {
      boolean worked = false;
      while (deployments.queue().length() > 0) {
        deployments.processNextItem();
        worked = true;
      }
      while (replicaSets.queue().length() > 0) {
        replicaSets.processNextItem();
        worked = true;
      }
      minAvailableSeen = Math.min(minAvailableSeen, (int) caches.indexer(Pod.class).list().stream()
          .filter(p -> Pods.isActive(p) && Pods.isReady(p)).count());
      for (Pod p : caches.indexer(Pod.class).list()) {
        if (!Pods.isReady(p) && healthy.test(p)) {
          caches.put(new PodBuilder(p).editOrNewSpec().withNodeName("node-1").endSpec().withNewStatus()
              .withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
              .withLastTransitionTime("2026-01-01T00:00:00Z").endCondition().endStatus().build());
          worked = true;
        }
      }
      if (!worked) {
        return;
      }
    }
    throw new AssertionError("did not settle");
  }

  private List<ReplicaSet> sets() {
    List<ReplicaSet> l = new ArrayList<>(caches.indexer(ReplicaSet.class).list());
    l.sort(Comparator.comparingLong(Rollouts::revision));
    return l;
  }

  private List<String> podImages() {
    return caches.indexer(Pod.class).list().stream().map(p -> p.getSpec().getContainers().get(0).getImage())
        .sorted().toList();
  }

  private Deployment stored() {
    return caches.indexer(Deployment.class).getByKey("ns/web");
  }

  private void changeImage(String image) {
    Deployment d = stored();
    caches.put(new DeploymentBuilder(d).editMetadata().withGeneration(d.getMetadata().getGeneration() + 1)
        .endMetadata().editSpec().editTemplate().editSpec().editFirstContainer().withImage(image).endContainer()
        .endSpec().endTemplate().endSpec().build());
  }

  @Test
  void rollingUpdateKeepsMinimumAvailabilityAndUndoRestoresTheOldReplicaSet() throws Exception {
    caches.put(deployment("app:v1", "RollingUpdate"));
    settle();
    assertEquals(List.of("app:v1", "app:v1", "app:v1", "app:v1"), podImages());
    assertEquals(1, sets().size());
    assertEquals("1", stored().getMetadata().getAnnotations().get(Rollouts.REVISION));
    assertEquals(4, stored().getStatus().getAvailableReplicas());
    assertEquals("NewReplicaSetAvailable", condition(stored(), "Progressing"));

    minAvailableSeen = Integer.MAX_VALUE;
    changeImage("app:v2");
    settle();
    assertEquals(List.of("app:v2", "app:v2", "app:v2", "app:v2"), podImages());
    assertTrue(minAvailableSeen >= 3, "never below replicas - maxUnavailable: " + minAvailableSeen);
    List<ReplicaSet> sets = sets();
    assertEquals(2, sets.size());
    assertEquals(0, sets.get(0).getSpec().getReplicas());
    assertEquals(2, Rollouts.revision(sets.get(1)));
    assertEquals("2", stored().getMetadata().getAnnotations().get(Rollouts.REVISION));
    assertEquals(4, stored().getStatus().getUpdatedReplicas());
    assertTrue(events.stream().anyMatch(e -> e.startsWith("ScalingReplicaSet: Scaled down replica set")));

    String v1Name = sets.get(0).getMetadata().getName();
    changeImage("app:v1"); // what kubectl rollout undo does: the old template back
    settle();
    assertEquals(List.of("app:v1", "app:v1", "app:v1", "app:v1"), podImages());
    assertEquals(2, sets().size(), "the v1 ReplicaSet is reused, not a third one made");
    ReplicaSet v1 = caches.indexer(ReplicaSet.class).getByKey("ns/" + v1Name);
    assertEquals(3, Rollouts.revision(v1), "the restored ReplicaSet becomes the newest revision");
    assertEquals(4, v1.getSpec().getReplicas());
  }

  @Test
  void aReplicaSetItJustCreatedButCannotSeeYetIsNotTakenForAHashCollision() throws Exception {
    caches.put(deployment("app:v1", "RollingUpdate"));
    writer.observeWrites(false); // the ReplicaSet informer lags behind the controller's own create
    deployments.queue().add("ns/web");
    deployments.processNextItem();
    deployments.queue().add("ns/web");
    deployments.processNextItem(); // its create answers 409 AlreadyExists, the cache still lacks the ReplicaSet

    Integer collisions = stored().getStatus() == null ? null : stored().getStatus().getCollisionCount();
    assertEquals(null, collisions, "no collision counted for our own ReplicaSet");
    writer.observeWrites(true);
    writer.catchUp();
    settle();
    assertEquals(1, sets().size(), "one ReplicaSet, not one per lagging sync");
    assertEquals(List.of("app:v1", "app:v1", "app:v1", "app:v1"), podImages());
  }

  @Test
  void recreateScalesOldToZeroBeforeCreatingNew() throws Exception {
    caches.put(deployment("app:v1", "Recreate"));
    settle();
    minAvailableSeen = Integer.MAX_VALUE;
    changeImage("app:v2");
    // One pass of the deployment controller only scales the old set down.
    while (deployments.queue().length() > 0) {
      deployments.processNextItem();
    }
    assertEquals(1, sets().size(), "no new ReplicaSet while old pods run");
    assertEquals(0, sets().get(0).getSpec().getReplicas());
    settle();
    assertEquals(List.of("app:v2", "app:v2", "app:v2", "app:v2"), podImages());
    assertEquals(0, minAvailableSeen, "recreate: all old pods went first");
  }

  private void drainBoth() throws InterruptedException {
    while (deployments.queue().length() > 0 || replicaSets.queue().length() > 0) {
      while (deployments.queue().length() > 0) {
        deployments.processNextItem();
      }
      while (replicaSets.queue().length() > 0) {
        replicaSets.processNextItem();
      }
    }
  }

  @Test
  void recreateWaitsForTerminatingOldPods() throws Exception {
    caches.put(deployment("app:v1", "Recreate"));
    settle();
    changeImage("app:v2");
    while (deployments.queue().length() > 0) {
      deployments.processNextItem();
    }
    writer.observeWrites(false); // the pods' deletions are graceful: they stay, Running, with a deletionTimestamp
    while (replicaSets.queue().length() > 0) {
      replicaSets.processNextItem();
    }
    writer.observeWrites(true);
    List<Pod> old = new ArrayList<>(caches.indexer(Pod.class).list());
    for (Pod p : old) {
      caches.put(new PodBuilder(p).editMetadata().withDeletionTimestamp("2026-01-01T00:00:10Z").endMetadata()
          .build());
    }
    drainBoth();
    assertEquals(0, sets().get(0).getStatus().getReplicas(), "the ReplicaSet no longer counts them");
    assertEquals(1, sets().size(), "no new ReplicaSet while old pods terminate");
    for (Pod p : old.subList(0, 3)) {
      caches.remove(p);
    }
    drainBoth();
    assertEquals(1, sets().size(), "one old pod still terminates");
    caches.remove(old.get(3)); // the last one gone: its deletion alone resumes the rollout
    settle();
    assertEquals(List.of("app:v2", "app:v2", "app:v2", "app:v2"), podImages());
  }

  @Test
  void scalingAPausedDeploymentScalesWithoutRollingOut() throws Exception {
    caches.put(deployment("app:v1", "RollingUpdate"));
    settle();
    Deployment d = stored();
    caches.put(new DeploymentBuilder(d).editSpec().withPaused(true).withReplicas(6).editTemplate().editSpec()
        .editFirstContainer().withImage("app:v2").endContainer().endSpec().endTemplate().endSpec().build());
    settle();
    assertEquals(6, podImages().size());
    assertTrue(podImages().stream().allMatch("app:v1"::equals), "paused: no rollout");
    assertEquals("DeploymentPaused", condition(stored(), "Progressing"));
    caches.put(new DeploymentBuilder(stored()).editSpec().withPaused(false).endSpec().build());
    settle();
    assertTrue(podImages().stream().allMatch("app:v2"::equals), "resumed: rolled out");
  }

  /** Upstream's "proportional scaling" conformance test: 10 → 30 in the middle of a rollout stuck at 8 + 5. */
  @Test
  void scalingAStuckRolloutSharesReplicasInProportionRounded() throws Exception {
    caches.put(new DeploymentBuilder(deployment("app:v1", "RollingUpdate")).editSpec().withReplicas(10)
        .editStrategy().editRollingUpdate().withMaxSurge(new IntOrString(3)).withMaxUnavailable(new IntOrString(2))
        .endRollingUpdate().endStrategy().endSpec().build());
    settle();
    healthy = p -> !p.getSpec().getContainers().get(0).getImage().equals("app:404");
    changeImage("app:404");
    settle();
    List<ReplicaSet> sets = sets();
    assertEquals(List.of(8, 5), sets.stream().map(rs -> rs.getSpec().getReplicas()).toList(), "stuck");
    Deployment d = stored();
    caches.put(new DeploymentBuilder(d).editMetadata().withGeneration(d.getMetadata().getGeneration() + 1)
        .endMetadata().editSpec().withReplicas(30).endSpec().build());
    settle();
    // 8 * 33 / 13 = 20.3 → 20 and 5 * 33 / 13 = 12.7 → 13 (rounded, not 21 and 12 from truncated shares)
    assertEquals(List.of(20, 13), sets().stream().map(rs -> rs.getSpec().getReplicas()).toList(), events.toString());
    assertEquals("33", sets().get(1).getMetadata().getAnnotations().get(Rollouts.MAX_REPLICAS));
  }

  /** Upstream keeps conditions it does not own (the Deployment Status endpoints test writes one through /status). */
  @Test
  void conditionsOfOthersAreKept() throws Exception {
    caches.put(deployment("app:v1", "RollingUpdate"));
    settle();
    Deployment d = stored();
    List<io.fabric8.kubernetes.api.model.apps.DeploymentCondition> conditions = new ArrayList<>(
        d.getStatus().getConditions());
    conditions.add(0, new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder().withType("StatusUpdate")
        .withStatus("True").withReason("E2E").withMessage("Set from e2e test").build());
    caches.put(new DeploymentBuilder(d).editStatus().withConditions(conditions).endStatus().editSpec()
        .withReplicas(5).endSpec().build());
    settle();
    assertEquals(5, stored().getStatus().getAvailableReplicas(), "synced again");
    assertEquals(List.of("StatusUpdate", "Available", "Progressing"), stored().getStatus().getConditions().stream()
        .map(c -> c.getType()).toList(), "the foreign condition kept in its place");
    assertEquals("E2E", stored().getStatus().getConditions().get(0).getReason());
  }

  @Test
  void aChangedOwnConditionMovesToTheEndAnUnchangedOneStays() {
    var available = new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder().withType("Available")
        .withStatus("True").withReason("MinimumReplicasAvailable").build();
    var progressing = new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder().withType("Progressing")
        .withStatus("True").withReason("ReplicaSetUpdated").build();
    var failure = new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder().withType("ReplicaFailure")
        .withStatus("True").withReason("FailedCreate").build();
    var foreign = new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder().withType("Custom")
        .withStatus("True").build();
    var progressed = new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder(progressing)
        .withReason("NewReplicaSetAvailable").build();
    var merged = DeploymentController.mergeConditions(List.of(progressing, foreign, available, failure),
        List.of(available, progressed));
    assertEquals(List.of(foreign, available, progressed), merged,
        "ReplicaFailure gone, Available in place, the changed Progressing last");
  }

  private static String condition(Deployment d, String type) {
    return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow()
        .getReason();
  }
}

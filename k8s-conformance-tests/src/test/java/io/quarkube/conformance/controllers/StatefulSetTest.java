package io.quarkube.conformance.controllers;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A StatefulSet makes its pods in order with stable identities and a claim each; rollout status/history/undo work
 * through stock kubectl. The test plays the kubelet's Ready (pods are never scheduled). Claims are checked by
 * name, labels and mount; binding them is the volume binder's business.
 */
@ExtendWith(TestNamespace.class)
class StatefulSetTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private static String manifest(String image) {
    return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          replicas: 3
          serviceName: web
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              schedulerName: quarkube-e2e-unscheduled
              containers:
              - name: c
                image: %s
                volumeMounts: [{name: data, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: data, labels: {tier: db}}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: e2e-none
              resources: {requests: {storage: 1Mi}}
        """.formatted(image);
  }

  private List<Pod> active(String ns) {
    return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private Pod pod(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  /**
   * Plays the kubelet until every pod of {@code image} is ready and the rollout is complete, checking on every look
   * that a pod exists only once the one before it is Ready (OrderedReady).
   */
  private void rollOut(String ns, String image, boolean checkOrder) {
    Await.until(Duration.ofSeconds(120), "3 ready pods of " + image, () -> {
      List<Pod> pods = active(ns);
      if (checkOrder) {
        for (Pod p : pods) {
          int ord = Integer.parseInt(p.getMetadata().getName().substring("web-".length()));
          if (ord > 0) {
            Pod before = pod(ns, "web-" + (ord - 1));
            assertTrue(before != null && FakeKubelet.isReady(before), p.getMetadata().getName()
                + " exists while web-" + (ord - 1) + " is not Ready");
          }
        }
      }
      // Ready one pod per look, the lowest first, as a slow kubelet would.
      pods.stream().filter(p -> !FakeKubelet.isReady(p)).map(p -> p.getMetadata().getName()).sorted().findFirst()
          .ifPresent(name -> markReady(ns, name));
      StatefulSet s = client.apps().statefulSets().inNamespace(ns).withName("web").get();
      var st = s.getStatus();
      return st != null && st.getObservedGeneration() != null
          && st.getObservedGeneration() >= s.getMetadata().getGeneration()
          && Integer.valueOf(3).equals(st.getReadyReplicas()) && Integer.valueOf(3).equals(st.getUpdatedReplicas())
          && st.getUpdateRevision() != null && st.getUpdateRevision().equals(st.getCurrentRevision())
          && pods.size() == 3 && pods.stream().allMatch(p -> image.equals(p.getSpec().getContainers().get(0)
          .getImage()));
    });
  }

  private void markReady(String ns, String name) {
    Pod p = pod(ns, name);
    if (p == null) {
      return;
    }
    String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    try {
      client.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder(p).editOrNewStatus()
          .withPhase("Running").withPodIP(FakeKubelet.nextIp()).withConditions().addNewCondition().withType("Ready")
          .withStatus("True").withLastTransitionTime(now).endCondition().endStatus().build()).updateStatus();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      // changed meanwhile: the next look sees it again
    }
  }

  @Conformance("apps.statefulset-scaling")
  @Test
  void orderedPodsWithOwnClaimsAndRollouts(String ns) {
    kubectl.runWithInput(manifest("registry.local/app:1"), new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    rollOut(ns, "registry.local/app:1", true);

    for (int i = 0; i < 3; i++) {
      Pod p = pod(ns, "web-" + i);
      assertEquals("web-" + i, p.getSpec().getHostname());
      assertEquals("web", p.getSpec().getSubdomain());
      assertEquals("web-" + i, p.getMetadata().getLabels().get("statefulset.kubernetes.io/pod-name"));
      assertEquals(String.valueOf(i), p.getMetadata().getLabels().get("apps.kubernetes.io/pod-index"));
      assertEquals("data-web-" + i, p.getSpec().getVolumes().stream().filter(v -> v.getName().equals("data"))
          .findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName());
      PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(ns).withName("data-web-" + i)
          .get();
      assertEquals(Map.of("app", "web", "tier", "db"), claim.getMetadata().getLabels());
      assertTrue(claim.getMetadata().getOwnerReferences() == null
          || claim.getMetadata().getOwnerReferences().isEmpty(), "Retain: claims outlive the set");
    }
    String status = kubectl.run(new String[] {"rollout", "status", "statefulset/web", "-n", ns, "--timeout=30s"})
        .ok().out();
    // partition is defaulted to 0 (as upstream), so kubectl reports a partitioned roll out
    assertTrue(status.contains("partitioned roll out complete: 3 new pods have been updated"), status);

    kubectl.run(new String[] {"set", "image", "statefulset/web", "c=registry.local/app:2", "-n", ns}).ok();
    rollOut(ns, "registry.local/app:2", false);
    String history = kubectl.run(new String[] {"rollout", "history", "statefulset/web", "-n", ns}).ok().out();
    assertTrue(history.contains("1 ") && history.contains("2 "), history);
    kubectl.run(new String[] {"rollout", "undo", "statefulset/web", "-n", ns}).ok();
    rollOut(ns, "registry.local/app:1", false);

    kubectl.run(new String[] {"scale", "statefulset/web", "-n", ns, "--replicas=1"}).ok();
    Await.until(Duration.ofSeconds(60), "scaled down to web-0", () -> active(ns).stream()
        .map(p -> p.getMetadata().getName()).toList().equals(List.of("web-0")));
    assertEquals(3, client.persistentVolumeClaims().inNamespace(ns).list().getItems().size(), "claims kept");
  }

  // ------------------------------------------------------------------------------------------------------------
  // Upstream's [StatefulSetBasic] conformance tests. The test plays the kubelet: "breaking the readiness probe" of
  // upstream's httpd pods is writing Ready=False into a pod's status, "restoring" it writing Ready=True.

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Map<String, String> LABELS = Map.of("foo", "bar", "baz", "blah");
  private static final String OLD_IMAGE = "registry.local/app:1";
  private static final String NEW_IMAGE = "registry.local/app:2";

  /** Upstream's e2estatefulset.NewStatefulSet without volumes: one webserver container, OrderedReady. */
  private static StatefulSet newSet(String name, int replicas, Map<String, String> labels) {
    return new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder().withNewMetadata().withName(name)
        .endMetadata().withNewSpec().withReplicas(replicas).withServiceName("test").withNewSelector()
        .addToMatchLabels(labels).endSelector().withNewTemplate().withNewMetadata().addToLabels(labels)
        .endMetadata().withNewSpec().withSchedulerName("quarkube-e2e-unscheduled")
        .withTerminationGracePeriodSeconds(0L).addNewContainer().withName("webserver").withImage(OLD_IMAGE)
        .endContainer().endSpec().endTemplate().endSpec().build();
  }

  private io.fabric8.kubernetes.client.dsl.MixedOperation<StatefulSet, io.fabric8.kubernetes.api.model.apps
      .StatefulSetList, io.fabric8.kubernetes.client.dsl.RollableScalableResource<StatefulSet>> sets() {
    return client.apps().statefulSets();
  }

  private StatefulSet set(String ns, String name) {
    return sets().inNamespace(ns).withName(name).get();
  }

  /** The set's pods (not being deleted) ordered by ordinal. */
  private List<Pod> podsOf(String ns, String name) {
    return client.pods().inNamespace(ns).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getMetadata().getName().startsWith(name + "-")
            && p.getMetadata().getOwnerReferences() != null && !p.getMetadata().getOwnerReferences().isEmpty())
        .sorted(java.util.Comparator.comparingInt((Pod p) -> ordinal(name, p))).toList();
  }

  private static int ordinal(String set, Pod p) {
    return Integer.parseInt(p.getMetadata().getName().substring(set.length() + 1));
  }

  private static String revision(Pod p) {
    return p.getMetadata().getLabels().get("controller-revision-hash");
  }

  /** Writes the pod's Ready condition as a kubelet whose probe passes ({@code true}) or fails would. */
  private void setReady(String ns, String name, boolean ready) {
    Await.until(TIMEOUT, name + " Ready=" + ready, () -> {
      Pod p = pod(ns, name);
      if (p == null) {
        return false;
      }
      String now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
      String ip = p.getStatus() != null && p.getStatus().getPodIP() != null ? p.getStatus().getPodIP()
          : FakeKubelet.nextIp();
      try {
        client.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder(p).editOrNewStatus()
            .withPhase("Running").withPodIP(ip).withConditions().addNewCondition().withType("Ready")
            .withStatus(ready ? "True" : "False").withLastTransitionTime(now).endCondition().endStatus().build())
            .updateStatus();
        return true;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        return false; // changed meanwhile
      }
    });
  }

  /** Readies every pod of the set that is not Ready, except those named in {@code broken}. */
  private void readyAllBut(String ns, String name, Set<String> broken) {
    for (Pod p : podsOf(ns, name)) {
      if (!FakeKubelet.isReady(p) && !broken.contains(p.getMetadata().getName())) {
        markReady(ns, p.getMetadata().getName());
      }
    }
  }

  /** Upstream's waitForStatus: the controller has observed the set's generation. */
  private StatefulSet awaitObserved(String ns, String name) {
    Await.until(TIMEOUT, name + " observed", () -> {
      StatefulSet s = set(ns, name);
      return s.getStatus() != null && s.getStatus().getObservedGeneration() != null
          && s.getStatus().getObservedGeneration() >= s.getMetadata().getGeneration();
    });
    return set(ns, name);
  }

  /** Upstream's WaitForRunningAndReady, playing the kubelet (a pod in {@code broken} stays unready). */
  private void awaitRunningAndReady(String ns, String name, int n, Set<String> broken) {
    Await.until(TIMEOUT, n + " running and ready pods of " + name, () -> {
      readyAllBut(ns, name, broken);
      List<Pod> pods = podsOf(ns, name);
      StatefulSet s = set(ns, name);
      return pods.size() == n && pods.stream().allMatch(FakeKubelet::isReady) && s.getStatus() != null
          && Integer.valueOf(n).equals(s.getStatus().getReadyReplicas());
    });
  }

  private void awaitReadyReplicas(String ns, String name, int n) {
    Await.until(TIMEOUT, name + " readyReplicas " + n, () -> {
      StatefulSet s = set(ns, name);
      int ready = s.getStatus() == null || s.getStatus().getReadyReplicas() == null ? 0
          : s.getStatus().getReadyReplicas();
      return ready == n;
    });
  }

  private void updateSet(String ns, String name, java.util.function.Consumer<StatefulSet> change) {
    Await.until(TIMEOUT, "an update of " + name + " without conflict", () -> {
      StatefulSet s = set(ns, name);
      change.accept(s);
      try {
        sets().inNamespace(ns).resource(s).update();
        return true;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() == 409) {
          return false;
        }
        throw e;
      }
    });
  }

  private void setImage(String ns, String name, String image) {
    updateSet(ns, name, s -> s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image));
  }

  private void setPartition(String ns, String name, int partition) {
    updateSet(ns, name, s -> s.getSpec().setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps
        .StatefulSetUpdateStrategyBuilder().withType("RollingUpdate").withNewRollingUpdate()
        .withPartition(partition).endRollingUpdate().build()));
  }

  /**
   * Upstream's waitForRollingUpdate, playing the kubelet: ends once the update revision is current and every pod
   * runs it. On every look, a pod at the update revision implies every higher ordinal is at it too (reverse order).
   */
  private StatefulSet awaitRollingUpdate(String ns, String name) {
    Await.until(TIMEOUT, "the rolling update of " + name, () -> {
      readyAllBut(ns, name, Set.of());
      StatefulSet s = set(ns, name);
      String update = s.getStatus().getUpdateRevision();
      List<Pod> pods = podsOf(ns, name);
      boolean seenOld = false;
      for (int i = pods.size() - 1; i >= 0; i--) {
        boolean updated = update.equals(revision(pods.get(i)));
        assertTrue(!updated || !seenOld, "pods updated in reverse ordinal order: " + pods.stream()
            .map(p -> p.getMetadata().getName() + "@" + revision(p)).toList());
        seenOld |= !updated;
      }
      return s.getStatus().getObservedGeneration() >= s.getMetadata().getGeneration()
          && update.equals(s.getStatus().getCurrentRevision()) && pods.size() == s.getSpec().getReplicas()
          && pods.stream().allMatch(p -> update.equals(revision(p)) && FakeKubelet.isReady(p));
    });
    return set(ns, name);
  }

  /** Upstream's waitForPartitionedRollingUpdate: every pod at or above the partition runs the update revision. */
  private List<Pod> awaitPartitionedRollingUpdate(String ns, String name, int partition) {
    Await.until(TIMEOUT, "the partitioned rolling update of " + name + " at " + partition, () -> {
      readyAllBut(ns, name, Set.of());
      StatefulSet s = set(ns, name);
      String update = s.getStatus().getUpdateRevision();
      List<Pod> pods = podsOf(ns, name);
      return s.getStatus().getObservedGeneration() >= s.getMetadata().getGeneration()
          && pods.size() == s.getSpec().getReplicas() && pods.stream().allMatch(FakeKubelet::isReady)
          && pods.stream().filter(p -> ordinal(name, p) >= partition).allMatch(p -> update.equals(revision(p)));
    });
    return podsOf(ns, name);
  }

  /** Below the partition the old image at the current revision, from it on the new image at the update revision. */
  private static void assertPartitioned(String name, List<Pod> pods, int partition, String current, String update) {
    for (Pod p : pods) {
      boolean old = ordinal(name, p) < partition;
      assertEquals(old ? OLD_IMAGE : NEW_IMAGE, p.getSpec().getContainers().get(0).getImage(),
          p.getMetadata().getName());
      assertEquals(old ? current : update, revision(p), p.getMetadata().getName());
    }
  }

  @Conformance("apps.statefulset-rolling-update")
  @Test
  void rollingUpdateAndRollBackOfTemplateModifications(String ns) {
    sets().inNamespace(ns).resource(newSet("ss2", 3, LABELS)).create();
    awaitRunningAndReady(ns, "ss2", 3, Set.of());
    StatefulSet ss = awaitObserved(ns, "ss2");
    String current = ss.getStatus().getCurrentRevision();
    assertEquals(current, ss.getStatus().getUpdateRevision(), "created at one revision");
    podsOf(ns, "ss2").forEach(p -> assertEquals(current, revision(p), p.getMetadata().getName()));

    // ss2-1 unready: the update waits for it.
    setReady(ns, "ss2-1", false);
    awaitReadyReplicas(ns, "ss2", 2);
    setImage(ns, "ss2", NEW_IMAGE);
    ss = awaitObserved(ns, "ss2");
    String update = ss.getStatus().getUpdateRevision();
    assertNotEquals(ss.getStatus().getCurrentRevision(), update, "a new revision during the rolling update");

    setReady(ns, "ss2-1", true);
    ss = awaitRollingUpdate(ns, "ss2");
    assertEquals(update, ss.getStatus().getCurrentRevision());
    for (Pod p : podsOf(ns, "ss2")) {
      assertEquals(NEW_IMAGE, p.getSpec().getContainers().get(0).getImage(), p.getMetadata().getName());
      assertEquals(update, revision(p), p.getMetadata().getName());
    }

    // Back to the old template: a roll back to the prior revision, not a third one.
    setReady(ns, "ss2-1", false);
    awaitReadyReplicas(ns, "ss2", 2);
    setImage(ns, "ss2", OLD_IMAGE);
    ss = awaitObserved(ns, "ss2");
    assertEquals(current, ss.getStatus().getUpdateRevision(), "the prior revision is the update revision");
    assertNotEquals(ss.getStatus().getCurrentRevision(), ss.getStatus().getUpdateRevision());
    setReady(ns, "ss2-1", true);
    ss = awaitRollingUpdate(ns, "ss2");
    assertEquals(current, ss.getStatus().getCurrentRevision(), "rolled back to the prior revision");
    for (Pod p : podsOf(ns, "ss2")) {
      assertEquals(OLD_IMAGE, p.getSpec().getContainers().get(0).getImage(), p.getMetadata().getName());
      assertEquals(current, revision(p), p.getMetadata().getName());
    }
  }

  @Conformance("apps.statefulset-partition")
  @Test
  void canaryAndPhasedRollingUpdatesOfTemplateModifications(String ns) {
    StatefulSet created = newSet("ss2", 3, LABELS);
    created.getSpec().setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategyBuilder()
        .withType("RollingUpdate").withNewRollingUpdate().withPartition(3).endRollingUpdate().build());
    sets().inNamespace(ns).resource(created).create();
    awaitRunningAndReady(ns, "ss2", 3, Set.of());
    StatefulSet ss = awaitObserved(ns, "ss2");
    String current = ss.getStatus().getCurrentRevision();
    assertEquals(current, ss.getStatus().getUpdateRevision());

    setImage(ns, "ss2", NEW_IMAGE);
    ss = awaitObserved(ns, "ss2");
    String update = ss.getStatus().getUpdateRevision();
    assertNotEquals(current, update, "a new revision");
    // Partition 3 of 3 replicas: nothing is updated (the controller has seen the change: observed generation).
    assertPartitioned("ss2", podsOf(ns, "ss2"), 3, current, update);

    // Canary: partition 2 updates ss2-2 only.
    setPartition(ns, "ss2", 2);
    assertPartitioned("ss2", awaitPartitionedRollingUpdate(ns, "ss2", 2), 2, current, update);

    // Deleted pods come back at the revision their ordinal has under the partition.
    client.pods().inNamespace(ns).withName("ss2-0").withGracePeriod(0).delete();
    client.pods().inNamespace(ns).withName("ss2-2").withGracePeriod(0).delete();
    awaitRunningAndReady(ns, "ss2", 3, Set.of());
    assertPartitioned("ss2", podsOf(ns, "ss2"), 2, current, update);

    // Phased: partition 1, then 0.
    for (int partition = 1; partition >= 0; partition--) {
      setPartition(ns, "ss2", partition);
      assertPartitioned("ss2", awaitPartitionedRollingUpdate(ns, "ss2", partition), partition, current, update);
    }
    Await.until(TIMEOUT, "the update revision current", () ->
        update.equals(set(ns, "ss2").getStatus().getCurrentRevision()));
  }

  @Conformance("apps.statefulset-burst-scaling")
  @Test
  void burstScalingRunsToCompletionWithUnhealthyPods(String ns) {
    StatefulSet created = newSet("ss", 1, LABELS);
    created.getSpec().setPodManagementPolicy("Parallel");
    sets().inNamespace(ns).resource(created).create();
    awaitRunningAndReady(ns, "ss", 1, Set.of());

    // Scale up does not halt on the unhealthy ss-0: both new pods are made while it stays unready.
    setReady(ns, "ss-0", false);
    awaitReadyReplicas(ns, "ss", 0);
    sets().inNamespace(ns).withName("ss").scale(3);
    Await.until(TIMEOUT, "3 pods while ss-0 is unready", () -> podsOf(ns, "ss").size() == 3);
    assertTrue(!FakeKubelet.isReady(pod(ns, "ss-0")), "ss-0 still unready");
    awaitRunningAndReady(ns, "ss", 3, Set.of());

    // Scale down does not halt on unhealthy pods either.
    for (int i = 0; i < 3; i++) {
      setReady(ns, "ss-" + i, false);
    }
    awaitReadyReplicas(ns, "ss", 0);
    sets().inNamespace(ns).withName("ss").scale(0);
    Await.until(TIMEOUT, "no pods left", () -> podsOf(ns, "ss").isEmpty());
    Await.until(TIMEOUT, "status replicas 0", () -> {
      StatefulSet s = set(ns, "ss");
      return s.getStatus() != null && (s.getStatus().getReplicas() == null || s.getStatus().getReplicas() == 0);
    });
  }

  /**
   * Upstream's "Should recreate evicted statefulset", on the real node: a pod placed there by nodeName holds host
   * port 21017, so the kubelet rejects the set's pod asking for it (phase Failed, reason NodePorts); the controller
   * deletes and recreates it, again and again, until the blocker is gone and it runs.
   */
  @Conformance("apps.statefulset-failed-pod")
  @Test
  void recreatesAPodTheKubeletRejects(String ns) throws Exception {
    String node = java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
    io.fabric8.kubernetes.api.model.ContainerPort conflicting = new io.fabric8.kubernetes.api.model
        .ContainerPortBuilder().withName("conflict").withHostPort(21017).withContainerPort(21017).build();
    client.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
        .withName("test-pod").endMetadata().withNewSpec().withNodeName(node).withTerminationGracePeriodSeconds(0L)
        .addNewContainer().withName("webserver").withImage("busybox").withCommand("httpd", "-f", "-p", "21017",
            "-h", "/tmp").withPorts(conflicting).endContainer().endSpec().build()).create();
    Await.until(TIMEOUT, "test-pod running", () -> pod(ns, "test-pod").getStatus() != null
        && "Running".equals(pod(ns, "test-pod").getStatus().getPhase()));

    StatefulSet created = newSet("ss", 1, LABELS);
    var spec = created.getSpec().getTemplate().getSpec();
    spec.setNodeName(node);
    spec.setSchedulerName(null);
    spec.getContainers().get(0).setImage("busybox");
    spec.getContainers().get(0).setCommand(List.of("httpd", "-f", "-p", "21017", "-h", "/tmp"));
    spec.getContainers().get(0).setPorts(List.of(conflicting));
    java.util.concurrent.atomic.AtomicReference<String> lastUid = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean deleted = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<String> rejection = new java.util.concurrent.atomic.AtomicReference<>();
    try (var watch = client.pods().inNamespace(ns).withField("metadata.name", "ss-0").watch(
        new io.fabric8.kubernetes.client.Watcher<Pod>() {
          @Override
          public void eventReceived(Action action, Pod p) {
            if (action == Action.DELETED) {
              deleted.set(true);
            } else {
              lastUid.set(p.getMetadata().getUid());
            }
            if (p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())) {
              rejection.compareAndSet(null, p.getStatus().getReason() + ": " + p.getStatus().getMessage());
            }
          }

          @Override
          public void onClose(io.fabric8.kubernetes.client.WatcherException e) {}
        })) {
      sets().inNamespace(ns).resource(created).create();
      Await.until(TIMEOUT, "ss-0 rejected and deleted at least once", deleted::get);
    }
    assertEquals("NodePorts: Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the "
        + "requested pod ports", rejection.get());

    client.pods().inNamespace(ns).withName("test-pod").withGracePeriod(0).delete();
    String seen = lastUid.get();
    Await.until(TIMEOUT, "ss-0 recreated and running", () -> {
      Pod p = pod(ns, "ss-0");
      return p != null && !p.getMetadata().getUid().equals(seen) && p.getStatus() != null
          && "Running".equals(p.getStatus().getPhase());
    });
  }

  @Conformance("apps.statefulset-api")
  @Test
  void scaleSubresourceAndStatusEndpoints(String ns) {
    var api = sets().inNamespace(ns);
    api.resource(newSet("ss", 1, LABELS)).create();
    awaitRunningAndReady(ns, "ss", 1, Set.of());
    awaitObserved(ns, "ss");

    // scale: read, updated unconditionally, strategic-merge-patched (stock kubectl's --subresource=scale).
    io.fabric8.kubernetes.api.model.autoscaling.v1.Scale scale = api.withName("ss").scale();
    assertEquals(1, scale.getSpec().getReplicas());
    assertEquals(1, scale.getStatus().getReplicas());
    scale.getMetadata().setResourceVersion(null);
    scale.getSpec().setReplicas(2);
    assertEquals(2, api.withName("ss").scale(scale).getSpec().getReplicas());
    assertEquals(2, set(ns, "ss").getSpec().getReplicas());
    kubectl.run(new String[] {"patch", "statefulset", "ss", "-n", ns, "--subresource=scale", "-p",
        "{\"spec\":{\"replicas\":4}}"}).ok();
    assertEquals(4, set(ns, "ss").getSpec().getReplicas());

    // status: read, updated with a condition of the test's own (kept by the controller), merge-patched.
    kubectl.run(new String[] {"patch", "statefulset", "ss", "-n", ns, "-p",
        "{\"metadata\":{\"labels\":{\"e2e\":\"testing\"}}}"}).ok();
    StatefulSet read = client.getKubernetesSerialization().unmarshal(kubectl.run(new String[] {"get", "--raw",
        "/apis/apps/v1/namespaces/" + ns + "/statefulsets/ss/status"}).ok().out(), StatefulSet.class);
    assertEquals("ss", read.getMetadata().getName());
    updateStatusWithRetries(ns, "ss");
    Await.until(TIMEOUT, "the StatusUpdate condition", () -> hasCondition(ns, "ss", "StatusUpdate"));
    api.withName("ss").subresource("status").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"status\":{\"conditions\":[{\"type\":\"StatusPatched\",\"status\":\"True\"}]}}");
    Await.until(TIMEOUT, "the StatusPatched condition", () -> hasCondition(ns, "ss", "StatusPatched"));
  }

  private void updateStatusWithRetries(String ns, String name) {
    Await.until(TIMEOUT, "a status update without conflict", () -> {
      StatefulSet s = set(ns, name);
      List<io.fabric8.kubernetes.api.model.apps.StatefulSetCondition> conditions = new java.util.ArrayList<>(
          s.getStatus().getConditions() == null ? List.of() : s.getStatus().getConditions());
      conditions.add(new io.fabric8.kubernetes.api.model.apps.StatefulSetConditionBuilder().withType("StatusUpdate")
          .withStatus("True").withReason("E2E").withMessage("Set from e2e test").build());
      s.getStatus().setConditions(conditions);
      try {
        sets().inNamespace(ns).resource(s).updateStatus();
        return true;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() == 409) {
          return false;
        }
        throw e;
      }
    });
  }

  private boolean hasCondition(String ns, String name, String type) {
    StatefulSet s = set(ns, name);
    return s.getStatus().getConditions() != null && s.getStatus().getConditions().stream().anyMatch(c ->
        type.equals(c.getType()) && (!"StatusUpdate".equals(type) || "E2E".equals(c.getReason())
            && "Set from e2e test".equals(c.getMessage())));
  }

  @Conformance("apps.statefulset-api")
  @Test
  void listedPatchedAndDeletedByCollection(String ns) {
    Map<String, String> labels = Map.of("name", "sample-pod", "pod", "httpd");
    var api = sets().inNamespace(ns);
    api.resource(newSet("test-ss", 1, labels)).create();
    awaitRunningAndReady(ns, "test-ss", 1, Set.of());
    awaitObserved(ns, "test-ss");

    // As upstream sends it: a label, 2 replicas, a misspelt (unknown, dropped) field and a container of its own,
    // which is merged in by name first in the list.
    kubectl.run(new String[] {"patch", "statefulset", "test-ss", "-n", ns, "-p", "{\"metadata\":{\"labels\":"
        + "{\"test-ss\":\"patched\"}},\"spec\":{\"replicas\":2,\"template\":{\"spec\":{"
        + "\"TerminationGracePeriodSeconds\":1,\"containers\":[{\"name\":\"test-ss\","
        + "\"image\":\"registry.local/pause:3.9\"}]}}}}"}).ok();
    StatefulSet ss = set(ns, "test-ss");
    assertEquals(2, ss.getSpec().getReplicas());
    assertEquals("registry.local/pause:3.9", ss.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    awaitRunningAndReady(ns, "test-ss", 2, Set.of());
    awaitObserved(ns, "test-ss");

    assertEquals(1, sets().inAnyNamespace().withLabel("test-ss", "patched").list().getItems().size());
    api.withLabel("test-ss", "patched").withGracePeriod(1).delete();
    assertTrue(sets().inAnyNamespace().withLabel("test-ss", "patched").list().getItems().isEmpty());
  }
}

package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API side of ReplicaSets, ReplicationControllers and Deployments as upstream's conformance tests drive it:
 * /status read, update and patch, /scale of an RC, release of a relabelled pod, list and deletecollection.
 * The test plays the kubelet (pods are never scheduled and are marked Ready).
 */
@ExtendWith(TestNamespace.class)
class ReplicaApiTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String UNSCHEDULED = "quarkube-e2e-unscheduled";
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private List<Pod> active(String ns, String label, String value) {
    return client.pods().inNamespace(ns).withLabel(label, value).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /** Waits until {@code n} pods with the label are Ready, playing the kubelet meanwhile. */
  private void awaitReadyPods(String ns, String label, String value, int n) {
    Await.until(TIMEOUT, n + " ready pods " + label + "=" + value, () -> {
      FakeKubelet.markReady(client, ns);
      List<Pod> pods = active(ns, label, value);
      return pods.size() == n && pods.stream().allMatch(FakeKubelet::isReady);
    });
  }

  /** Retries an update the controllers may race (409 Conflict), re-reading the object each time. */
  private static void retryOnConflict(Runnable update) {
    Await.until(TIMEOUT, "an update without conflict", () -> {
      try {
        update.run();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          return false;
        }
        throw e;
      }
    });
  }

  private ReplicaSet replicaSet(String name, int replicas, String image) {
    return new ReplicaSetBuilder().withNewMetadata().withName(name).addToLabels("e2e", name).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("name", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("name", name).endMetadata().withNewSpec()
        .withSchedulerName(UNSCHEDULED).addNewContainer().withName("c").withImage(image).endContainer()
        .endSpec().endTemplate().endSpec().build();
  }

  private static boolean hasCondition(List<? extends Object> conditions, String type) {
    return conditions != null && conditions.stream().anyMatch(c -> c instanceof ReplicaSetCondition r
        ? type.equals(r.getType()) && "True".equals(r.getStatus())
        : c instanceof DeploymentCondition d && type.equals(d.getType()) && "True".equals(d.getStatus()));
  }

  private static final String STATUS_PATCH = """
      {"status":{"conditions":[{"type":"StatusPatched","status":"True"}]}}""";

  @Conformance("apps.replicaset-api")
  @Test
  void replicaSetStatusEndpoints(String ns) {
    var rsApi = client.apps().replicaSets().inNamespace(ns);
    rsApi.resource(replicaSet("test-rs", 1, "registry.local/app:1")).create();
    awaitReadyPods(ns, "name", "test-rs", 1);

    // Read /status.
    ReplicaSet read = client.getKubernetesSerialization().unmarshal(kubectl.run(new String[] {"get", "--raw",
        "/apis/apps/v1/namespaces/" + ns + "/replicasets/test-rs/status"}).ok().out(), ReplicaSet.class);
    assertEquals("test-rs", read.getMetadata().getName());

    // Update /status with a condition of the test's own: the controller keeps conditions it does not manage.
    retryOnConflict(() -> {
      ReplicaSet rs = rsApi.withName("test-rs").get();
      rs.getStatus().getConditions().add(new ReplicaSetConditionBuilder().withType("StatusUpdate")
          .withStatus("True").withReason("E2E").withMessage("Set from e2e test").build());
      rsApi.resource(rs).updateStatus();
    });
    Await.until(TIMEOUT, "the StatusUpdate condition", () ->
        hasCondition(rsApi.withName("test-rs").get().getStatus().getConditions(), "StatusUpdate"));

    // Merge-patch /status: the condition list is replaced by the patch's.
    rsApi.withName("test-rs").subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), STATUS_PATCH);
    Await.until(TIMEOUT, "the StatusPatched condition", () ->
        hasCondition(rsApi.withName("test-rs").get().getStatus().getConditions(), "StatusPatched"));
  }

  /**
   * Upstream's "Replace and Patch": scaled by an update, then strategic-merge-patched (stock kubectl's default patch
   * type) with a label, 3 replicas, a grace period of 0 and a container of its own: the patched container is merged
   * in by name and, unknown to the live list, comes first, so containers[0] is the patch's image.
   */
  @Conformance("apps.replicaset-api")
  @Test
  void replicaSetReplacedAndPatched(String ns) {
    var rsApi = client.apps().replicaSets().inNamespace(ns);
    rsApi.resource(replicaSet("test-rs", 1, "registry.local/app:1")).create();
    awaitReadyPods(ns, "name", "test-rs", 1);

    retryOnConflict(() -> {
      ReplicaSet rs = rsApi.withName("test-rs").get();
      rs.getSpec().setReplicas(2);
      rsApi.resource(rs).update();
    });
    kubectl.run(new String[] {"patch", "rs", "test-rs", "-n", ns, "-p", """
        {"metadata":{"labels":{"test-rs":"patched"}},"spec":{"replicas":3,"template":{"spec":{\
        "terminationGracePeriodSeconds":0,"containers":[{"name":"test-rs","image":"registry.local/pause:3.9"}]}}}}\
        """}).ok();

    Await.until(TIMEOUT, "the patched ReplicaSet with 3 ready and available replicas", () -> {
      FakeKubelet.markReady(client, ns);
      List<ReplicaSet> patched = rsApi.withLabel("test-rs", "patched").list().getItems();
      if (patched.size() != 1) {
        return false;
      }
      ReplicaSet rs = patched.get(0);
      var spec = rs.getSpec().getTemplate().getSpec();
      return rs.getStatus() != null && Integer.valueOf(3).equals(rs.getStatus().getReadyReplicas())
          && Integer.valueOf(3).equals(rs.getStatus().getAvailableReplicas())
          && "registry.local/pause:3.9".equals(spec.getContainers().get(0).getImage())
          && Long.valueOf(0).equals(spec.getTerminationGracePeriodSeconds());
    });
    var containers = rsApi.withName("test-rs").get().getSpec().getTemplate().getSpec().getContainers();
    assertEquals(List.of("test-rs", "c"), containers.stream().map(c -> c.getName()).toList(),
        "the patch's new container first, the live one after it");
  }

  @Conformance("apps.replicaset-api")
  @Test
  void replicaSetsListedAndDeletedByCollection(String ns) {
    var rsApi = client.apps().replicaSets().inNamespace(ns);
    ReplicaSet rs = replicaSet("test-rs", 3, "registry.local/app:1");
    rs.getMetadata().getLabels().put("e2e", ns); // unique to this run, as upstream's random value
    rsApi.resource(rs).create();
    awaitReadyPods(ns, "name", "test-rs", 3);

    // Listed across all namespaces by its label.
    List<ReplicaSet> all = client.apps().replicaSets().inAnyNamespace().withLabel("e2e", ns).list().getItems();
    assertEquals(1, all.size(), "listed in all namespaces");

    rsApi.withLabel("e2e", ns).withGracePeriod(1).delete();
    assertTrue(client.apps().replicaSets().inAnyNamespace().withLabel("e2e", ns).list().getItems().isEmpty(),
        "deleted by collection");
  }

  private ReplicationController replicationController(String name, int replicas) {
    return new ReplicationControllerBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withReplicas(replicas).addToSelector("name", name).withNewTemplate().withNewMetadata()
        .addToLabels("name", name).endMetadata().withNewSpec().withSchedulerName(UNSCHEDULED).addNewContainer()
        .withName("c").withImage("registry.local/app:1").endContainer().endSpec().endTemplate().endSpec().build();
  }

  @Conformance("apps.replication-controller-api")
  @Test
  void replicationControllerScaleSubresource(String ns) {
    var rcApi = client.replicationControllers().inNamespace(ns);
    rcApi.resource(replicationController("e2e-rc", 1)).create();
    awaitReadyPods(ns, "name", "e2e-rc", 1);

    Scale scale = rcApi.withName("e2e-rc").scale();
    assertEquals(1, scale.getSpec().getReplicas());
    // the pod is ready before the controller has written the count into the RC's status
    Await.until(TIMEOUT, "the scale subresource's status of 1 replica", () ->
        Integer.valueOf(1).equals(rcApi.withName("e2e-rc").scale().getStatus().getReplicas()));

    retryOnConflict(() -> {
      Scale current = rcApi.withName("e2e-rc").scale();
      rcApi.withName("e2e-rc").scale(new ScaleBuilder(current).editSpec().withReplicas(2).endSpec().build());
    });
    assertEquals(2, rcApi.withName("e2e-rc").get().getSpec().getReplicas());
    awaitReadyPods(ns, "name", "e2e-rc", 2);
    Await.until(TIMEOUT, "the RC's status of 2 replicas", () ->
        Integer.valueOf(2).equals(rcApi.withName("e2e-rc").get().getStatus().getReplicas()));
  }

  @Conformance("apps.replication-controller-api")
  @Test
  void replicationControllerReleasesNoLongerMatchingPods(String ns) {
    var rcApi = client.replicationControllers().inNamespace(ns);
    rcApi.resource(replicationController("pod-release", 1)).create();
    awaitReadyPods(ns, "name", "pod-release", 1);
    Pod pod = active(ns, "name", "pod-release").get(0);
    String uid = rcApi.withName("pod-release").get().getMetadata().getUid();
    assertEquals(uid, pod.getMetadata().getOwnerReferences().get(0).getUid(), "owned by the RC");

    // Relabel it: the RC releases it (no owner reference left) and makes a replacement.
    client.pods().inNamespace(ns).withName(pod.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"name\":\"not-matching\"}}}");
    Await.until(TIMEOUT, "the pod released", () -> {
      Pod p = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
      return p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences().stream()
          .noneMatch(o -> uid.equals(o.getUid()));
    });
    awaitReadyPods(ns, "name", "pod-release", 1);
  }

  private boolean hasReplicaFailure(String ns, String name) {
    ReplicationController rc = client.replicationControllers().inNamespace(ns).withName(name).get();
    return rc.getStatus() != null && rc.getStatus().getConditions() != null && rc.getStatus().getConditions()
        .stream().anyMatch(c -> "ReplicaFailure".equals(c.getType()));
  }

  @Conformance("apps.replication-controller-api")
  @Test
  void replicationControllerSurfacesQuotaFailure(String ns) {
    // A quota of 2 pods, counted before the RC asks for 3.
    client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata()
        .withName("condition-test").endMetadata().withNewSpec().addToHard("pods", new Quantity("2")).endSpec()
        .build()).create();
    Await.until(TIMEOUT, "the quota's status", () -> {
      var q = client.resourceQuotas().inNamespace(ns).withName("condition-test").get();
      return q.getStatus() != null && q.getStatus().getHard() != null && q.getStatus().getHard().containsKey("pods");
    });

    var rcApi = client.replicationControllers().inNamespace(ns);
    rcApi.resource(replicationController("condition-test", 3)).create();
    Await.until(TIMEOUT, "a ReplicaFailure condition", () -> hasReplicaFailure(ns, "condition-test"));

    retryOnConflict(() -> {
      ReplicationController rc = rcApi.withName("condition-test").get();
      rc.getSpec().setReplicas(2);
      rcApi.resource(rc).update();
    });
    Await.until(TIMEOUT, "the ReplicaFailure condition removed", () -> !hasReplicaFailure(ns, "condition-test"));
  }

  @Conformance("apps.deployment-status-api")
  @Test
  void deploymentStatusEndpoints(String ns) {
    var api = client.apps().deployments().inNamespace(ns);
    api.resource(new DeploymentBuilder().withNewMetadata().withName("test-deployment").endMetadata().withNewSpec()
        .withReplicas(1).withNewSelector().addToMatchLabels("e2e", "testing").endSelector().withNewTemplate()
        .withNewMetadata().addToLabels("e2e", "testing").endMetadata().withNewSpec().withSchedulerName(UNSCHEDULED)
        .addNewContainer().withName("c").withImage("registry.local/app:1").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    awaitReadyPods(ns, "e2e", "testing", 1);
    Await.until(TIMEOUT, "1 available replica", () -> {
      Deployment d = api.withName("test-deployment").get();
      return d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas());
    });

    Deployment read = client.getKubernetesSerialization().unmarshal(kubectl.run(new String[] {"get", "--raw",
        "/apis/apps/v1/namespaces/" + ns + "/deployments/test-deployment/status"}).ok().out(), Deployment.class);
    assertEquals("test-deployment", read.getMetadata().getName());

    // As upstream's test, the changes are awaited as watch events: the controller rewrites the conditions right after.
    List<Deployment> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = api.withName("test-deployment").watch(new Watcher<Deployment>() {
      @Override
      public void eventReceived(Action action, Deployment d) {
        seen.add(d);
      }

      @Override
      public void onClose(WatcherException e) {}
    })) {
      retryOnConflict(() -> {
        Deployment d = api.withName("test-deployment").get();
        d.getStatus().getConditions().add(new DeploymentConditionBuilder().withType("StatusUpdate")
            .withStatus("True").withReason("E2E").withMessage("Set from e2e test").build());
        api.resource(d).updateStatus();
      });
      Await.until(TIMEOUT, "an event with the StatusUpdate condition", () -> seen.stream().anyMatch(d ->
          d.getStatus().getConditions().stream().anyMatch(c -> "StatusUpdate".equals(c.getType())
              && "E2E".equals(c.getReason()) && "Set from e2e test".equals(c.getMessage()))));
      // The controller keeps it (upstream only sets the conditions it owns): a scale makes it write the status
      // again, for the new generation.
      retryOnConflict(() -> {
        Deployment d = api.withName("test-deployment").get();
        d.getSpec().setReplicas(2);
        api.resource(d).update();
      });
      awaitReadyPods(ns, "e2e", "testing", 2);
      Await.until(TIMEOUT, "the new generation observed with 2 available replicas", () -> {
        Deployment d = api.withName("test-deployment").get();
        return d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
            && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas());
      });
      assertTrue(hasCondition(api.withName("test-deployment").get().getStatus().getConditions(), "StatusUpdate"),
          "the test's own condition survives the controller's status writes");

      api.withName("test-deployment").subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), STATUS_PATCH);
      Await.until(TIMEOUT, "an event with the StatusPatched condition", () ->
          seen.stream().anyMatch(d -> hasCondition(d.getStatus().getConditions(), "StatusPatched")));
    }
  }
}

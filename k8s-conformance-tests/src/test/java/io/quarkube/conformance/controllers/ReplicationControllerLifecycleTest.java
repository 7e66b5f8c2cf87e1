package io.quarkube.conformance.controllers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's ReplicationController lifecycle: create, patch, status patch, scale patch, status update and delete by
 * collection, each change seen as a watch event (the test plays the kubelet: pods are marked Ready).
 */
@ExtendWith(TestNamespace.class)
class ReplicationControllerLifecycleTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private final KubernetesClient client = Cluster.client();
  private final Kubectl kubectl = Kubectl.stock();

  private record Event(Watcher.Action action, ReplicationController rc) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  /** Awaits an event from index {@code from} on that matches; returns the index after it. */
  private int awaitEvent(int from, String what, Predicate<Event> match) {
    int[] found = {-1};
    Await.until(TIMEOUT, what, () -> {
      FakeKubelet.markReady(client, namespace);
      for (int i = from; i < events.size(); i++) {
        if (match.test(events.get(i))) {
          found[0] = i;
          return true;
        }
      }
      return false;
    });
    return found[0] + 1;
  }

  /** The test's namespace, for the kubelet played while awaiting. */
  private String namespace;

  private static boolean replicas(Event e, int replicas, boolean ready) {
    var s = e.rc().getStatus();
    return s != null && Integer.valueOf(replicas).equals(s.getReplicas())
        && (!ready || Integer.valueOf(replicas).equals(s.getReadyReplicas()));
  }

  private static boolean modified(Event e) {
    return e.action() == Watcher.Action.MODIFIED;
  }

  @Conformance("apps.replication-controller-api")
  @Test
  void replicationControllerLifecycle(String ns) {
    this.namespace = ns;
    var rcApi = client.replicationControllers().inNamespace(ns);
    try (Watch watch = rcApi.withLabel("test-rc-static", "true").watch(new Watcher<ReplicationController>() {
      @Override
      public void eventReceived(Action action, ReplicationController rc) {
        events.add(new Event(action, rc));
      }

      @Override
      public void onClose(WatcherException e) {}
    })) {
      rcApi.resource(new ReplicationControllerBuilder().withNewMetadata().withName("rc-test")
          .addToLabels("test-rc-static", "true").endMetadata().withNewSpec().withReplicas(1)
          .addToSelector("test-rc-static", "true").withNewTemplate().withNewMetadata().withName("rc-test")
          .addToLabels("test-rc-static", "true").endMetadata().withNewSpec()
          .withSchedulerName("quarkube-e2e-unscheduled").addNewContainer().withName("rc-test")
          .withImage("registry.local/app:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
      int next = awaitEvent(0, "ADDED", e -> e.action() == Watcher.Action.ADDED);
      next = awaitEvent(next, "1 ready replica", e -> replicas(e, 1, true));

      ReplicationController patched = rcApi.withName("rc-test").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"metadata\":{\"labels\":{\"test-rc\":\"patched\"}}}");
      assertEquals("patched", patched.getMetadata().getLabels().get("test-rc"));
      next = awaitEvent(next, "MODIFIED after the label patch", ReplicationControllerLifecycleTest::modified);

      ReplicationController statusPatched = rcApi.withName("rc-test").subresource("status").patch(
          PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"status\":{\"readyReplicas\":0,\"availableReplicas\":0}}");
      Integer ready = statusPatched.getStatus().getReadyReplicas();
      assertTrue(ready == null || ready == 0, "readyReplicas patched to 0");
      next = awaitEvent(next, "MODIFIED after the status patch", ReplicationControllerLifecycleTest::modified);
      next = awaitEvent(next - 1, "1 replica", e -> replicas(e, 1, false));

      ReplicationController status = client.getKubernetesSerialization().unmarshal(kubectl.run(new String[] {"get",
          "--raw", "/api/v1/namespaces/" + ns + "/replicationcontrollers/rc-test/status"}).ok().out(),
          ReplicationController.class);
      assertEquals(1, status.getStatus().getReplicas());

      rcApi.withName("rc-test").subresource("scale").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"spec\":{\"replicas\":2}}");
      next = awaitEvent(next, "MODIFIED after the scale patch", ReplicationControllerLifecycleTest::modified);
      next = awaitEvent(next - 1, "2 ready replicas", e -> replicas(e, 2, true));

      ReplicationController rc = rcApi.withName("rc-test").get();
      assertEquals("patched", rc.getMetadata().getLabels().get("test-rc"), "the label of the earlier patch");
      rc.getStatus().setAvailableReplicas(1);
      rc.getStatus().setReadyReplicas(1);
      rcApi.resource(rc).updateStatus();
      next = awaitEvent(next, "MODIFIED after the status update", ReplicationControllerLifecycleTest::modified);

      List<ReplicationController> all = client.replicationControllers().inAnyNamespace()
          .withLabel("test-rc-static", "true").list().getItems();
      assertTrue(all.stream().anyMatch(r -> "rc-test".equals(r.getMetadata().getName())
          && ns.equals(r.getMetadata().getNamespace())
          && "patched".equals(r.getMetadata().getLabels().get("test-rc"))), "listed with its labels");

      rcApi.withLabel("test-rc-static", "true").delete();
      awaitEvent(next, "DELETED", e -> e.action() == Watcher.Action.DELETED);
    }
  }
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pod and lease APIs as upstream's node conformance tests use them: watch a pod's life, update, patch status. */
@ExtendWith(TestNamespace.class)
class PodApiTest {
  private final KubernetesClient client = RealNode.client();

  private Pod sleeper(String ns, String name, String label) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("name", label)
        .endMetadata().withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec().build();
  }

  @Conformance("node.pod-lifecycle")
  @Test
  void podIsSubmittedWatchedAndRemoved(String ns) throws Exception {
    String label = "submitted-" + System.nanoTime();
    String rv = client.pods().inNamespace(ns).withLabel("name", label).list().getMetadata().getResourceVersion();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    Watch watch = client.pods().inNamespace(ns).watch(new ListOptionsBuilder().withResourceVersion(rv)
        .withLabelSelector("name=" + label).build(), new Watcher<Pod>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            events.add(action.name() + (pod.getMetadata().getDeletionTimestamp() != null ? " deleting" : ""));
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
    try {
      client.resource(sleeper(ns, "pod-submit-remove", label)).create();
      assertEquals("ADDED", events.poll(30, TimeUnit.SECONDS));
      assertEquals(1, client.pods().inNamespace(ns).withLabel("name", label).list().getItems().size());
      RealNode.awaitPhase(ns, "pod-submit-remove", "Running", Duration.ofSeconds(60));
      client.pods().inNamespace(ns).withName("pod-submit-remove").delete();
      String event;
      boolean sawDeletionTimestamp = false;
      while (!"DELETED deleting".equals(event = events.poll(60, TimeUnit.SECONDS))) {
        assertNotNull(event, "the DELETED event");
        sawDeletionTimestamp |= event.equals("MODIFIED deleting");
      }
      assertTrue(sawDeletionTimestamp, "the graceful deletion was visible before the pod went");
      assertTrue(client.pods().inNamespace(ns).withLabel("name", label).list().getItems().isEmpty());
    } finally {
      watch.close();
    }
  }

  @Conformance("node.pod-update-status")
  @Test
  void labelsAreUpdatedAndStatusPatched(String ns) {
    client.resource(sleeper(ns, "pod-update", "old")).create();
    RealNode.awaitPhase(ns, "pod-update", "Running", Duration.ofSeconds(60));
    client.pods().inNamespace(ns).withName("pod-update").edit(p -> new PodBuilder(p).editMetadata()
        .addToLabels("time", "updated").endMetadata().build());
    assertEquals(1, client.pods().inNamespace(ns).withLabel("time", "updated").list().getItems().size());

    Pod patched = client.pods().inNamespace(ns).withName("pod-update").subresource("status").patch(
        PatchContext.of(PatchType.STRATEGIC_MERGE), """
            {"metadata":{"annotations":{"patchedstatus":"true"}},
             "status":{"conditions":[{"type":"StatusPatched","status":"True"}]}}""");
    assertTrue(patched.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("StatusPatched")
        && c.getStatus().equals("True")), patched.getStatus().toString());
    assertEquals("true", patched.getMetadata().getAnnotations().get("patchedstatus"));
    assertTrue(patched.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Ready")),
        "the kubelet's conditions are kept: " + patched.getStatus().getConditions());
    assertEquals("Running", patched.getStatus().getPhase());
  }

  @Conformance("node.lease")
  @Test
  void leaseApi(String ns) {
    ZonedDateTime now = ZonedDateTime.now().truncatedTo(ChronoUnit.MICROS);
    Lease lease = new LeaseBuilder().withNewMetadata().withName("lease").endMetadata().withNewSpec()
        .withHolderIdentity("holder").withLeaseDurationSeconds(30).withAcquireTime(now).withRenewTime(now)
        .withLeaseTransitions(0).endSpec().build();
    var leases = client.leases().inNamespace(ns);
    leases.resource(lease).create();
    Lease read = leases.withName("lease").get();
    assertEquals("holder", read.getSpec().getHolderIdentity());
    assertEquals(30, read.getSpec().getLeaseDurationSeconds());
    assertEquals(now.toInstant(), read.getSpec().getRenewTime().toInstant());

    Lease updated = leases.withName("lease").edit(l -> new LeaseBuilder(l).editSpec().withHolderIdentity("holder2")
        .withLeaseTransitions(1).endSpec().build());
    assertEquals("holder2", leases.withName("lease").get().getSpec().getHolderIdentity());
    assertEquals(1, updated.getSpec().getLeaseTransitions());

    leases.withName("lease").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"holderIdentity\":\"holder3\",\"leaseDurationSeconds\":60}}");
    Lease patched = leases.withName("lease").get();
    assertEquals("holder3", patched.getSpec().getHolderIdentity());
    assertEquals(60, patched.getSpec().getLeaseDurationSeconds());

    leases.resource(new LeaseBuilder().withNewMetadata().withName("lease2").addToLabels("deletecollection", "true")
        .endMetadata().withNewSpec().withHolderIdentity("holder").endSpec().build()).create();
    assertEquals(List.of("lease", "lease2"), leases.list().getItems().stream().map(l -> l.getMetadata().getName())
        .sorted().toList());
    leases.withLabel("deletecollection", "true").delete();
    Await.until(Duration.ofSeconds(30), "lease2 deleted by collection",
        () -> leases.list().getItems().size() == 1);
    assertEquals("lease", leases.list().getItems().get(0).getMetadata().getName());
    leases.withName("lease").delete();
    Await.until(Duration.ofSeconds(30), "lease deleted", () -> leases.withName("lease").get() == null);
    assertNull(leases.withName("lease").get());
  }
}

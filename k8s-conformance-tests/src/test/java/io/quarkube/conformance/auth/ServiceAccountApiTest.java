package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** core/v1 serviceaccounts through upstream's ServiceAccounts lifecycle and update conformance tests. */
@ExtendWith(TestNamespace.class)
class ServiceAccountApiTest {
  private final KubernetesClient client = Cluster.client();

  /** Waits on the watch for the next event of that type (others are skipped, as upstream's loops skip them). */
  private static ServiceAccount next(BlockingQueue<Object[]> events, Watcher.Action type) throws Exception {
    while (true) {
      Object[] event = events.poll(60, TimeUnit.SECONDS);
      if (event == null) {
        throw new AssertionError("no " + type + " event");
      }
      if (event[0] == type) {
        return (ServiceAccount) event[1];
      }
    }
  }

  @Conformance("auth.serviceaccount-api")
  @Test
  void serviceAccountLifecycle(String ns) throws Exception {
    var accounts = client.serviceAccounts().inNamespace(ns);
    ServiceAccount created = accounts.resource(new ServiceAccountBuilder().withNewMetadata()
        .withName("testserviceaccount").addToLabels("test-serviceaccount-static", "true").endMetadata().build())
        .create();
    assertEquals(created.getMetadata().getUid(), accounts.withName("testserviceaccount").get().getMetadata().getUid());

    // as upstream, the watch starts after the create without a resourceVersion: its initial ADDED is the account
    BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
    Watch watch = accounts.watch(new ListOptionsBuilder().withLabelSelector("test-serviceaccount-static=true")
        .withTimeoutSeconds(180L).build(), new Watcher<ServiceAccount>() {
          @Override
          public void eventReceived(Action action, ServiceAccount sa) {
            events.add(new Object[] {action, sa});
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
    try {
      assertEquals("testserviceaccount", next(events, Watcher.Action.ADDED).getMetadata().getName());
      accounts.withName("testserviceaccount").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"automountServiceAccountToken\":false}");
      assertEquals(false, next(events, Watcher.Action.MODIFIED).getAutomountServiceAccountToken());
      assertTrue(client.serviceAccounts().inAnyNamespace().withLabel("test-serviceaccount-static", "true").list()
          .getItems().stream().anyMatch(sa -> sa.getMetadata().getName().equals("testserviceaccount")
              && sa.getMetadata().getNamespace().equals(ns)
              && Boolean.FALSE.equals(sa.getAutomountServiceAccountToken())));
      accounts.delete(); // upstream deletes the namespace's whole collection (the default account comes back)
      assertEquals("testserviceaccount", next(events, Watcher.Action.DELETED).getMetadata().getName());
    } finally {
      watch.close();
    }
  }

  @Conformance("auth.serviceaccount-api")
  @Test
  void serviceAccountIsUpdated(String ns) {
    var accounts = client.serviceAccounts().inNamespace(ns);
    String name = "e2e-sa-" + ns.substring(ns.length() - 5);
    ServiceAccount created = accounts.resource(new ServiceAccountBuilder().withNewMetadata().withName(name)
        .endMetadata().withAutomountServiceAccountToken(false).build()).create();
    assertEquals(false, created.getAutomountServiceAccountToken());
    ServiceAccount updated = Conflicts.retry(() -> {
      ServiceAccount current = accounts.withName(name).get();
      current.setAutomountServiceAccountToken(true);
      return accounts.resource(current).update();
    });
    assertEquals(true, updated.getAutomountServiceAccountToken());
    assertEquals(true, accounts.withName(name).get().getAutomountServiceAccountToken());
  }
}

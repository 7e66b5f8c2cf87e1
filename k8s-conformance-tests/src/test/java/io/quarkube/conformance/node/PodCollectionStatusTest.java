package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Upstream's Pods conformance tests on the API: host IP, delete a collection, the Pod and PodStatus lifecycle. */
@ExtendWith(TestNamespace.class)
class PodCollectionStatusTest {
  private static final Duration START = Duration.ofSeconds(120);
  private final KubernetesClient client = RealNode.client();

  private static Pod sleeper(String name, Map<String, String> labels) {
    return new PodBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withNewSpec()
        .withTerminationGracePeriodSeconds(1L).withRestartPolicy("Never").addNewContainer().withName("main")
        .withImage("busybox").withCommand("sleep", "3600").endContainer().endSpec().build();
  }

  @Conformance("node.pod-host-ip")
  @Test
  void podGetsAHostIp(String ns) throws Exception {
    client.pods().inNamespace(ns).resource(sleeper("pod-hostip", Map.of())).create();
    Pod running = RealNode.awaitPhase(ns, "pod-hostip", "Running", START);
    String hostIp = running.getStatus().getHostIP();
    assertNotNull(hostIp);
    assertTrue(hostIp.matches("[0-9.]+|[0-9a-fA-F:]+"), hostIp);
    InetAddress.getByName(hostIp); // a literal: no lookup, fails when it is no IP
    assertEquals(hostIp, running.getStatus().getHostIPs().get(0).getIp());
  }

  @Conformance("node.pod-qos-class")
  @Test
  void equalRequestsAndLimitsAreGuaranteed(String ns) {
    // upstream's "Pods Set QOS Class": the API server sets status.qosClass when the pod is created
    Map<String, Quantity> resources = Map.of("cpu", new Quantity("100m"), "memory", new Quantity("100Mi"));
    Pod created = client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("pod-qos-class")
        .addToLabels("name", "foo").endMetadata().withNewSpec().withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("agnhost").withImage("busybox").withCommand("sleep", "3600").withNewResources()
        .withRequests(resources).withLimits(resources).endResources().endContainer().endSpec().build()).create();
    assertEquals("Guaranteed", created.getStatus().getQosClass());
    assertEquals("Guaranteed", client.pods().inNamespace(ns).withName("pod-qos-class").get().getStatus()
        .getQosClass());
  }

  @Conformance("node.pod-delete-collection")
  @Test
  void aCollectionOfPodsIsDeleted(String ns) {
    var pods = client.pods().inNamespace(ns);
    for (String name : new String[] {"test-pod-1", "test-pod-2", "test-pod-3"}) {
      pods.resource(sleeper(name, Map.of("type", "Testing"))).create();
    }
    for (String name : new String[] {"test-pod-1", "test-pod-2", "test-pod-3"}) {
      RealNode.awaitPhase(ns, name, "Running", START);
    }
    pods.withLabel("type", "Testing").withGracePeriod(1L).delete();
    Await.until(START, "the pods deleted by collection", () -> pods.withLabel("type", "Testing").list().getItems()
        .isEmpty());
  }

  /** Waits for the next event of that type whose pod passes {@code test} (others are skipped). */
  private static Pod next(BlockingQueue<Object[]> events, Watcher.Action type, Predicate<Pod> test)
      throws InterruptedException {
    while (true) {
      Object[] event = events.poll(120, TimeUnit.SECONDS);
      assertNotNull(event, "a " + type + " event");
      if (event[0] == type && test.test((Pod) event[1])) {
        return (Pod) event[1];
      }
    }
  }

  private static boolean condition(Pod pod, String type, String status) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> c.getType().equals(type) && c.getStatus().equals(status));
  }

  @Conformance("node.pod-status-lifecycle")
  @Test
  void podAndPodStatusLifecycle(String ns) throws Exception {
    var pods = client.pods().inNamespace(ns);
    String rv = pods.withLabel("test-pod-static", "true").list().getMetadata().getResourceVersion();
    BlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
    Watch watch = pods.withLabel("test-pod-static", "true").watch(new ListOptionsBuilder().withResourceVersion(rv)
        .build(), new Watcher<Pod>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            events.add(new Object[] {action, pod});
          }

          @Override
          public void onClose(WatcherException cause) {}
        });
    try {
      pods.resource(sleeper("pod-test", Map.of("test-pod-static", "true"))).create();
      next(events, Watcher.Action.ADDED, p -> true);
      next(events, Watcher.Action.MODIFIED, p -> "Running".equals(p.getStatus().getPhase())
          && condition(p, "Ready", "True"));

      pods.withName("pod-test").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
          "{\"metadata\":{\"labels\":{\"test-pod\":\"patched\"}},"
              + "\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]}}");
      next(events, Watcher.Action.MODIFIED, p -> "patched".equals(p.getMetadata().getLabels().get("test-pod")));

      var status = Api.get("/api/v1/namespaces/" + ns + "/pods/pod-test/status", "application/json").json();
      assertEquals("pod-test", status.path("metadata").path("name").asText());
      assertEquals("Running", status.path("status").path("phase").asText());

      // upstream replaces the status with Ready and PodScheduled turned False
      Pod replaced = Conflicts.retry(() -> {
        Pod current = pods.withName("pod-test").get();
        for (PodCondition c : current.getStatus().getConditions()) {
          if ((c.getType().equals("Ready") || c.getType().equals("PodScheduled")) && c.getStatus().equals("True")) {
            c.setStatus("False");
          }
        }
        return pods.resource(current).updateStatus();
      });
      assertTrue(condition(replaced, "Ready", "False"), replaced.getStatus().toString());
      assertTrue(condition(replaced, "PodScheduled", "False"), replaced.getStatus().toString());

      pods.withName("pod-test").withGracePeriod(1L).delete();
      next(events, Watcher.Action.DELETED, p -> true);
      assertTrue(pods.withLabel("test-pod-static", "true").list().getItems().isEmpty());
    } finally {
      watch.close();
    }
  }
}

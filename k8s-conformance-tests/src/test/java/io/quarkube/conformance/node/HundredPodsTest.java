package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 100 pods bound to the real node all reach Running (the acceptance: the kubelet, containerd, CNI and the API
 * server cope with a full node), then all go away. Prints how long both took (a benchmark, not an assertion).
 */
@ExtendWith(TestNamespace.class)
class HundredPodsTest {
  private static final int PODS = 100;

  @Test
  void hundredPodsReachRunning(String ns) throws Exception {
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Pod>> creates = new java.util.ArrayList<>();
      for (int i = 0; i < PODS; i++) {
        String name = "p" + i;
        creates.add(pool.submit(() -> RealNode.client().resource(new PodBuilder().withNewMetadata().withName(name)
            .withNamespace(ns).withLabels(Map.of("load", "hundred")).endMetadata().withNewSpec()
            .withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(1L)
            .withAutomountServiceAccountToken(false)
            .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600").endContainer()
            .endSpec().build()).create()));
      }
      for (Future<Pod> f : creates) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    Await.until(Duration.ofMinutes(6), PODS + " pods Running", () -> running(ns) == PODS);
    Duration up = Duration.ofNanos(System.nanoTime() - t0);
    List<Pod> pods = RealNode.client().pods().inNamespace(ns).list().getItems();
    assertEquals(PODS, pods.stream().map(p -> p.getStatus().getPodIP()).distinct().count(), "an IP each");
    System.out.printf("%d pods: all Running after %.1f s (%.2f s per pod)%n", PODS, up.toMillis() / 1000.0,
        up.toMillis() / 1000.0 / PODS);

    List<String> containers = pods.stream().map(p -> p.getStatus().getContainerStatuses().get(0).getContainerID()
        .substring("containerd://".length())).toList();
    long t1 = System.nanoTime();
    RealNode.client().pods().inNamespace(ns).withLabel("load", "hundred").delete();
    // Graceful deletion: each pod is gone once the kubelet has stopped it and confirmed.
    Await.until(Duration.ofMinutes(6), "every pod gone", () ->
        RealNode.client().pods().inNamespace(ns).list().getItems().isEmpty());
    Await.until(Duration.ofMinutes(3), "every container gone from containerd", () ->
        RealNode.runtimeContainers().stream().noneMatch(containers::contains));
    System.out.printf("%d pods: all deleted after %.1f s%n", PODS, (System.nanoTime() - t1) / 1e9);
  }

  private static long running(String ns) {
    return RealNode.client().pods().inNamespace(ns).list().getItems().stream()
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count();
  }
}

package io.quarkube.conformance.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "Service endpoints latency should not be very high" (service_latency.go): a one-replica
 * ReplicationController of pause pods, then 200 Services selecting it created 15 at a time, each timed from its
 * creation until an Endpoints informer sees it with an address. Upstream fails when the median passes 20 s or the
 * 90th percentile 50 s; this suite makes no timed assertions (a loaded CI machine must not fail a correct cluster),
 * so the percentiles are printed and the assertion is upstream's functional part: every one of the 200 Services
 * gets its endpoint.
 */
@ExtendWith(TestNamespace.class)
class ServiceLatencyTest {
  private static final int TRIALS = 200;
  private static final int PARALLEL = 15;

  private static boolean hasAddress(Endpoints e) {
    return e.getSubsets() != null && e.getSubsets().stream()
        .anyMatch(s -> s.getAddresses() != null && !s.getAddresses().isEmpty());
  }

  @Conformance("network.service-endpoints-latency")
  @Test
  void twoHundredServicesEachGetTheirEndpoint(String ns) throws Exception {
    Map<String, String> labels = Map.of("name", "svc-latency-rc");
    ProxyNode.client().resource(new ReplicationControllerBuilder().withNewMetadata().withName("svc-latency-rc")
        .withNamespace(ns).endMetadata().withNewSpec().withReplicas(1).withSelector(labels).withNewTemplate()
        .withNewMetadata().withLabels(labels).endMetadata().withNewSpec().withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("pause").withImage("quarkube/pause:1.0").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    Await.until(ProxyNode.START, "the pause pod of svc-latency-rc running", () -> ProxyNode.client().pods()
        .inNamespace(ns).withLabels(labels).list().getItems().stream()
        .anyMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));

    Map<String, Long> seen = new ConcurrentHashMap<>();
    SharedIndexInformer<Endpoints> informer = ProxyNode.client().endpoints().inNamespace(ns)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Endpoints e) {
            note(e);
          }

          @Override
          public void onUpdate(Endpoints old, Endpoints e) {
            note(e);
          }

          @Override
          public void onDelete(Endpoints e, boolean unknown) {}

          private void note(Endpoints e) {
            if (hasAddress(e)) {
              seen.putIfAbsent(e.getMetadata().getName(), System.nanoTime());
            }
          }
        });
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<Long>> trials = new ArrayList<>();
      for (int i = 0; i < TRIALS; i++) {
        String name = "latency-svc-" + i;
        trials.add(pool.submit(() -> {
          long start = System.nanoTime();
          ProxyNode.client().resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns)
              .endMetadata().withNewSpec().withSelector(labels).addNewPort().withPort(80)
              .withTargetPort(new IntOrString(80)).endPort().endSpec().build()).create();
          Await.until(Duration.ofSeconds(180), "endpoints of " + name, () -> seen.containsKey(name));
          return seen.get(name) - start;
        }));
      }
      List<Long> millis = new ArrayList<>();
      for (Future<Long> t : trials) {
        millis.add(TimeUnit.NANOSECONDS.toMillis(t.get(10, TimeUnit.MINUTES)));
      }
      Collections.sort(millis);
      System.out.printf("service endpoints latency over %d services: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms "
          + "(upstream's bounds: p50 20 s, p90 50 s)%n", TRIALS, millis.get(TRIALS / 2), millis.get(TRIALS * 9 / 10),
          millis.get(TRIALS * 99 / 100), millis.get(TRIALS - 1));
      assertEquals(TRIALS, millis.size());
    } finally {
      pool.shutdownNow();
      informer.close();
    }
  }
}

package io.quarkube.apiserver.registry.autoscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.EtcdRegistryFixture;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** autoscaling/v1 and v2 serve the same objects, stored once as v2 under /registry/horizontalpodautoscalers/. */
class HorizontalPodAutoscalerStoreTest extends EtcdRegistryFixture {
  @Test
  void v1WritesAreV2ObjectsAndBack() {
    GenericStore<HasMetadata> v1 = registry.store("autoscaling", "v1", "horizontalpodautoscalers").orElseThrow();
    GenericStore<HasMetadata> v2 = registry.store("autoscaling", "v2", "horizontalpodautoscalers").orElseThrow();
    String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    var obj = Json.convert(Json.treeOf(("{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"HorizontalPodAutoscaler\","
        + "\"metadata\":{\"name\":\"web\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":"
        + "\"Deployment\",\"name\":\"web\"},\"maxReplicas\":3,\"targetCPUUtilizationPercentage\":50}}").getBytes()),
        io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class);
    var created = (io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler) v1.create(ns, obj, false);
    assertEquals(1, created.getSpec().getMinReplicas());
    assertEquals(50, created.getSpec().getTargetCPUUtilizationPercentage());

    byte[] stored = storage.get("/registry/horizontalpodautoscalers/" + ns + "/web").orElseThrow().value();
    String json = new String(stored);
    assertTrue(json.startsWith("{\"apiVersion\":\"autoscaling/v2\""), json);
    assertTrue(json.contains("\"averageUtilization\":50"), json);

    var asV2 = (io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler) v2.get(ns, "web");
    assertEquals(created.getMetadata().getResourceVersion(), asV2.getMetadata().getResourceVersion());
    asV2.getSpec().getMetrics().get(0).getResource().getTarget().setAverageUtilization(70);
    v2.update(ns, "web", asV2, null, false);

    var again = (io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler) v1.get(ns, "web");
    assertEquals("autoscaling/v1", again.getApiVersion());
    assertEquals(70, again.getSpec().getTargetCPUUtilizationPercentage());
    var listed = v1.list(ns, ListOptions.all());
    assertEquals("autoscaling/v1", listed.items().get(0).getApiVersion());
  }
}

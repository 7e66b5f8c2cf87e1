package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** LimitRanges listed across namespaces, patched and deleted by collection, as upstream's conformance test does. */
@ExtendWith(TestNamespace.class)
class LimitRangeApiTest {
  private final KubernetesClient client = Cluster.client();

  private static Map<String, Quantity> resources(String cpu, String memory, String storage) {
    return Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory), "ephemeral-storage",
        new Quantity(storage));
  }

  private static LimitRange limitRange(String name) {
    return new LimitRangeBuilder().withNewMetadata().withName(name).addToLabels("e2e-test", name)
        .addToLabels(name, "created").endMetadata().withNewSpec().addNewLimit().withType("Container")
        .withMin(resources("50m", "100Mi", "100Gi")).withMax(resources("500m", "500Mi", "500Gi"))
        .withDefault(resources("500m", "500Mi", "500Gi")).withDefaultRequest(resources("100m", "200Mi", "200Gi"))
        .endLimit().endSpec().build();
  }

  @Conformance("scheduling.limitrange-api")
  @Test
  void limitRangesAreListedPatchedAndDeletedByCollection(String ns) {
    String name = "e2e-limitrange-" + ns.substring(ns.length() - 6);
    String otherNs = ns + "-2";
    try {
      LimitRange created = client.limitRanges().inNamespace(ns).resource(limitRange(name)).create();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(otherNs).endMetadata()
          .build()).create();
      client.limitRanges().inNamespace(otherNs).resource(limitRange(name)).create();
      assertEquals(2, client.limitRanges().inAnyNamespace().withLabel("e2e-test", name).list().getItems().size());

      // upstream's patch: the whole limits list with a new min, and the creationTimestamp it read
      String patch = """
          {"metadata":{"creationTimestamp":"%s","labels":{"%s":"patched"}},
           "spec":{"limits":[{"type":"Container","min":{"cpu":"9m","memory":"49Mi","ephemeral-storage":"49Gi"},
             "max":{"cpu":"500m","memory":"500Mi","ephemeral-storage":"500Gi"},
             "default":{"cpu":"500m","memory":"500Mi","ephemeral-storage":"500Gi"},
             "defaultRequest":{"cpu":"100m","memory":"200Mi","ephemeral-storage":"200Gi"}}]}}"""
          .formatted(created.getMetadata().getCreationTimestamp(), name);
      LimitRange patched = client.limitRanges().inNamespace(ns).withName(name)
          .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
      assertEquals("patched", patched.getMetadata().getLabels().get(name));
      assertEquals(resources("9m", "49Mi", "49Gi"), patched.getSpec().getLimits().get(0).getMin());
      assertTrue(Long.parseLong(created.getMetadata().getResourceVersion())
          < Long.parseLong(patched.getMetadata().getResourceVersion()), "a larger resourceVersion");

      client.limitRanges().inNamespace(ns).withLabel(name, "patched").delete();
      Await.until(Duration.ofSeconds(30), "the patched LimitRange deleted by collection",
          () -> client.limitRanges().inNamespace(ns).withLabel(name, "patched").list().getItems().isEmpty());
      var left = client.limitRanges().inAnyNamespace().withLabel("e2e-test", name).list().getItems();
      assertEquals(1, left.size());
      assertEquals(otherNs, left.get(0).getMetadata().getNamespace());
    } finally {
      client.namespaces().withName(otherNs).delete();
    }
  }
}

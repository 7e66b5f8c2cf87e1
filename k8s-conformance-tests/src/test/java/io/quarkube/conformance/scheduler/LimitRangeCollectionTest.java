package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "LimitRange should list, patch and delete a LimitRange by collection": the same LimitRange in two
 * namespaces is listed across namespaces by label, one is patched, and a collection delete in one namespace leaves
 * the other.
 */
@ExtendWith(TestNamespace.class)
class LimitRangeCollectionTest {
  private final KubernetesClient client = Cluster.client();

  private LimitRange limitRange(String name, String label) {
    return new LimitRangeBuilder().withNewMetadata().withName(name).addToLabels("e2e-test", label).endMetadata()
        .withNewSpec().addNewLimit().withType("Container")
        .addToMin("cpu", new Quantity("100m")).addToMin("memory", new Quantity("200Mi"))
        .addToMax("cpu", new Quantity("500m")).addToMax("memory", new Quantity("500Mi"))
        .addToDefaultRequest("cpu", new Quantity("100m")).addToDefaultRequest("memory", new Quantity("200Mi"))
        .addToDefault("cpu", new Quantity("500m")).addToDefault("memory", new Quantity("500Mi"))
        .endLimit().endSpec().build();
  }

  @Conformance("scheduling.limitrange-collection")
  @Test
  void listPatchAndDeleteByCollection(String ns) {
    String label = ns;
    String other = ns + "-2";
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other).endMetadata().build())
        .create();
    try {
      String name = "e2e-limitrange-" + ns.substring(ns.length() - 5);
      client.limitRanges().inNamespace(ns).resource(limitRange(name, label)).create();
      client.limitRanges().inNamespace(other).resource(limitRange(name, label)).create();
      assertEquals(2, client.limitRanges().inAnyNamespace().withLabel("e2e-test", label).list().getItems().size());

      LimitRange patched = client.limitRanges().inNamespace(ns).withName(name).patch(
          PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"metadata\":{\"labels\":{\"" + name + "\":\"patched\"}},"
              + "\"spec\":{\"limits\":[{\"type\":\"Container\",\"default\":{\"cpu\":\"400m\",\"memory\":\"400Mi\"},"
              + "\"defaultRequest\":{\"cpu\":\"200m\",\"memory\":\"250Mi\"}}]}}");
      assertEquals("patched", patched.getMetadata().getLabels().get(name));
      assertEquals(new Quantity("400m"), patched.getSpec().getLimits().get(0).getDefault().get("cpu"));
      assertEquals(new Quantity("250Mi"), patched.getSpec().getLimits().get(0).getDefaultRequest().get("memory"));

      client.limitRanges().inNamespace(ns).withLabel("e2e-test", label).delete();
      Await.until(Duration.ofSeconds(30), "only the other namespace's LimitRange left", () ->
          client.limitRanges().inAnyNamespace().withLabel("e2e-test", label).list().getItems().stream()
              .map(l -> l.getMetadata().getNamespace()).toList().equals(java.util.List.of(other)));
    } finally {
      client.namespaces().withName(other).delete();
    }
  }
}

package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** core/v1 podtemplates through upstream's "PodTemplates" conformance tests: lifecycle and replace. */
@ExtendWith(TestNamespace.class)
class PodTemplateApiTest {
  private final KubernetesClient client = Cluster.client();

  private static PodTemplate template(String name, Map<String, String> labels) {
    return new PodTemplateBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewTemplate().withNewSpec().addNewContainer().withName("busybox").withImage("busybox").endContainer()
        .endSpec().endTemplate().build();
  }

  @Conformance("node.podtemplate-api")
  @Test
  void podTemplateLifecycle(String ns) {
    String name = "nginx-pod-template-" + ns;
    String selector = "podtemplate-static=true," + "e2e=" + ns; // the namespace keeps parallel runs apart
    assertEquals(0, client.resources(PodTemplate.class).inAnyNamespace().withLabelSelector(selector).list().getItems().size());
    client.resources(PodTemplate.class).inNamespace(ns).resource(template(name, Map.of("podtemplate-static", "true", "e2e", ns)))
        .create();
    assertEquals(name, client.resources(PodTemplate.class).inNamespace(ns).withName(name).get().getMetadata().getName());
    client.resources(PodTemplate.class).inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"metadata\":{\"labels\":{\"podtemplate\":\"patched\"}}}");
    assertEquals("patched",
        client.resources(PodTemplate.class).inNamespace(ns).withName(name).get().getMetadata().getLabels().get("podtemplate"));
    client.resources(PodTemplate.class).inNamespace(ns).withName(name).delete();
    Await.until(Duration.ofSeconds(30), "the pod template gone from the list",
        () -> client.resources(PodTemplate.class).inAnyNamespace().withLabelSelector(selector).list().getItems().isEmpty());
  }

  @Conformance("node.podtemplate-api")
  @Test
  void podTemplateIsReplaced(String ns) {
    String name = "podtemplate-" + ns;
    client.resources(PodTemplate.class).inNamespace(ns).resource(template(name, Map.of())).create();
    PodTemplate updated = Conflicts.retry(() -> {
      PodTemplate current = client.resources(PodTemplate.class).inNamespace(ns).withName(name).get();
      current.getMetadata().setAnnotations(Map.of("updated", "true"));
      return client.resources(PodTemplate.class).inNamespace(ns).resource(current).update();
    });
    assertNotNull(updated.getMetadata().getAnnotations());
    assertEquals("true", updated.getMetadata().getAnnotations().get("updated"));
    assertEquals("true",
        client.resources(PodTemplate.class).inNamespace(ns).withName(name).get().getMetadata().getAnnotations().get("updated"));
  }
}

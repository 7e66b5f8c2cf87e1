package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's RuntimeClass conformance tests on pods: a deleted class is refused (403), a pod naming a class is
 * scheduled with the class's overhead, or none when the class has none.
 */
@ExtendWith(TestNamespace.class)
class RuntimeClassSchedulingTest {
  private final KubernetesClient client = RealNode.client();

  private String runtimeClass(String ns, String name, Map<String, Quantity> overhead) {
    String unique = ns + "-" + name;
    var builder = new RuntimeClassBuilder().withNewMetadata().withName(unique).endMetadata().withHandler("runc");
    if (overhead != null) {
      builder.withNewOverhead().withPodFixed(overhead).endOverhead();
    }
    client.resources(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class).resource(builder.build()).create();
    return unique;
  }

  /** upstream's NewRuntimeClassPod: busybox {@code true}, never restarted, no token. */
  private static Pod pod(String runtimeClass) {
    return new PodBuilder().withNewMetadata().withGenerateName("test-runtimeclass-" + runtimeClass + "-")
        .endMetadata().withNewSpec().withRuntimeClassName(runtimeClass).withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false).addNewContainer().withName("test").withImage("busybox")
        .withCommand("true").endContainer().endSpec().build();
  }

  /** Waits for the namespace's one pod to be scheduled and returns it. */
  private Pod scheduled(String ns, String name) {
    Await.until(Duration.ofSeconds(120), "pod " + name + " scheduled", () -> {
      List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
      return pods.size() == 1 && pods.get(0).getSpec().getNodeName() != null;
    });
    List<Pod> pods = client.pods().inNamespace(ns).list().getItems();
    assertEquals(1, pods.size());
    assertEquals(name, pods.get(0).getMetadata().getName());
    return pods.get(0);
  }

  @Conformance("node.runtimeclass-scheduling")
  @Test
  void podWithAClassWithoutOverheadIsScheduled(String ns) {
    String rc = runtimeClass(ns, "preconfigured-handler", null);
    try {
      Pod created = client.pods().inNamespace(ns).resource(pod(rc)).create();
      Pod p = scheduled(ns, created.getMetadata().getName());
      assertTrue(p.getSpec().getOverhead() == null || p.getSpec().getOverhead().isEmpty(),
          String.valueOf(p.getSpec().getOverhead()));
    } finally {
      client.resources(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class).withName(rc).delete();
    }
  }

  @Conformance("node.runtimeclass-scheduling")
  @Test
  void podWithAClassWithOverheadIsScheduledWithIt(String ns) {
    String rc = runtimeClass(ns, "preconfigured-handler", Map.of("cpu", new Quantity("10m"), "memory",
        new Quantity("1Mi")));
    try {
      Pod created = client.pods().inNamespace(ns).resource(pod(rc)).create();
      Pod p = scheduled(ns, created.getMetadata().getName());
      assertEquals(new Quantity("10m"), p.getSpec().getOverhead().get("cpu"));
      assertEquals(new Quantity("1Mi"), p.getSpec().getOverhead().get("memory"));
    } finally {
      client.resources(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class).withName(rc).delete();
    }
  }

  @Conformance("node.runtimeclass-deleted")
  @Test
  void podNamingADeletedClassIsRefused(String ns) {
    String rc = runtimeClass(ns, "delete-me", null);
    client.resources(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class).withName(rc).delete();
    Await.until(Duration.ofSeconds(60), "the RuntimeClass gone",
        () -> client.resources(io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class).withName(rc).get() == null);
    KubernetesClientException refused = assertThrows(KubernetesClientException.class,
        () -> client.pods().inNamespace(ns).resource(pod(rc)).create());
    assertEquals(403, refused.getCode(), refused.getMessage());
  }
}

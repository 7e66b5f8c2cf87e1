package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kubelet runs a pod with the CRI runtime handler its RuntimeClass names: containerd's {@code runc} runs it, a
 * handler containerd has not configured fails the sandbox with upstream's FailedCreatePodSandBox event.
 */
@ExtendWith(TestNamespace.class)
class RuntimeClassHandlerTest {
  private final KubernetesClient client = RealNode.client();

  private RuntimeClass runtimeClass(String name, String handler) {
    return client.resource(new RuntimeClassBuilder().withNewMetadata().withName(name).endMetadata()
        .withHandler(handler).build()).create();
  }

  private Pod pod(String ns, String name, String runtimeClass) {
    return client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().withRuntimeClassName(runtimeClass).withTerminationGracePeriodSeconds(0L)
        .withNodeSelector(java.util.Map.of("kubernetes.io/hostname", RealNode.name()))
        .addNewContainer().withName("main").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec().build()).create();
  }

  @Conformance("node.runtimeclass-handler")
  @Test
  void podsRunWithTheirClassesHandler(String ns) {
    String runc = "e2e-runc-" + ns;
    String missing = "e2e-nope-" + ns;
    try {
      runtimeClass(runc, "runc");
      runtimeClass(missing, "nope");
      pod(ns, "with-runc", runc);
      pod(ns, "with-nope", missing);
      RealNode.awaitPhase(ns, "with-runc", "Running", Duration.ofSeconds(90));
      Await.until(Duration.ofSeconds(60), "FailedCreatePodSandBox for the handler containerd does not have",
          () -> client.v1().events().inNamespace(ns).list().getItems().stream().anyMatch(e ->
              "FailedCreatePodSandBox".equals(e.getReason()) && "with-nope".equals(e.getInvolvedObject().getName())
                  && e.getMessage().startsWith("Failed to create pod sandbox: ")
                  && e.getMessage().contains("\"nope\"")));
      assertEquals("Pending", RealNode.pod(ns, "with-nope").getStatus().getPhase());
    } finally {
      client.resources(RuntimeClass.class).withName(runc).delete();
      client.resources(RuntimeClass.class).withName(missing).delete();
    }
  }
}

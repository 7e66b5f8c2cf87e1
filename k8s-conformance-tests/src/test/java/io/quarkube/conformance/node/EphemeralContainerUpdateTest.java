package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conflicts;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import io.quarkube.conformance.apimachinery.Api;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Upstream's "should update the ephemeral containers in an existing pod": an ephemeral container added through
 * pods/ephemeralcontainers runs (exec and logs reach it), the subresource lists it, and a second one is added with a
 * read-modify-write of the pod through the same subresource.
 */
@ExtendWith(TestNamespace.class)
class EphemeralContainerUpdateTest {
  private static final String POD = "ephemeral-containers-target-pod";
  private final KubernetesClient client = RealNode.client();

  private boolean running(String ns, String container) {
    Pod p = RealNode.pod(ns, POD);
    return p.getStatus().getEphemeralContainerStatuses() != null && p.getStatus().getEphemeralContainerStatuses()
        .stream().anyMatch(s -> s.getName().equals(container) && s.getState() != null
            && s.getState().getRunning() != null);
  }

  private Pod addEphemeral(String ns, EphemeralContainer container) {
    return Conflicts.retry(() -> {
      Pod current = client.pods().inNamespace(ns).withName(POD).get();
      current.getSpec().getEphemeralContainers().add(container);
      return client.pods().inNamespace(ns).resource(current).subresource("ephemeralcontainers").update();
    });
  }

  @Conformance("node.ephemeral-containers-update")
  @Test
  void ephemeralContainersAreUpdated(String ns) {
    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(POD).endMetadata()
        .withNewSpec().withTerminationGracePeriodSeconds(1L).addNewContainer().withName("test-container-1")
        .withImage("busybox").withCommand("/bin/sleep").withArgs("10000").endContainer().endSpec().build())
        .create();
    RealNode.awaitPhase(ns, POD, "Running", Duration.ofSeconds(120));

    addEphemeral(ns, new EphemeralContainerBuilder().withName("debugger").withImage("busybox")
        .withCommand("/bin/sh", "-c", "while true; do echo polo; sleep 2; done").withStdin(true).withTty(true)
        .build());
    Await.until(Duration.ofSeconds(60), "the ephemeral container running", () -> running(ns, "debugger"));
    String marco = Kubectl.stock().run("exec", POD, "-n", ns, "-c", "debugger", "--", "/bin/echo", "marco").ok()
        .out();
    assertTrue(marco.contains("marco"), marco);
    Await.until(Duration.ofSeconds(30), "polo in the ephemeral container's log", () -> client.pods()
        .inNamespace(ns).withName(POD).inContainer("debugger").getLog().contains("polo"));

    var viaSubresource = Api.get("/api/v1/namespaces/" + ns + "/pods/" + POD + "/ephemeralcontainers",
        "application/json").json();
    assertEquals(1, viaSubresource.path("spec").path("ephemeralContainers").size(), viaSubresource.toString());

    Pod updated = addEphemeral(ns, new EphemeralContainerBuilder().withName("debugger2").withImage("busybox")
        .withCommand("/bin/sleep").withArgs("10000").build());
    assertEquals(2, updated.getSpec().getEphemeralContainers().size());
    var again = Api.get("/api/v1/namespaces/" + ns + "/pods/" + POD + "/ephemeralcontainers", "application/json")
        .json();
    assertEquals(2, again.path("spec").path("ephemeralContainers").size(), again.toString());
  }
}

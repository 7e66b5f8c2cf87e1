package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code pods/eviction}: a PodDisruptionBudget with no disruption left answers 429; without one the pod goes. */
@ExtendWith(TestNamespace.class)
class EvictionTest {
  private final KubernetesClient client = RealNode.client();

  private void runningPod(String ns, String name, String app) {
    runningPod(ns, name, app, 1);
  }

  private void runningPod(String ns, String name, String app, long gracePeriodSeconds) {
    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("app", app)
        .endMetadata().withNewSpec().withNodeName(RealNode.name()).withTerminationGracePeriodSeconds(gracePeriodSeconds)
        .addNewContainer().withName("c").withImage("busybox").withCommand("sleep", "3600").endContainer()
        .endSpec().build()).create();
    RealNode.awaitPhase(ns, name, "Running", Duration.ofSeconds(60));
  }

  @Conformance("apps.pdb-eviction")
  @Test
  void budgetWithoutDisruptionsBlocksEvictionOthersAreEvicted(String ns) {
    runningPod(ns, "guarded", "guarded");
    runningPod(ns, "free", "free");
    // One healthy pod and minAvailable 1: the disruption controller allows none, so eviction must wait.
    client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("keep").endMetadata().withNewSpec().withMinAvailable(
            new io.fabric8.kubernetes.api.model.IntOrString(1)).withNewSelector().addToMatchLabels("app", "guarded")
        .endSelector().endSpec().build()).create();
    Await.until(Duration.ofSeconds(30), "the budget's status", () -> {
      var b = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("keep").get();
      return b.getStatus() != null && Integer.valueOf(1).equals(b.getStatus().getCurrentHealthy())
          && Integer.valueOf(0).equals(b.getStatus().getDisruptionsAllowed());
    });
    var eviction = new EvictionBuilder().withNewMetadata().withName("guarded").withNamespace(ns).endMetadata()
        .build();
    // Fabric8 answers false exactly when the server says 429 TooManyRequests (a budget blocks), as kubectl drain
    // retries on it; any other error would throw.
    assertFalse(client.pods().inNamespace(ns).withName("guarded").evict(eviction));
    assertTrue(client.pods().inNamespace(ns).withName("guarded").get().getMetadata().getDeletionTimestamp() == null);

    // As upstream: an exhausted budget suggests no retry time, so kubectl drain retries on its own 5 s and keeps to
    // its --timeout (with a Retry-After, client-go waited and retried silently).
    var refused = Kubectl.stock().runWithInput("{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":"
        + "{\"name\":\"guarded\"}}", "create", "-v=6", "--raw",
        "/api/v1/namespaces/" + ns + "/pods/guarded/eviction", "-f", "-").fails();
    assertTrue(refused.err().contains("Cannot evict pod as it would violate the pod's disruption budget."),
        refused.err());
    assertFalse(refused.err().contains("Retry-After"), refused.err());

    assertTrue(client.pods().inNamespace(ns).withName("free").evict());
    Await.until(Duration.ofSeconds(60), "the evicted pod is gone",
        () -> client.pods().inNamespace(ns).withName("free").get() == null);
  }

  @Test
  void anEvictedPodSaysWhyItGoes(String ns) {
    runningPod(ns, "slow", "slow", 30); // busybox's sleep ignores TERM: the pod stays terminating for a while
    assertTrue(client.pods().inNamespace(ns).withName("slow").evict());
    var pod = client.pods().inNamespace(ns).withName("slow").get();
    var target = pod.getStatus().getConditions().stream().filter(c -> "DisruptionTarget".equals(c.getType()))
        .findFirst().orElseThrow(() -> new AssertionError("no DisruptionTarget condition: " + pod.getStatus()));
    assertEquals("True", target.getStatus());
    assertEquals("EvictionByEvictionAPI", target.getReason());
    assertEquals("Eviction API: evicting", target.getMessage());
    client.pods().inNamespace(ns).withName("slow").withGracePeriod(0).delete();
  }
}

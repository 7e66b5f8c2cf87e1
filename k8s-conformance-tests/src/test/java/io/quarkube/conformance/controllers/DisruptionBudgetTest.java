package io.quarkube.conformance.controllers;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PodDisruptionBudget status from the disruption controller, and the eviction API spending it: surplus healthy pods
 * may be evicted, then the answer is 429 until the budget is met again.
 */
@Conformance({"apps.pdb-status"})
@ExtendWith(TestNamespace.class)
class DisruptionBudgetTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final KubernetesClient client = Cluster.client();

  private static final String RS = """
      apiVersion: apps/v1
      kind: ReplicaSet
      metadata: {name: web}
      spec:
        replicas: 4
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {schedulerName: quarkube-e2e-unscheduled, containers: [{name: c, image: registry.local/app:1}]}
      """;

  private List<Pod> active(String ns) {
    return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private PodDisruptionBudget budget(String ns) {
    return client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web").get();
  }

  private void fourReadyPods(String ns) {
    kubectl.runWithInput(RS, new String[] {"apply", "-n", ns, "-f", "-"}).ok();
    Await.until(Duration.ofSeconds(60), "4 ready pods", () -> {
      FakeKubelet.markReady(client, ns);
      return active(ns).size() == 4 && active(ns).stream().allMatch(FakeKubelet::isReady);
    });
  }

  private void awaitAllowed(String ns, int allowed) {
    Await.until(Duration.ofSeconds(30), "disruptionsAllowed " + allowed, () -> {
      PodDisruptionBudget b = budget(ns);
      return b.getStatus() != null && b.getStatus().getObservedGeneration() != null
          && b.getStatus().getObservedGeneration().equals(b.getMetadata().getGeneration())
          && Integer.valueOf(allowed).equals(b.getStatus().getDisruptionsAllowed());
    });
  }

  private boolean evict(String ns, String pod) {
    // Fabric8 answers false exactly when the server says 429 (a budget blocks); other errors throw.
    return client.pods().inNamespace(ns).withName(pod).evict();
  }

  @Test
  void minAvailableAllowsEvictingTheSurplusThenRefuses(String ns) {
    fourReadyPods(ns);
    client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("web").endMetadata().withNewSpec().withMinAvailable(new IntOrString(2))
        .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
    awaitAllowed(ns, 2);
    PodDisruptionBudget b = budget(ns);
    assertEquals(4, b.getStatus().getCurrentHealthy());
    assertEquals(2, b.getStatus().getDesiredHealthy());
    assertEquals(4, b.getStatus().getExpectedPods());
    assertEquals("True", b.getStatus().getConditions().get(0).getStatus());
    String describe = kubectl.run(new String[] {"get", "pdb", "web", "-n", ns}).ok().out();
    assertTrue(describe.matches("(?s).*web\\s+2\\s+N/A\\s+2\\s+.*"), describe);

    // The ReplicaSet replaces evicted pods, but nobody makes the replacements Ready: the budget runs out.
    List<String> names = active(ns).stream().map(p -> p.getMetadata().getName()).sorted().toList();
    assertTrue(evict(ns, names.get(0)));
    assertTrue(evict(ns, names.get(1)), "the second surplus pod");
    assertFalse(evict(ns, names.get(2)), "429: two healthy pods are what the budget needs");
    assertTrue(client.pods().inNamespace(ns).withName(names.get(2)).get().getMetadata().getDeletionTimestamp()
        == null);
    awaitAllowed(ns, 0);
    assertEquals(2, budget(ns).getStatus().getCurrentHealthy());
    assertEquals("InsufficientPods", budget(ns).getStatus().getConditions().get(0).getReason());

    // Once the replacements are Ready the budget has room again.
    FakeKubelet.markReady(client, ns);
    awaitAllowed(ns, 2);
    assertTrue(evict(ns, names.get(2)));
  }

  @Test
  void maxUnavailablePercentageIsTakenOfTheControllersScale(String ns) {
    fourReadyPods(ns);
    client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("web").endMetadata().withNewSpec().withMaxUnavailable(new IntOrString("25%"))
        .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
    awaitAllowed(ns, 1);
    assertEquals(3, budget(ns).getStatus().getDesiredHealthy());
    String first = active(ns).get(0).getMetadata().getName();
    assertTrue(evict(ns, first));
    String second = active(ns).stream().filter(FakeKubelet::isReady).map(p -> p.getMetadata().getName())
        .filter(n -> !n.equals(first)).findFirst().orElseThrow();
    assertFalse(evict(ns, second), "one of four may be unavailable, and one is");
  }
}

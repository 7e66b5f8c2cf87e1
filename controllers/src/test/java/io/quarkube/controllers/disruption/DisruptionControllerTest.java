package io.quarkube.controllers.disruption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.Owners;
import io.quarkube.controllers.support.RecordingWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DisruptionControllerTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final List<String> events = new ArrayList<>();
  private final ControllerContext ctx = new ControllerContext(caches, writer,
      c -> (obj, type, reason, message) -> events.add(reason + ": " + message), null, null);
  private final DisruptionController controller = new DisruptionController(ctx, Clock.fixed(NOW, ZoneOffset.UTC));

  private PodDisruptionBudget pdb(IntOrString minAvailable, IntOrString maxUnavailable) {
    return new PodDisruptionBudgetBuilder().withNewMetadata().withNamespace("ns").withName("budget").withUid("pdb")
        .withGeneration(3L).endMetadata().withNewSpec().withMinAvailable(minAvailable)
        .withMaxUnavailable(maxUnavailable).withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec()
        .build();
  }

  private Pod pod(String name, boolean ready) {
    return new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).withUid(name + "-uid")
        .addToLabels("app", "web").endMetadata().withNewStatus().withPhase("Running").addNewCondition()
        .withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus().build();
  }

  private PodDisruptionBudget stored() throws InterruptedException {
    while (controller.queue().length() > 0) {
      controller.processNextItem();
    }
    return caches.indexer(PodDisruptionBudget.class).getByKey("ns/budget");
  }

  @Test
  void minAvailableCountAllowsTheSurplusOfHealthyPods() throws Exception {
    caches.put(pod("a", true));
    caches.put(pod("b", true));
    caches.put(pod("c", true));
    caches.put(pod("d", false));
    caches.put(pod("other", true)).getMetadata().setLabels(Map.of("app", "other"));
    caches.put(pdb(new IntOrString(2), null));
    var st = stored().getStatus();
    assertEquals(3, st.getCurrentHealthy());
    assertEquals(2, st.getDesiredHealthy());
    assertEquals(4, st.getExpectedPods());
    assertEquals(1, st.getDisruptionsAllowed());
    assertEquals(3L, st.getObservedGeneration());
    assertEquals("True", st.getConditions().get(0).getStatus());
    assertEquals("SufficientPods", st.getConditions().get(0).getReason());

    caches.put(pod("b", false)); // one fewer healthy: nothing may go
    st = stored().getStatus();
    assertEquals(0, st.getDisruptionsAllowed());
    assertEquals("InsufficientPods", st.getConditions().get(0).getReason());
  }

  @Test
  void percentagesAreTakenOfTheControllersScale() throws Exception {
    Deployment d = caches.put(new DeploymentBuilder().withNewMetadata().withNamespace("ns").withName("web")
        .withUid("d-uid").endMetadata().withNewSpec().withReplicas(4).endSpec().build());
    d.setApiVersion("apps/v1");
    ReplicaSet rs = new ReplicaSetBuilder().withNewMetadata().withNamespace("ns").withName("web-1").withUid("rs-uid")
        .withOwnerReferences(Owners.controllerRef(d)).endMetadata().withNewSpec().withReplicas(4).endSpec().build();
    rs.setApiVersion("apps/v1");
    caches.put(rs);
    for (String name : List.of("a", "b", "c")) {
      Pod p = pod(name, true);
      p.getMetadata().setOwnerReferences(List.of(Owners.controllerRef(rs)));
      caches.put(p);
    }
    caches.put(pdb(null, new IntOrString("50%")));
    var st = stored().getStatus();
    assertEquals(4, st.getExpectedPods(), "the Deployment's replicas, not the 3 pods there are");
    assertEquals(2, st.getDesiredHealthy());
    assertEquals(1, st.getDisruptionsAllowed());

    caches.put(pdb(new IntOrString("60%"), null)); // 60% of 4, rounded up: 3 must stay
    st = stored().getStatus();
    assertEquals(3, st.getDesiredHealthy());
    assertEquals(0, st.getDisruptionsAllowed());
  }

  @Test
  void percentagesOverPodsWithoutControllerAllowNothing() throws Exception {
    caches.put(pod("a", true));
    caches.put(pod("b", true));
    caches.put(pdb(null, new IntOrString("50%")));
    var st = stored().getStatus();
    assertEquals(0, st.getDisruptionsAllowed());
    assertEquals("SyncFailed", st.getConditions().get(0).getReason());
    assertEquals("found no controller ref for pod \"a\"", st.getConditions().get(0).getMessage());
  }

  @Test
  void podsTheEvictionApiGrantedAreNotHealthyUntilTheirTimeout() throws Exception {
    caches.put(pod("a", true));
    caches.put(pod("b", true));
    caches.put(pod("c", true));
    PodDisruptionBudget b = pdb(new IntOrString(1), null);
    b.setStatus(new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder()
        .addToDisruptedPods("a", NOW.minusSeconds(30).toString())
        .addToDisruptedPods("b", NOW.minusSeconds(300).toString()) // expired: counted again
        .addToDisruptedPods("gone", NOW.minusSeconds(10).toString()).build());
    caches.put(b);
    var st = stored().getStatus();
    assertEquals(Map.of("a", NOW.minusSeconds(30).toString()), st.getDisruptedPods());
    assertEquals(2, st.getCurrentHealthy());
    assertEquals(1, st.getDisruptionsAllowed());
    assertEquals(1, controller.queue().waitingCount(), "looks again when a's disruption expires");
  }

  @Test
  void noPodsNoDisruptions() throws Exception {
    caches.put(pdb(new IntOrString(0), null));
    var st = stored().getStatus();
    assertEquals(0, st.getDisruptionsAllowed());
    assertEquals(0, st.getExpectedPods());
    assertTrue(st.getDisruptedPods() == null || st.getDisruptedPods().isEmpty());
    assertEquals("NoPods: No matching pods found", events.get(0));
  }
}

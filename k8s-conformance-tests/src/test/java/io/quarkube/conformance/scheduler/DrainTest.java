package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** kubectl drain on a simulated node: cordon, evict its pods (through pods/eviction), leave others alone. */
@ExtendWith(TestNamespace.class)
class DrainTest {
  private final SimNodes sim = new SimNodes();

  @AfterEach
  void cleanUp() {
    sim.close();
  }

  @Conformance("cli.drain")
  @Test
  void drainCordonsAndEvicts(String ns) {
    sim.create("doomed", "4", "8Gi");
    for (int i = 0; i < 2; i++) {
      sim.create(sim.pod(ns, "p" + i, "100m"));
      assertEquals(sim.name("doomed"), sim.awaitBound(ns, "p" + i));
    }
    Kubectl.Result r = Kubectl.stock().run("drain", sim.name("doomed"), "--force", "--timeout=60s");
    r.ok();
    assertTrue(r.out().contains("node/" + sim.name("doomed") + " drained"), r.out() + r.err());
    assertTrue((r.out() + r.err()).contains("evicting pod " + ns + "/p0"), r.out() + r.err());
    assertTrue(sim.client.nodes().withName(sim.name("doomed")).get().getSpec().getUnschedulable(), "cordoned");
    // The node lifecycle controller follows spec.unschedulable with a NoSchedule taint, as upstream's does.
    Await.until(Duration.ofSeconds(30), "the unschedulable taint", () -> hasUnschedulableTaint(sim.name("doomed")));
    Await.until(Duration.ofSeconds(30), "pods gone", () -> sim.get(ns, "p0") == null && sim.get(ns, "p1") == null);
    Kubectl.stock().run("uncordon", sim.name("doomed")).ok();
    assertTrue(!Boolean.TRUE.equals(sim.client.nodes().withName(sim.name("doomed")).get().getSpec()
        .getUnschedulable()), "uncordoned");
    Await.until(Duration.ofSeconds(30), "the unschedulable taint gone",
        () -> !hasUnschedulableTaint(sim.name("doomed")));
  }

  private boolean hasUnschedulableTaint(String node) {
    var taints = sim.client.nodes().withName(node).get().getSpec().getTaints();
    return taints != null && taints.stream().anyMatch(t -> "node.kubernetes.io/unschedulable".equals(t.getKey())
        && "NoSchedule".equals(t.getEffect()));
  }
}

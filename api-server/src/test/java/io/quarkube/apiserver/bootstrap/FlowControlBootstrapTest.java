package io.quarkube.apiserver.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.quarkube.apiserver.registry.flowcontrol.BootstrapConfiguration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's ensurer rules: which stored defaults are put back and which annotation they end with. */
class FlowControlBootstrapTest {
  private static PriorityLevelConfiguration stored(String autoupdate, long generation, int shares) {
    PriorityLevelConfiguration pl = BootstrapConfiguration.suggestedPriorityLevels().get(0); // "system"
    Map<String, String> annotations = new HashMap<>();
    if (autoupdate != null) {
      annotations.put(BootstrapConfiguration.AUTOUPDATE, autoupdate);
    }
    pl.getMetadata().setAnnotations(annotations);
    pl.getMetadata().setGeneration(generation);
    pl.getSpec().getLimited().setNominalConcurrencyShares(shares);
    return pl;
  }

  private static PriorityLevelConfiguration wanted() {
    return BootstrapConfiguration.suggestedPriorityLevels().get(0);
  }

  @Test
  void suggestedObjectsFollowTheirAnnotation() {
    assertNull(FlowControlBootstrap.revise(stored("true", 3, 30), wanted(), false)); // already the default
    PriorityLevelConfiguration changed = (PriorityLevelConfiguration) FlowControlBootstrap.revise(
        stored("true", 3, 99), wanted(), false);
    assertEquals(30, changed.getSpec().getLimited().getNominalConcurrencyShares());
    assertNull(FlowControlBootstrap.revise(stored("false", 3, 99), wanted(), false)); // an administrator's
    // no annotation: the server's own while generation 1 (put back, annotated "true"), else annotated "false"
    PriorityLevelConfiguration fresh = (PriorityLevelConfiguration) FlowControlBootstrap.revise(
        stored(null, 1, 99), wanted(), false);
    assertEquals(30, fresh.getSpec().getLimited().getNominalConcurrencyShares());
    assertEquals("true", fresh.getMetadata().getAnnotations().get(BootstrapConfiguration.AUTOUPDATE));
    PriorityLevelConfiguration edited = (PriorityLevelConfiguration) FlowControlBootstrap.revise(
        stored("yes", 2, 99), wanted(), false);
    assertEquals(99, edited.getSpec().getLimited().getNominalConcurrencyShares());
    assertEquals("false", edited.getMetadata().getAnnotations().get(BootstrapConfiguration.AUTOUPDATE));
  }

  @Test
  void mandatoryObjectsAreAlwaysPutBack() {
    PriorityLevelConfiguration catchAll = BootstrapConfiguration.mandatoryPriorityLevel("catch-all");
    catchAll.getMetadata().setAnnotations(new HashMap<>(Map.of(BootstrapConfiguration.AUTOUPDATE, "false")));
    catchAll.getSpec().getLimited().setNominalConcurrencyShares(50);
    PriorityLevelConfiguration revised = (PriorityLevelConfiguration) FlowControlBootstrap.revise(catchAll,
        BootstrapConfiguration.mandatoryPriorityLevel("catch-all"), true);
    assertNotNull(revised);
    assertEquals(5, revised.getSpec().getLimited().getNominalConcurrencyShares());
    assertEquals("true", revised.getMetadata().getAnnotations().get(BootstrapConfiguration.AUTOUPDATE));
  }
}

package io.quarkube.apiserver.registry.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodDisruptionBudgetStrategyTest {
  private final PodDisruptionBudgetStrategy strategy = new PodDisruptionBudgetStrategy();

  private static PodDisruptionBudget pdb(IntOrString min, IntOrString max) {
    return new PodDisruptionBudgetBuilder().withNewMetadata().withName("b").endMetadata().withNewSpec()
        .withMinAvailable(min).withMaxUnavailable(max).endSpec().build();
  }

  @Test
  void specChangesBumpTheGenerationTheEvictionApiWaitsFor() {
    assertTrue(strategy.tracksGeneration());
  }

  @Test
  void oneOfMinAvailableAndMaxUnavailableAsIntOrPercent() {
    assertTrue(strategy.validate(pdb(new IntOrString(1), null)).isEmpty());
    assertTrue(strategy.validate(pdb(null, new IntOrString("25%"))).isEmpty());
    List<FieldError> both = strategy.validate(pdb(new IntOrString(1), new IntOrString(1)));
    assertEquals(1, both.size());
    assertTrue(both.get(0).toString().contains("minAvailable and maxUnavailable cannot be both set"),
        both.toString());
    assertEquals(1, strategy.validate(pdb(new IntOrString(-1), null)).size());
    assertEquals(1, strategy.validate(pdb(null, new IntOrString("120%"))).size());
    assertEquals(1, strategy.validate(pdb(null, new IntOrString("half"))).size());
  }
}

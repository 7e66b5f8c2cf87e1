package io.quarkube.apiserver.registry.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's PriorityClass defaults and validation (pkg/apis/scheduling). */
class PriorityClassStrategyTest {
  private final PriorityClassStrategy strategy = new PriorityClassStrategy();

  private static PriorityClass pc(String name, Integer value) {
    return new PriorityClassBuilder().withNewMetadata().withName(name).endMetadata().withValue(value).build();
  }

  private static List<String> messages(List<FieldError> errors) {
    return errors.stream().map(e -> e.type().text() + " " + e.field() + ": " + e.detail()).toList();
  }

  @Test
  void defaultsAreValueZeroAndPreemptLowerPriority() {
    PriorityClass created = pc("low", null);
    strategy.prepareForCreate(created);
    assertEquals(0, created.getValue());
    assertEquals("PreemptLowerPriority", created.getPreemptionPolicy());
    assertTrue(strategy.validate(created).isEmpty());
  }

  @Test
  void userClassesStayAtOrBelowOneBillion() {
    assertTrue(strategy.validate(pc("high", 1_000_000_000)).isEmpty());
    assertEquals(List.of("Forbidden value: maximum allowed value of a user defined priority is 1000000000"),
        messages(strategy.validate(pc("higher", 1_000_000_001))));
  }

  @Test
  void systemPrefixIsOnlyForTheSystemClassesWithTheirValues() {
    assertTrue(strategy.validate(pc("system-node-critical", 2_000_001_000)).isEmpty());
    assertTrue(strategy.validate(pc("system-cluster-critical", 2_000_000_000)).isEmpty());
    assertEquals(List.of("Forbidden metadata.name: priority class names with 'system-' prefix are reserved for "
        + "system use only. error: system-mine is not a known system priority class"),
        messages(strategy.validate(pc("system-mine", 10))));
    assertEquals(List.of("Forbidden metadata.name: priority class names with 'system-' prefix are reserved for "
        + "system use only. error: value of system-node-critical PriorityClass must be 2000001000"),
        messages(strategy.validate(pc("system-node-critical", 5))));
  }

  @Test
  void preemptionPolicyIsOneOfTwo() {
    PriorityClass never = new PriorityClassBuilder(pc("never", 5)).withPreemptionPolicy("Never").build();
    assertTrue(strategy.validate(never).isEmpty());
    PriorityClass bad = new PriorityClassBuilder(pc("bad", 5)).withPreemptionPolicy("Sometimes").build();
    assertEquals(List.of("Unsupported value preemptionPolicy"),
        strategy.validate(bad).stream().map(e -> e.type().text() + " " + e.field()).toList());
  }

  @Test
  void valueAndPreemptionPolicyNeverChange() {
    PriorityClass old = new PriorityClassBuilder(pc("p", 5)).withPreemptionPolicy("PreemptLowerPriority").build();
    PriorityClass described = new PriorityClassBuilder(old).withDescription("now described").build();
    assertTrue(strategy.validateUpdate(described, old).isEmpty());
    PriorityClass revalued = new PriorityClassBuilder(old).withValue(6).build();
    assertEquals(List.of("Forbidden value: may not be changed in an update."),
        messages(strategy.validateUpdate(revalued, old)));
    PriorityClass repolicied = new PriorityClassBuilder(old).withPreemptionPolicy("Never").build();
    assertEquals(List.of("Invalid value preemptionPolicy: field is immutable"),
        messages(strategy.validateUpdate(repolicied, old)));
  }
}

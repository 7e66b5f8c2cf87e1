package io.quarkube.apiserver.registry.storage;

import static io.quarkube.apiserver.registry.storage.CsiDriverStrategyTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.CSIStorageCapacity;
import io.fabric8.kubernetes.api.model.storage.CSIStorageCapacityBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's CSIStorageCapacity validation: selector, class name, capacity; GetCapacity's inputs immutable. */
class CsiStorageCapacityStrategyTest {
  private final CsiStorageCapacityStrategy strategy = new CsiStorageCapacityStrategy();

  private static CSIStorageCapacity capacity(String className, String capacity) {
    return new CSIStorageCapacityBuilder().withNewMetadata().withName("c").withNamespace("ns").endMetadata()
        .withStorageClassName(className).withCapacity(capacity == null ? null : new Quantity(capacity))
        .withNodeTopology(new LabelSelectorBuilder().addToMatchLabels("topology.example.com/zone", "a").build())
        .build();
  }

  @Test
  void valid() {
    assertTrue(strategy.validate(capacity("standard", "10Gi")).isEmpty());
    assertTrue(strategy.validate(capacity("standard", null)).isEmpty());
  }

  @Test
  void classNameCapacityAndSelector() {
    CSIStorageCapacity c = capacity("Not_A_Class", "-1Gi");
    c.getNodeTopology().getMatchExpressions().add(new io.fabric8.kubernetes.api.model.LabelSelectorRequirement(
        "zone", "In", List.of()));
    c.getNodeTopology().getMatchExpressions().add(new io.fabric8.kubernetes.api.model.LabelSelectorRequirement(
        "zone", "Near", List.of()));
    List<FieldError> errors = strategy.validate(c);
    assertEquals(List.of("Required value nodeTopology.matchExpressions[0].values",
        "Invalid value nodeTopology.matchExpressions[1].operator", "Invalid value storageClassName",
        "Invalid value capacity"), fields(errors));
    assertEquals("must be greater than or equal to 0", errors.get(3).detail());
  }

  @Test
  void topologyAndClassAreImmutableCapacityIsNot() {
    CSIStorageCapacity old = capacity("standard", "10Gi");
    assertTrue(strategy.validateUpdate(capacity("standard", "5Gi"), old).isEmpty());
    CSIStorageCapacity moved = capacity("fast", "10Gi");
    moved.getNodeTopology().getMatchLabels().put("topology.example.com/zone", "b");
    assertEquals(List.of("Invalid value nodeTopology", "Invalid value storageClassName"),
        fields(strategy.validateUpdate(moved, old)));
  }
}

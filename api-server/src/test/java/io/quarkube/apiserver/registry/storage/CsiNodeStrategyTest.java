package io.quarkube.apiserver.registry.storage;

import static io.quarkube.apiserver.registry.storage.CsiDriverStrategyTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSINodeBuilder;
import io.fabric8.kubernetes.api.model.storage.CSINodeDriver;
import io.fabric8.kubernetes.api.model.storage.CSINodeDriverBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's CSINode validation: distinct valid drivers, and a driver entry never changes. */
class CsiNodeStrategyTest {
  private final CsiNodeStrategy strategy = new CsiNodeStrategy();

  private static CSINodeDriver driver(String name, String nodeId, Integer count, String... topologyKeys) {
    CSINodeDriverBuilder b = new CSINodeDriverBuilder().withName(name).withNodeID(nodeId)
        .withTopologyKeys(topologyKeys);
    if (count != null) {
      b.withNewAllocatable().withCount(count).endAllocatable();
    }
    return b.build();
  }

  private static CSINode node(CSINodeDriver... drivers) {
    return new CSINodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewSpec().withDrivers(drivers)
        .endSpec().build();
  }

  @Test
  void validDrivers() {
    assertTrue(strategy.validate(node()).isEmpty());
    CSINode ok = node(driver("csi.example.com", "node-1", 10, "topology.example.com/zone"),
        driver("Other.Example.com", "x".repeat(256), null));
    assertTrue(strategy.validate(ok).isEmpty(), strategy.validate(ok).toString());
  }

  @Test
  void driverNamesAreUniqueAndValid() {
    List<FieldError> errors = strategy.validate(node(driver("csi.example.com", "a", 1),
        driver("csi.example.com", "b", 1), driver("bad_name", "c", 1), driver("", "d", 1)));
    assertEquals(List.of("Duplicate value spec.drivers[1].name", "Invalid value spec.drivers[2].name",
        "Required value spec.drivers[3].name"), fields(errors));
  }

  @Test
  void nodeIdCountAndTopologyKeys() {
    List<FieldError> errors = strategy.validate(node(driver("a.example.com", "", -1, "zone", "zone", "bad key")));
    assertEquals(List.of("Required value spec.drivers[0].nodeID", "Invalid value spec.drivers[0].allocatable.count",
        "Duplicate value spec.drivers[0]", "Invalid value spec.drivers[0]"), fields(errors));
    assertEquals("must be greater than or equal to 0", errors.get(1).detail());
    errors = strategy.validate(node(driver("a.example.com", "x".repeat(257), 1)));
    assertEquals("must be 256 characters or less", errors.get(0).detail());
  }

  @Test
  void driversComeAndGoButAnEntryNeverChanges() {
    CSINode before = node(driver("a.example.com", "n", 1));
    assertTrue(strategy.validateUpdate(node(driver("a.example.com", "n", 1), driver("b.example.com", "n", 2)),
        before).isEmpty());
    assertTrue(strategy.validateUpdate(node(), before).isEmpty());
    List<FieldError> errors = strategy.validateUpdate(node(driver("a.example.com", "n", 2)), before);
    assertEquals(List.of("Invalid value spec.drivers"), fields(errors));
    assertEquals("field is immutable", errors.get(0).detail());
  }
}

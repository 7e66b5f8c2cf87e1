package io.quarkube.apiserver.registry.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's RuntimeClass validation (pkg/apis/node/validation). */
class RuntimeClassStrategyTest {
  private final RuntimeClassStrategy strategy = new RuntimeClassStrategy();

  private static RuntimeClass rc(String handler) {
    return new RuntimeClassBuilder().withNewMetadata().withName("rc").endMetadata().withHandler(handler).build();
  }

  private static List<String> fields(List<FieldError> errors) {
    return errors.stream().map(e -> e.type().text() + " " + e.field()).toList();
  }

  @Test
  void handlerIsADns1123Label() {
    assertTrue(strategy.validate(rc("runc")).isEmpty());
    assertTrue(strategy.validate(rc("kata-fc")).isEmpty());
    for (String bad : new String[] {"", "Runc", "run_c", "-runc", "a.b", "x".repeat(64)}) {
      List<FieldError> errors = strategy.validate(rc(bad));
      assertEquals(List.of("Invalid value handler"), fields(errors), bad);
    }
    assertTrue(strategy.validate(rc(null)).get(0).detail().contains("RFC 1123 label"));
  }

  @Test
  void handlerIsImmutable() {
    assertTrue(strategy.validateUpdate(rc("runc"), rc("runc")).isEmpty());
    List<FieldError> errors = strategy.validateUpdate(rc("kata"), rc("runc"));
    assertEquals(List.of("Invalid value handler"), fields(errors));
    assertEquals("field is immutable", errors.get(0).detail());
  }

  @Test
  void overheadQuantitiesAreContainerLimits() {
    RuntimeClass ok = new RuntimeClassBuilder(rc("runc")).withNewOverhead()
        .withPodFixed(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("120Mi"))).endOverhead().build();
    assertTrue(strategy.validate(ok).isEmpty(), strategy.validate(ok).toString());
    RuntimeClass negative = new RuntimeClassBuilder(rc("runc")).withNewOverhead()
        .withPodFixed(Map.of("cpu", new Quantity("-1"))).endOverhead().build();
    List<FieldError> errors = strategy.validate(negative);
    assertEquals(List.of("Invalid value overhead.limits[cpu]"), fields(errors));
    assertEquals("must be greater than or equal to 0", errors.get(0).detail());
    RuntimeClass unknown = new RuntimeClassBuilder(rc("runc")).withNewOverhead()
        .withPodFixed(Map.of("gpus", new Quantity("1"))).endOverhead().build();
    assertEquals("must be a standard resource for containers", strategy.validate(unknown).get(0).detail());
    RuntimeClass garbage = new RuntimeClassBuilder(rc("runc")).withNewOverhead()
        .withPodFixed(Map.of("memory", new Quantity("lots"))).endOverhead().build();
    assertEquals(List.of("Invalid value overhead.limits[memory]"), fields(strategy.validate(garbage)));
  }

  @Test
  void schedulingHoldsValidLabelsAndDistinctValidTolerations() {
    RuntimeClass ok = new RuntimeClassBuilder(rc("runc")).withNewScheduling()
        .withNodeSelector(Map.of("sandbox.example.com/runtime", "kata"))
        .withTolerations(new TolerationBuilder().withKey("sandbox").withOperator("Exists").withEffect("NoSchedule")
            .build()).endScheduling().build();
    assertTrue(strategy.validate(ok).isEmpty(), strategy.validate(ok).toString());

    RuntimeClass badLabel = new RuntimeClassBuilder(rc("runc")).withNewScheduling()
        .withNodeSelector(Map.of("bad key!", "v")).endScheduling().build();
    assertEquals(List.of("Invalid value scheduling.nodeSelector"), fields(strategy.validate(badLabel)));

    var t = new TolerationBuilder().withKey("k").withOperator("Equal").withValue("v").withEffect("NoSchedule")
        .build();
    RuntimeClass duplicate = new RuntimeClassBuilder(rc("runc")).withNewScheduling()
        .withTolerations(t, new TolerationBuilder(t).build()).endScheduling().build();
    assertEquals(List.of("Duplicate value scheduling.tolerations[1]"), fields(strategy.validate(duplicate)));

    RuntimeClass badTolerations = new RuntimeClassBuilder(rc("runc")).withNewScheduling().withTolerations(
        new TolerationBuilder().withOperator("Equal").withValue("v").build(),
        new TolerationBuilder().withKey("k").withOperator("Sometimes").build(),
        new TolerationBuilder().withKey("k").withOperator("Exists").withEffect("Never").build(),
        new TolerationBuilder().withKey("k").withOperator("Exists").withEffect("NoSchedule")
            .withTolerationSeconds(5L).build())
        .endScheduling().build();
    assertEquals(List.of("Invalid value scheduling.tolerations[0].operator",
        "Unsupported value scheduling.tolerations[1].operator", "Unsupported value scheduling.tolerations[2].effect",
        "Invalid value scheduling.tolerations[3].effect"), fields(strategy.validate(badTolerations)));
  }
}

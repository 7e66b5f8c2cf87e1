package io.quarkube.conformance.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PriorityClasses as upstream's "PriorityClass endpoints" test uses them: the value and preemptionPolicy never change
 * (a patch or an update of them is refused), the description does, and every accepted write moves the
 * resourceVersion on.
 */
class PriorityClassTest {
  private final KubernetesClient client = Cluster.client();
  private final String label = "pc-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterEach
  void cleanUp() {
    client.scheduling().v1().priorityClasses().withLabel("e2e", label).delete();
  }

  private PriorityClass create(String suffix, int value) {
    return client.scheduling().v1().priorityClasses().resource(new PriorityClassBuilder().withNewMetadata()
        .withName(label + "-" + suffix).addToLabels("e2e", label).endMetadata().withValue(value).build()).create();
  }

  @Conformance("scheduling.priorityclass-api")
  @Test
  void valueIsImmutableDescriptionIsNot() {
    List<PriorityClass> pcs = new ArrayList<>(List.of(create("p1", 1), create("p2", 2)));
    assertEquals("PreemptLowerPriority", pcs.get(0).getPreemptionPolicy(), "upstream's default policy");

    // 1. A patch and an update of the value fail.
    var byPatch = assertThrows(KubernetesClientException.class, () -> client.scheduling().v1().priorityClasses()
        .withName(pcs.get(0).getMetadata().getName())
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"value\":10}"));
    assertEquals(422, byPatch.getCode());
    assertTrue(byPatch.getMessage().contains("value: Forbidden: may not be changed in an update."),
        byPatch.getMessage());
    PriorityClass revalued = new PriorityClassBuilder(pcs.get(1)).withValue(20).build();
    var byUpdate = assertThrows(KubernetesClientException.class,
        () -> client.scheduling().v1().priorityClasses().resource(revalued).update());
    assertEquals(422, byUpdate.getCode());
    var repolicied = assertThrows(KubernetesClientException.class, () -> client.scheduling().v1()
        .priorityClasses().withName(pcs.get(1).getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"preemptionPolicy\":\"Never\"}"));
    assertTrue(repolicied.getMessage().contains("preemptionPolicy: Invalid value: \"Never\": field is immutable"),
        repolicied.getMessage());

    // 2. A patch and an update of the description succeed.
    client.scheduling().v1().priorityClasses().withName(pcs.get(0).getMetadata().getName())
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"description\":\"updated description\"}");
    client.scheduling().v1().priorityClasses().resource(new PriorityClassBuilder(pcs.get(1))
        .withDescription("updated description").build()).update();

    // 3. They are listed, 4. with the value unchanged, the new description and a newer resourceVersion.
    List<String> listed = client.scheduling().v1().priorityClasses().list().getItems().stream()
        .map(p -> p.getMetadata().getName()).toList();
    for (PriorityClass pc : pcs) {
      assertTrue(listed.contains(pc.getMetadata().getName()), listed.toString());
      PriorityClass live = client.scheduling().v1().priorityClasses().withName(pc.getMetadata().getName()).get();
      assertEquals(pc.getValue(), live.getValue());
      assertEquals("updated description", live.getDescription());
      assertTrue(Long.parseLong(live.getMetadata().getResourceVersion())
          > Long.parseLong(pc.getMetadata().getResourceVersion()), "a newer resourceVersion");
    }
  }

  @Conformance("scheduling.priorityclass-api")
  @Test
  void systemNamesAndHighValuesAreReserved() {
    var system = assertThrows(KubernetesClientException.class, () -> client.scheduling().v1().priorityClasses()
        .resource(new PriorityClassBuilder().withNewMetadata().withName("system-" + label).addToLabels("e2e", label)
            .endMetadata().withValue(5).build()).create());
    assertEquals(422, system.getCode());
    assertTrue(system.getMessage().contains("priority class names with 'system-' prefix are reserved for system use"
        + " only. error: system-" + label + " is not a known system priority class"), system.getMessage());
    var high = assertThrows(KubernetesClientException.class, () -> create("huge", 1_000_000_001));
    assertTrue(high.getMessage().contains("maximum allowed value of a user defined priority is 1000000000"),
        high.getMessage());
    assertFalse(client.scheduling().v1().priorityClasses().withName("system-cluster-critical").get() == null);
  }
}

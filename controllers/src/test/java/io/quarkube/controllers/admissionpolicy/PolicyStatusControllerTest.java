package io.quarkube.controllers.admissionpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyStatusControllerTest {
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final PolicyStatusController controller = new PolicyStatusController(new ControllerContext(caches, writer,
      c -> EventRecorder.discarding(), null, null));

  @Test
  void aNewGenerationGetsObservedWithAnEmptyTypeChecking() {
    caches.put(new ValidatingAdmissionPolicyBuilder().withNewMetadata().withName("p").withGeneration(2L)
        .endMetadata().withNewStatus().withObservedGeneration(1L).endStatus().build());
    controller.reconcile("p");
    assertEquals(List.of("update-status ValidatingAdmissionPolicy p"), writer.actions());
    ValidatingAdmissionPolicy p = caches.indexer(ValidatingAdmissionPolicy.class).getByKey("p");
    assertEquals(2L, p.getStatus().getObservedGeneration());
    assertNotNull(p.getStatus().getTypeChecking());
    controller.reconcile("p");
    assertEquals(1, writer.actions().size(), "nothing more to do");
    assertTrue(!PolicyStatusController.stale(p));
  }
}

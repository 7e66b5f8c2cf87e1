package io.quarkube.apiserver.registry.storage;

import static io.quarkube.apiserver.registry.storage.CsiDriverStrategyTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PersistentVolumeSpecBuilder;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's VolumeAttachment validation (common + v1) and its read-only spec. */
class VolumeAttachmentStrategyTest {
  private final VolumeAttachmentStrategy strategy = new VolumeAttachmentStrategy();

  private static VolumeAttachment va(String attacher, String pv, String node) {
    return new VolumeAttachmentBuilder().withNewMetadata().withName("va").endMetadata().withNewSpec()
        .withAttacher(attacher).withNodeName(node).withNewSource().withPersistentVolumeName(pv).endSource().endSpec()
        .build();
  }

  @Test
  void createResetsTheStatusToNotAttached() {
    VolumeAttachment v = va("csi.example.com", "pv-1", "n1");
    v.setStatus(new io.fabric8.kubernetes.api.model.storage.VolumeAttachmentStatus(null, true, null, null));
    strategy.prepareForCreate(v);
    assertEquals(false, v.getStatus().getAttached());
    assertTrue(strategy.validate(v).isEmpty(), strategy.validate(v).toString());
  }

  @Test
  void attacherSourceAndNode() {
    assertEquals(List.of("Required value spec.attacher", "Required value spec.source", "Invalid value spec.nodeName"),
        fields(strategy.validate(va("", null, ""))));
    assertEquals(List.of("Invalid value spec.nodeName", "Invalid value spec.attacher",
        "Invalid value spec.source.persistentVolumeName"), fields(strategy.validate(va("bad_attacher", "PV", "N_1"))));
    VolumeAttachment both = va("csi.example.com", "pv-1", "n1");
    both.getSpec().getSource().setInlineVolumeSpec(new PersistentVolumeSpecBuilder().build());
    List<FieldError> errors = strategy.validate(both);
    assertEquals(List.of("Forbidden spec.source"), fields(errors));
    assertEquals("must specify exactly one of inlineVolumeSpec and persistentVolumeName", errors.get(0).detail());
    assertEquals(List.of("Required value spec.source.persistentVolumeName"),
        fields(strategy.validate(va("csi.example.com", "", "n1"))));
  }

  @Test
  void statusErrorsAndMetadata() {
    VolumeAttachment v = va("csi.example.com", "pv-1", "n1");
    v.setStatus(new io.fabric8.kubernetes.api.model.storage.VolumeAttachmentStatusBuilder().withAttached(true)
        .withAttachmentMetadata(Map.of("k", "x".repeat(256 * 1024))).withNewAttachError().withErrorCode(-1)
        .withMessage("m".repeat(1025)).endAttachError().build());
    assertEquals(List.of("Too long status.attachmentMetadata", "Too long status.attachError.message",
        "Invalid value status.attachError.errorCode"), fields(strategy.validate(v)));
  }

  @Test
  void theSpecIsReadOnly() {
    VolumeAttachment old = va("csi.example.com", "pv-1", "n1");
    assertTrue(strategy.validateUpdate(va("csi.example.com", "pv-1", "n1"), old).isEmpty());
    List<FieldError> errors = strategy.validateUpdate(va("csi.example.com", "pv-1", "n2"), old);
    assertEquals(List.of("Invalid value spec"), fields(errors));
    assertEquals("field is immutable", errors.get(0).detail());
  }
}

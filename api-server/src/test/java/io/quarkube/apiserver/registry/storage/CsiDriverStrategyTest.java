package io.quarkube.apiserver.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.CSIDriverBuilder;
import io.fabric8.kubernetes.api.model.storage.TokenRequest;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's CSIDriver defaults (v1) and validation (pkg/apis/storage/validation). */
class CsiDriverStrategyTest {
  private final CsiDriverStrategy strategy = new CsiDriverStrategy();

  private static CSIDriver driver() {
    return new CSIDriverBuilder().withNewMetadata().withName("csi.example.com").endMetadata().build();
  }

  private CSIDriver created(CSIDriver d) {
    strategy.prepareForCreate(d);
    return d;
  }

  static List<String> fields(List<FieldError> errors) {
    return errors.stream().map(e -> e.type().text() + " " + e.field()).toList();
  }

  @Test
  void anEmptySpecGetsUpstreamsDefaults() {
    CSIDriver d = created(driver());
    assertEquals(true, d.getSpec().getAttachRequired());
    assertEquals(false, d.getSpec().getPodInfoOnMount());
    assertEquals(false, d.getSpec().getStorageCapacity());
    assertEquals("ReadWriteOnceWithFSType", d.getSpec().getFsGroupPolicy());
    assertEquals(false, d.getSpec().getRequiresRepublish());
    assertEquals(false, d.getSpec().getSeLinuxMount());
    assertEquals(List.of("Persistent"), d.getSpec().getVolumeLifecycleModes());
    assertTrue(strategy.validate(d).isEmpty(), strategy.validate(d).toString());
  }

  @Test
  void setValuesAreKeptAndAFieldOf133IsDropped() {
    CSIDriver d = created(new CSIDriverBuilder(driver()).withNewSpec().withAttachRequired(false)
        .withPodInfoOnMount(true).withFsGroupPolicy("File").withVolumeLifecycleModes("Ephemeral")
        .withNodeAllocatableUpdatePeriodSeconds(60L).endSpec().build());
    assertEquals(false, d.getSpec().getAttachRequired());
    assertEquals(true, d.getSpec().getPodInfoOnMount());
    assertEquals("File", d.getSpec().getFsGroupPolicy());
    assertEquals(List.of("Ephemeral"), d.getSpec().getVolumeLifecycleModes());
    assertEquals(null, d.getSpec().getNodeAllocatableUpdatePeriodSeconds());
  }

  @Test
  void unsetBooleansAreRequiredWithoutDefaults() {
    assertEquals(List.of("Required value spec.attachedRequired", "Required value spec.podInfoOnMount",
        "Required value spec.storageCapacity", "Required value spec.seLinuxMount"),
        fields(strategy.validate(driver())));
  }

  @Test
  void enumsAndTokenRequests() {
    CSIDriver d = created(new CSIDriverBuilder(driver()).withNewSpec().withFsGroupPolicy("Sometimes")
        .withVolumeLifecycleModes("Persistent", "Forever")
        .withTokenRequests(new TokenRequest("a", 3600L), new TokenRequest("a", 3600L), new TokenRequest("b", 60L),
            new TokenRequest("c", (1L << 32) + 1))
        .endSpec().build());
    List<FieldError> errors = strategy.validate(d);
    assertEquals(List.of("Unsupported value spec.fsGroupPolicy", "Duplicate value spec.tokenRequests[1].audience",
        "Invalid value spec.tokenRequests[2].expirationSeconds", "Invalid value spec.tokenRequests[3].expirationSeconds",
        "Unsupported value spec.volumeLifecycleModes"), fields(errors));
    assertEquals("may not specify a duration less than 10 minutes", errors.get(2).detail());
    assertEquals("may not specify a duration larger than 2^32 seconds", errors.get(3).detail());
    assertEquals("Unsupported value: \"Forever\": supported values: \"Persistent\", \"Ephemeral\"",
        errors.get(4).causeMessage());
  }

  @Test
  void attachRequiredAndModesAreImmutableTheRestMayChange() {
    CSIDriver old = created(driver());
    CSIDriver podInfo = created(new CSIDriverBuilder(driver()).withNewSpec().withPodInfoOnMount(true)
        .withStorageCapacity(true).withRequiresRepublish(true).endSpec().build());
    assertTrue(strategy.validateUpdate(podInfo, old).isEmpty());
    CSIDriver attach = created(new CSIDriverBuilder(driver()).withNewSpec().withAttachRequired(false).endSpec()
        .build());
    List<FieldError> errors = strategy.validateUpdate(attach, old);
    assertEquals(List.of("Invalid value spec.attachedRequired"), fields(errors));
    assertEquals("field is immutable", errors.get(0).detail());
    CSIDriver modes = created(new CSIDriverBuilder(driver()).withNewSpec().withVolumeLifecycleModes("Ephemeral")
        .endSpec().build());
    assertEquals(List.of("Invalid value spec.volumeLifecycleModes"), fields(strategy.validateUpdate(modes, old)));
    assertTrue(strategy.tracksGeneration());
  }
}

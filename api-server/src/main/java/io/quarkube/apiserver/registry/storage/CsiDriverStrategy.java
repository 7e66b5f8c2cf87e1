package io.quarkube.apiserver.registry.storage;

import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.CSIDriverSpec;
import io.fabric8.kubernetes.api.model.storage.TokenRequest;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * storage.k8s.io/v1 CSIDrivers, after upstream's v1 defaults and {@code ValidateCSIDriver}: every boolean of the spec
 * is defaulted (so validation finds them set), attachRequired and volumeLifecycleModes never change, and a spec change
 * bumps {@code generation}.
 */
public final class CsiDriverStrategy implements Strategy<CSIDriver> {
  static final List<String> FS_GROUP_POLICIES = List.of("File", "None", "ReadWriteOnceWithFSType");
  static final List<String> LIFECYCLE_MODES = List.of("Persistent", "Ephemeral");
  private static final long MIN_TOKEN_SECONDS = 600;
  private static final long MAX_TOKEN_SECONDS = 1L << 32;

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public void prepareForCreate(CSIDriver driver) {
    defaults(driver);
  }

  @Override
  public void prepareForUpdate(CSIDriver driver, CSIDriver old) {
    defaults(driver);
  }

  /** Upstream's SetDefaults_CSIDriverSpec (v1); 1.32 has no nodeAllocatableUpdatePeriodSeconds, so it is dropped. */
  static void defaults(CSIDriver driver) {
    if (driver.getSpec() == null) {
      driver.setSpec(new CSIDriverSpec());
    }
    CSIDriverSpec s = driver.getSpec();
    if (s.getAttachRequired() == null) {
      s.setAttachRequired(true);
    }
    if (s.getPodInfoOnMount() == null) {
      s.setPodInfoOnMount(false);
    }
    if (s.getStorageCapacity() == null) {
      s.setStorageCapacity(false);
    }
    if (s.getFsGroupPolicy() == null) {
      s.setFsGroupPolicy("ReadWriteOnceWithFSType");
    }
    if (s.getVolumeLifecycleModes() == null || s.getVolumeLifecycleModes().isEmpty()) {
      s.setVolumeLifecycleModes(new ArrayList<>(List.of("Persistent")));
    }
    if (s.getRequiresRepublish() == null) {
      s.setRequiresRepublish(false);
    }
    if (s.getSeLinuxMount() == null) {
      s.setSeLinuxMount(false);
    }
    s.setNodeAllocatableUpdatePeriodSeconds(null);
  }

  @Override
  public List<FieldError> validate(CSIDriver driver) {
    List<FieldError> errors = new ArrayList<>();
    CSIDriverSpec s = driver.getSpec() == null ? new CSIDriverSpec() : driver.getSpec();
    // upstream's path says "attachedRequired" (sic)
    required(s.getAttachRequired(), "spec.attachedRequired", errors);
    required(s.getPodInfoOnMount(), "spec.podInfoOnMount", errors);
    required(s.getStorageCapacity(), "spec.storageCapacity", errors);
    if (s.getFsGroupPolicy() != null && !FS_GROUP_POLICIES.contains(s.getFsGroupPolicy())) {
      errors.add(FieldError.notSupported("spec.fsGroupPolicy", s.getFsGroupPolicy(), FS_GROUP_POLICIES));
    }
    tokenRequests(s.getTokenRequests(), errors);
    if (s.getVolumeLifecycleModes() != null) {
      for (String mode : s.getVolumeLifecycleModes()) {
        if (!LIFECYCLE_MODES.contains(mode)) {
          errors.add(FieldError.notSupported("spec.volumeLifecycleModes", mode, LIFECYCLE_MODES));
        }
      }
    }
    required(s.getSeLinuxMount(), "spec.seLinuxMount", errors);
    return errors;
  }

  @Override
  public List<FieldError> validateUpdate(CSIDriver driver, CSIDriver old) {
    List<FieldError> errors = validate(driver);
    CSIDriverSpec s = driver.getSpec() == null ? new CSIDriverSpec() : driver.getSpec();
    CSIDriverSpec o = old.getSpec() == null ? new CSIDriverSpec() : old.getSpec();
    if (!Objects.equals(s.getAttachRequired(), o.getAttachRequired())) {
      errors.add(FieldError.invalid("spec.attachedRequired", s.getAttachRequired(), "field is immutable"));
    }
    if (!Objects.equals(s.getVolumeLifecycleModes(), o.getVolumeLifecycleModes())) {
      errors.add(FieldError.invalid("spec.volumeLifecycleModes", s.getVolumeLifecycleModes(), "field is immutable"));
    }
    return errors;
  }

  private static void required(Boolean value, String path, List<FieldError> errors) {
    if (value == null) {
      errors.add(FieldError.required(path, ""));
    }
  }

  /** Audiences distinct; an expiration of at least 10 minutes and at most 2^32 seconds. */
  private static void tokenRequests(List<TokenRequest> requests, List<FieldError> errors) {
    if (requests == null) {
      return;
    }
    Set<String> audiences = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      TokenRequest t = requests.get(i);
      String path = "spec.tokenRequests[" + i + "]";
      String audience = Objects.toString(t.getAudience(), "");
      if (!audiences.add(audience)) {
        errors.add(FieldError.duplicate(path + ".audience", audience));
        continue;
      }
      Long seconds = t.getExpirationSeconds();
      if (seconds == null) {
        continue;
      }
      if (seconds < MIN_TOKEN_SECONDS) {
        errors.add(FieldError.invalid(path + ".expirationSeconds", seconds,
            "may not specify a duration less than 10 minutes"));
      }
      if (seconds > MAX_TOKEN_SECONDS) {
        errors.add(FieldError.invalid(path + ".expirationSeconds", seconds,
            "may not specify a duration larger than 2^32 seconds"));
      }
    }
  }
}

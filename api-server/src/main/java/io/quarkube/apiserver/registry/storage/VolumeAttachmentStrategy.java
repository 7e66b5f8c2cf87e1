package io.quarkube.apiserver.registry.storage;

import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentSource;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentSpec;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentStatus;
import io.fabric8.kubernetes.api.model.storage.VolumeError;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * storage.k8s.io/v1 VolumeAttachments, after upstream's {@code ValidateVolumeAttachment} (+ its v1 checks): an attacher
 * that is a CSI driver name, exactly one source (a valid PV name or an inline volume spec), a valid node name; the
 * spec never changes and the status is written only through {@code volumeattachments/status} (the store's split).
 */
public final class VolumeAttachmentStrategy implements Strategy<VolumeAttachment> {
  static final int MAX_METADATA_BYTES = 256 * 1024;
  static final int MAX_ERROR_MESSAGE = 1024;
  private static final String EXACTLY_ONE = "must specify exactly one of inlineVolumeSpec and persistentVolumeName";

  @Override
  public void prepareForCreate(VolumeAttachment va) {
    // upstream resets the status to its zero value, which serializes as attached: false
    VolumeAttachmentStatus status = new VolumeAttachmentStatus();
    status.setAttached(false);
    va.setStatus(status);
  }

  @Override
  public List<FieldError> validate(VolumeAttachment va) {
    List<FieldError> errors = new ArrayList<>();
    VolumeAttachmentSpec spec = va.getSpec() == null ? new VolumeAttachmentSpec() : va.getSpec();
    String attacher = Objects.toString(spec.getAttacher(), "");
    if (attacher.isEmpty()) {
      errors.add(FieldError.required("spec.attacher", ""));
    }
    VolumeAttachmentSource source = spec.getSource() == null ? new VolumeAttachmentSource() : spec.getSource();
    String pv = source.getPersistentVolumeName();
    if (source.getInlineVolumeSpec() == null && pv == null) {
      errors.add(FieldError.required("spec.source", EXACTLY_ONE));
    } else if (source.getInlineVolumeSpec() != null && pv != null) {
      errors.add(FieldError.forbidden("spec.source", EXACTLY_ONE));
    } else if (pv != null && pv.isEmpty()) {
      errors.add(FieldError.required("spec.source.persistentVolumeName", "must specify non empty persistentVolumeName"));
    }
    String node = Objects.toString(spec.getNodeName(), "");
    if (!Validation.isDns1123Subdomain(node)) {
      errors.add(FieldError.invalid("spec.nodeName", node, Validation.DNS1123_SUBDOMAIN_MESSAGE));
    }
    status(va.getStatus(), errors);
    // v1's extra checks
    if (!attacher.isEmpty()) {
      StorageValidation.csiDriverName(attacher, "spec.attacher", errors);
    }
    if (pv != null && !pv.isEmpty() && !Validation.isDns1123Subdomain(pv)) {
      errors.add(FieldError.invalid("spec.source.persistentVolumeName", pv, Validation.DNS1123_SUBDOMAIN_MESSAGE));
    }
    return errors;
  }

  private static void status(VolumeAttachmentStatus status, List<FieldError> errors) {
    if (status == null) {
      return;
    }
    Map<String, String> metadata = status.getAttachmentMetadata();
    if (metadata != null) {
      long size = 0;
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        size += Objects.toString(e.getKey(), "").length() + Objects.toString(e.getValue(), "").length();
      }
      if (size > MAX_METADATA_BYTES) {
        errors.add(new FieldError(FieldError.Type.TOO_LONG, "status.attachmentMetadata", "",
            "may not be more than " + MAX_METADATA_BYTES + " bytes"));
      }
    }
    volumeError(status.getAttachError(), "status.attachError", errors);
    volumeError(status.getDetachError(), "status.detachError", errors);
  }

  private static void volumeError(VolumeError e, String path, List<FieldError> errors) {
    if (e == null) {
      return;
    }
    if (e.getMessage() != null && e.getMessage().length() > MAX_ERROR_MESSAGE) {
      // upstream reports the metadata limit here (sic)
      errors.add(new FieldError(FieldError.Type.TOO_LONG, path + ".message", "",
          "may not be more than " + MAX_METADATA_BYTES + " bytes"));
    }
    if (e.getErrorCode() != null && e.getErrorCode() < 0) {
      errors.add(FieldError.invalid(path + ".errorCode", e.getErrorCode(),
          "must be between 0 and 2147483647, inclusive"));
    }
  }

  @Override
  public List<FieldError> validateUpdate(VolumeAttachment va, VolumeAttachment old) {
    // the v1 checks among these cannot fail anew: the spec they look at is read-only
    List<FieldError> errors = new ArrayList<>(validate(va));
    if (!Objects.equals(Json.tree(va.getSpec()), Json.tree(old.getSpec()))) {
      errors.add(FieldError.invalid("spec", va.getSpec(), "field is immutable"));
    }
    return errors;
  }
}

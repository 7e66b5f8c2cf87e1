package io.quarkube.apiserver.admission;

import io.quarkube.apiserver.authz.Forbidden;
import io.quarkube.apiserver.errors.ApiException;
import java.util.List;

/** Upstream's {@code admission.NewForbidden}: {@code pods "x" is forbidden: <why>}. */
final class AdmissionErrors {
  private AdmissionErrors() {}

  static ApiException forbidden(AdmissionRequest r, String why) {
    return Forbidden.forbidden(r.resource().group(), r.resource().resource(), objectName(r), why);
  }

  /** Several reasons as upstream's error aggregate prints them: one alone, or {@code [a, b]}. */
  static String aggregate(List<String> errors) {
    return errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
  }

  static String objectName(AdmissionRequest r) {
    if (r.object() != null && r.object().getMetadata() != null && r.object().getMetadata().getName() != null
        && !r.object().getMetadata().getName().isEmpty()) {
      return r.object().getMetadata().getName();
    }
    return r.name() == null ? "" : r.name();
  }

  static boolean is(AdmissionRequest r, String group, String resource) {
    return r.resource().group().equals(group) && r.resource().resource().equals(resource);
  }

  static boolean isPodCreate(AdmissionRequest r) {
    return is(r, "", "pods") && r.operation() == AdmissionRequest.Operation.CREATE && r.subresource() == null
        && r.object() != null;
  }
}

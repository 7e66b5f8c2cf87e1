package io.quarkube.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.validation.Validation;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code pods/ephemeralcontainers} ({@code kubectl debug}): the only write that changes a pod's
 * {@code spec.ephemeralContainers}, and only by adding containers, which then run once beside the pod's own (upstream's
 * EphemeralContainersStrategy and ValidatePodEphemeralContainersUpdate).
 */
final class EphemeralContainers {
  static final String SUBRESOURCE = "ephemeralcontainers";

  private EphemeralContainers() {}

  /** The stored pod with the request's ephemeral containers: nothing else of the request is taken. */
  static Pod onlyEphemeralContainers(Pod requested, Pod old) {
    Pod result = Json.read(Json.bytes(old), Pod.class);
    result.getSpec().setEphemeralContainers(requested.getSpec() == null ? null
        : requested.getSpec().getEphemeralContainers());
    PodSpecDefaults.ephemeral(result.getSpec());
    result.getMetadata().setManagedFields(requested.getMetadata().getManagedFields());
    result.getMetadata().setResourceVersion(requested.getMetadata().getResourceVersion());
    return result;
  }

  /** Existing ephemeral containers stay as they are; new ones are checked as upstream checks them. */
  static void validateUpdate(PodSpec spec, PodSpec old, List<FieldError> errors) {
    List<EphemeralContainer> after = nullToEmpty(spec.getEphemeralContainers());
    Map<String, EphemeralContainer> before = new LinkedHashMap<>();
    nullToEmpty(old.getEphemeralContainers()).forEach(e -> before.put(e.getName(), e));
    Set<String> seen = new HashSet<>();
    for (EphemeralContainer e : after) {
      seen.add(e.getName());
    }
    for (Map.Entry<String, EphemeralContainer> e : before.entrySet()) {
      if (!seen.contains(e.getKey())) {
        errors.add(FieldError.forbidden("spec.ephemeralContainers", "existing ephemeral containers \"" + e.getKey()
            + "\" may not be removed"));
      }
    }
    Set<String> names = new HashSet<>();
    nullToEmpty(spec.getContainers()).forEach(c -> names.add(c.getName()));
    nullToEmpty(spec.getInitContainers()).forEach(c -> names.add(c.getName()));
    for (int i = 0; i < after.size(); i++) {
      EphemeralContainer e = after.get(i);
      String path = "spec.ephemeralContainers[" + i + "]";
      EphemeralContainer existing = before.get(e.getName());
      if (existing != null) {
        if (!existing.equals(e)) {
          errors.add(FieldError.forbidden(path, "existing ephemeral containers \"" + e.getName()
              + "\" may not be changed"));
        }
        names.add(e.getName());
        continue;
      }
      validateNew(e, path, spec, names, errors);
    }
  }

  private static void validateNew(EphemeralContainer e, String path, PodSpec spec, Set<String> names,
      List<FieldError> errors) {
    if (e.getName() == null || e.getName().isEmpty()) {
      errors.add(FieldError.required(path + ".name", ""));
    } else if (!Validation.isDns1123Label(e.getName())) {
      errors.add(FieldError.invalid(path + ".name", e.getName(), Validation.DNS1123_LABEL_MESSAGE));
    } else if (!names.add(e.getName())) {
      errors.add(FieldError.duplicate(path + ".name", e.getName()));
    }
    if (e.getImage() == null || e.getImage().isBlank()) {
      errors.add(FieldError.required(path + ".image", ""));
    }
    String forbidden = "cannot be set for an Ephemeral Container";
    if (e.getPorts() != null && !e.getPorts().isEmpty()) {
      errors.add(FieldError.forbidden(path + ".ports", forbidden));
    }
    if (e.getLivenessProbe() != null) {
      errors.add(FieldError.forbidden(path + ".livenessProbe", forbidden));
    }
    if (e.getReadinessProbe() != null) {
      errors.add(FieldError.forbidden(path + ".readinessProbe", forbidden));
    }
    if (e.getStartupProbe() != null) {
      errors.add(FieldError.forbidden(path + ".startupProbe", forbidden));
    }
    if (e.getLifecycle() != null) {
      errors.add(FieldError.forbidden(path + ".lifecycle", forbidden));
    }
    if (e.getResources() != null && (notEmpty(e.getResources().getLimits())
        || notEmpty(e.getResources().getRequests()))) {
      errors.add(FieldError.forbidden(path + ".resources", forbidden));
    }
    String target = e.getTargetContainerName();
    if (target != null && !target.isEmpty() && nullToEmpty(spec.getContainers()).stream().map(Container::getName)
        .noneMatch(target::equals) && nullToEmpty(spec.getInitContainers()).stream().map(Container::getName)
        .noneMatch(target::equals)) {
      errors.add(FieldError.notFound(path + ".targetContainerName", target));
    }
  }

  private static boolean notEmpty(Map<?, ?> m) {
    return m != null && !m.isEmpty();
  }

  private static <T> List<T> nullToEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}

package io.quarkube.apiserver.validation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy.NameRule;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Upstream's {@code ValidateObjectMeta}: name, namespace, labels, annotations and finalizers. */
public final class ObjectMetaValidator {
  /** Upstream's limit on the total size of all annotations of one object. */
  static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

  private ObjectMetaValidator() {}

  public static List<FieldError> validate(ObjectMeta meta, ResourceDefinition definition, NameRule rule) {
    List<FieldError> errors = new ArrayList<>();
    String name = meta.getName();
    if (name == null || name.isEmpty()) {
      errors.add(FieldError.required("metadata.name", "name or generateName is required"));
    } else {
      String why = nameProblem(name, rule);
      if (why != null) {
        errors.add(FieldError.invalid("metadata.name", name, why));
      }
    }
    if (definition.namespaced()) {
      String ns = meta.getNamespace();
      if (ns == null || ns.isEmpty()) {
        errors.add(FieldError.required("metadata.namespace", ""));
      } else if (!Validation.isDns1123Label(ns)) {
        errors.add(FieldError.invalid("metadata.namespace", ns, Validation.DNS1123_LABEL_MESSAGE));
      }
    }
    validateLabels(meta.getLabels(), errors);
    validateAnnotations(meta.getAnnotations(), errors);
    if (meta.getFinalizers() != null) {
      for (int i = 0; i < meta.getFinalizers().size(); i++) {
        String f = meta.getFinalizers().get(i);
        if (!Validation.isQualifiedName(f)) {
          errors.add(FieldError.invalid("metadata.finalizers[" + i + "]", f, Validation.QUALIFIED_NAME_MESSAGE));
        }
      }
    }
    return errors;
  }

  public static String nameProblem(String name, NameRule rule) {
    return switch (rule) {
      case DNS1123_SUBDOMAIN -> Validation.isDns1123Subdomain(name) ? null
          : name.length() > 253 ? "must be no more than 253 characters" : Validation.DNS1123_SUBDOMAIN_MESSAGE;
      case DNS1123_LABEL -> Validation.isDns1123Label(name) ? null
          : name.length() > 63 ? "must be no more than 63 characters" : Validation.DNS1123_LABEL_MESSAGE;
      case DNS1035_LABEL -> Validation.isDns1035Label(name) ? null
          : name.length() > 63 ? "must be no more than 63 characters" : Validation.DNS1035_LABEL_MESSAGE;
      case PATH_SEGMENT -> name.equals(".") || name.equals("..") ? "may not be '" + name + "'"
          : name.contains("/") || name.contains("%") ? "may not contain '/' or '%'" : null;
    };
  }

  static void validateLabels(Map<String, String> labels, List<FieldError> errors) {
    if (labels == null) {
      return;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!Validation.isQualifiedName(e.getKey())) {
        errors.add(FieldError.invalid("metadata.labels", e.getKey(), Validation.QUALIFIED_NAME_MESSAGE));
      }
      if (!Validation.isLabelValue(e.getValue())) {
        errors.add(FieldError.invalid("metadata.labels", e.getValue(), Validation.LABEL_VALUE_MESSAGE));
      }
    }
  }

  static void validateAnnotations(Map<String, String> annotations, List<FieldError> errors) {
    if (annotations == null) {
      return;
    }
    long total = 0;
    for (Map.Entry<String, String> e : annotations.entrySet()) {
      if (!Validation.isQualifiedName(e.getKey().toLowerCase())) {
        errors.add(FieldError.invalid("metadata.annotations", e.getKey(), Validation.QUALIFIED_NAME_MESSAGE));
      }
      total += e.getKey().getBytes(StandardCharsets.UTF_8).length;
      total += e.getValue() == null ? 0 : e.getValue().getBytes(StandardCharsets.UTF_8).length;
    }
    if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
      errors.add(new FieldError(FieldError.Type.TOO_LONG, "metadata.annotations", null,
          "may not be more than " + TOTAL_ANNOTATION_SIZE_LIMIT + " bytes"));
    }
  }
}

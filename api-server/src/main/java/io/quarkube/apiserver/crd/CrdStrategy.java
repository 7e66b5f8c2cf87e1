package io.quarkube.apiserver.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import io.quarkube.apiserver.validation.Validation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * CustomResourceDefinitions: upstream's naming rules, one storage version, and the cleanup finalizer that keeps a
 * CRD until its custom resources are gone.
 */
public final class CrdStrategy implements Strategy<CustomResourceDefinition> {
  public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

  @Override
  public void prepareForCreate(CustomResourceDefinition crd) {
    List<String> finalizers = crd.getMetadata().getFinalizers() == null ? new ArrayList<>()
        : new ArrayList<>(crd.getMetadata().getFinalizers());
    if (!finalizers.contains(CLEANUP_FINALIZER)) {
      finalizers.add(CLEANUP_FINALIZER);
    }
    crd.getMetadata().setFinalizers(finalizers);
    defaults(crd);
  }

  @Override
  public void prepareForUpdate(CustomResourceDefinition crd, CustomResourceDefinition old) {
    defaults(crd);
  }

  private static void defaults(CustomResourceDefinition crd) {
    CustomResourceDefinitionSpec spec = crd.getSpec();
    if (spec == null || spec.getNames() == null) {
      return;
    }
    CustomResourceDefinitionNames names = spec.getNames();
    if (names.getSingular() == null || names.getSingular().isEmpty()) {
      names.setSingular(names.getKind() == null ? null : names.getKind().toLowerCase());
    }
    if (names.getListKind() == null || names.getListKind().isEmpty()) {
      names.setListKind(names.getKind() == null ? null : names.getKind() + "List");
    }
    if (spec.getConversion() == null) {
      spec.setConversion(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversion(
          "None", null));
    }
  }

  /** The schemas' unions (items, additionalProperties, ...) are not their Fabric8 beans' shape: see the walker. */
  @Override
  public List<String> pruneUnknownFields(com.fasterxml.jackson.databind.node.ObjectNode body, Class<?> type) {
    return CrdUnknownFields.prune(body);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public List<FieldError> validate(CustomResourceDefinition crd) {
    List<FieldError> errors = new ArrayList<>();
    CustomResourceDefinitionSpec spec = crd.getSpec();
    if (spec == null) {
      errors.add(FieldError.required("spec", ""));
      return errors;
    }
    String group = Objects.toString(spec.getGroup(), "");
    if (group.isEmpty()) {
      errors.add(FieldError.required("spec.group", ""));
    } else if (!group.contains(".") || !Validation.isDns1123Subdomain(group)) {
      errors.add(FieldError.invalid("spec.group", group, "should be a domain with at least one dot"));
    }
    CustomResourceDefinitionNames names = spec.getNames();
    String plural = names == null ? "" : Objects.toString(names.getPlural(), "");
    if (plural.isEmpty()) {
      errors.add(FieldError.required("spec.names.plural", ""));
    } else if (!Validation.isDns1035Label(plural)) {
      errors.add(FieldError.invalid("spec.names.plural", plural, Validation.DNS1035_LABEL_MESSAGE));
    }
    if (names == null || names.getKind() == null || names.getKind().isEmpty()) {
      errors.add(FieldError.required("spec.names.kind", ""));
    }
    String expectedName = plural + "." + group;
    if (!expectedName.equals(crd.getMetadata().getName())) {
      errors.add(FieldError.invalid("metadata.name", crd.getMetadata().getName(),
          "must be spec.names.plural+\".\"+spec.group"));
    }
    if (!"Namespaced".equals(spec.getScope()) && !"Cluster".equals(spec.getScope())) {
      errors.add(FieldError.notSupported("spec.scope", spec.getScope(), List.of("Cluster", "Namespaced")));
    }
    List<CustomResourceDefinitionVersion> versions = spec.getVersions() == null ? List.of() : spec.getVersions();
    if (versions.isEmpty()) {
      errors.add(FieldError.invalid("spec.versions", "[]", "must have exactly one version marked as storage version"));
    }
    long storage = versions.stream().filter(v -> Boolean.TRUE.equals(v.getStorage())).count();
    if (!versions.isEmpty() && storage != 1) {
      errors.add(FieldError.invalid("spec.versions", storage, "must have exactly one version marked as storage "
          + "version"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < versions.size(); i++) {
      CustomResourceDefinitionVersion v = versions.get(i);
      String path = "spec.versions[" + i + "]";
      if (v.getName() == null || !Validation.isDns1035Label(v.getName())) {
        errors.add(FieldError.invalid(path + ".name", v.getName(), Validation.DNS1035_LABEL_MESSAGE));
      } else if (!seen.add(v.getName())) {
        errors.add(FieldError.duplicate(path + ".name", v.getName()));
      }
      if (v.getSchema() == null || v.getSchema().getOpenAPIV3Schema() == null) {
        errors.add(FieldError.required(path + ".schema.openAPIV3Schema", "schemas are required"));
      } else {
        errors.addAll(CustomResourceSchemas.validateSchema(v, path));
      }
    }
    return errors;
  }

  @Override
  public List<FieldError> validateUpdate(CustomResourceDefinition crd, CustomResourceDefinition old) {
    List<FieldError> errors = new ArrayList<>(validate(crd));
    if (old.getSpec() != null && crd.getSpec() != null) {
      if (!Objects.equals(old.getSpec().getGroup(), crd.getSpec().getGroup())) {
        errors.add(FieldError.invalid("spec.group", crd.getSpec().getGroup(), "field is immutable"));
      }
      if (old.getSpec().getNames() != null && crd.getSpec().getNames() != null
          && !Objects.equals(old.getSpec().getNames().getPlural(), crd.getSpec().getNames().getPlural())) {
        errors.add(FieldError.invalid("spec.names.plural", crd.getSpec().getNames().getPlural(),
            "field is immutable"));
      }
    }
    return errors;
  }
}

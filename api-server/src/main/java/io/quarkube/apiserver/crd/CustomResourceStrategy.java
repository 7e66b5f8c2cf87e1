package io.quarkube.apiserver.crd;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Strategy;
import java.util.List;

/** Custom resources of one CRD version: its schema's defaults and validation; they track generation. */
final class CustomResourceStrategy implements Strategy<GenericKubernetesResource> {
  private final CustomResourceSchemas.Compiled schema;
  private final io.quarkube.machinery.apply.Schema applySchema;

  CustomResourceStrategy(CustomResourceDefinitionVersion version) {
    this.schema = CustomResourceSchemas.compile(version);
    this.applySchema = version.getSchema() == null || version.getSchema().getOpenAPIV3Schema() == null
        ? io.quarkube.machinery.apply.Schema.deduced()
        : io.quarkube.machinery.apply.Schema.customResource(
            io.quarkube.apiserver.json.Json.tree(version.getSchema()).get("openAPIV3Schema"));
  }

  @Override
  public io.quarkube.machinery.apply.Schema applySchema(io.quarkube.apiserver.resource.ResourceDefinition def) {
    return applySchema;
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public void prepareForCreate(GenericKubernetesResource object) {
    schema.applyDefaults(object);
  }

  @Override
  public void prepareForUpdate(GenericKubernetesResource object, GenericKubernetesResource old) {
    schema.applyDefaults(object);
  }

  @Override
  public boolean defaultsOnRead() {
    return schema.hasDefaults();
  }

  @Override
  public void defaultOnRead(GenericKubernetesResource object) {
    schema.applyDefaults(object);
  }

  @Override
  public List<FieldError> validate(GenericKubernetesResource object) {
    return schema.validate(object);
  }

  /** Unknown fields are the ones the schema prunes, not the ones a Java class lacks. */
  @Override
  public List<String> pruneUnknownFields(com.fasterxml.jackson.databind.node.ObjectNode body, Class<?> type) {
    return schema.prune(body);
  }
}

package io.quarkube.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.machinery.schema.Defaulter;
import io.quarkube.machinery.schema.Pruner;
import io.quarkube.machinery.schema.StructuralSchema;
import io.quarkube.machinery.schema.Validator;
import java.util.List;

/** The bridge between a CRD version's OpenAPI v3 schema and the structural-schema library of api-machinery. */
final class CustomResourceSchemas {
  private CustomResourceSchemas() {}

  /** Problems of the schema itself, reported on CRD create/update with their upstream field paths. */
  static List<FieldError> validateSchema(CustomResourceDefinitionVersion version, String path) {
    JsonNode schema = Json.tree(version.getSchema()).get("openAPIV3Schema");
    boolean status = version.getSubresources() != null && version.getSubresources().getStatus() != null;
    return convert(StructuralSchema.parse(schema, path + ".schema.openAPIV3Schema",
        StructuralSchema.Options.defaults().statusSubresource(status)).errors());
  }

  static Compiled compile(CustomResourceDefinitionVersion version) {
    if (version.getSchema() == null || version.getSchema().getOpenAPIV3Schema() == null) {
      return new Compiled(null);
    }
    return new Compiled(StructuralSchema.of(Json.tree(version.getSchema()).get("openAPIV3Schema")));
  }

  static List<FieldError> convert(List<io.quarkube.machinery.schema.FieldError> errors) {
    return errors.stream().map(e -> FieldError.preformatted(e.type().reason(), e.field(), e.errorBody())).toList();
  }

  /** A version's schema, ready to prune, default and validate objects, in upstream's order. */
  static final class Compiled {
    private final StructuralSchema schema;
    private final boolean hasDefaults;

    Compiled(StructuralSchema schema) {
      this.schema = schema;
      this.hasDefaults = schema != null && schema.hasDefaults();
    }

    /** Whether any node of the schema has a default (then objects read from storage are defaulted too). */
    boolean hasDefaults() {
      return hasDefaults;
    }

    void applyDefaults(GenericKubernetesResource object) {
      if (schema == null) {
        return;
      }
      ObjectNode tree = Json.tree(object);
      Pruner.pruneNonNullableNullsWithoutDefaults(tree, schema);
      Defaulter.apply(tree, schema);
      object.setAdditionalProperties(Json.convert(tree, GenericKubernetesResource.class).getAdditionalProperties());
    }

    List<FieldError> validate(GenericKubernetesResource object) {
      return schema == null ? List.of() : convert(Validator.validate(Json.tree(object), schema));
    }

    List<String> prune(ObjectNode body) {
      return schema == null ? List.of() : Pruner.prune(body, schema, true);
    }
  }
}

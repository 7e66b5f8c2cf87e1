package io.quarkube.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.quarkube.apiserver.errors.FieldError;
import java.util.List;

/** The bridge between a CRD version's OpenAPI v3 schema and the structural-schema library. */
final class CustomResourceSchemas {
  private CustomResourceSchemas() {}

  /** Problems of the schema itself, reported on CRD create/update. */
  static List<FieldError> validateSchema(CustomResourceDefinitionVersion version, String path) {
    return List.of();
  }

  static Compiled compile(CustomResourceDefinitionVersion version) {
    return new Compiled();
  }

  /** A version's schema, ready to default, validate and prune objects. */
  static final class Compiled {
    void applyDefaults(GenericKubernetesResource object) {}

    List<FieldError> validate(GenericKubernetesResource object) {
      return List.of();
    }

    List<String> prune(ObjectNode body) {
      return List.of();
    }
  }
}

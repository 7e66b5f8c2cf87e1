package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.List;
import java.util.Optional;

/**
 * The OpenAPI of one served custom resource version, shared by the v3 documents and the v2 one: its paths, made by the
 * built-in path generator with the generic object schema swapped for the resource's own, and its object and list
 * schemas under upstream's names ({@code com.example.stable.v1.CronTab} for group {@code stable.example.com}).
 */
final class CustomResourceDocs {
  static final String GENERIC = SchemaNames.of(GenericKubernetesResource.class);
  static final String GENERIC_LIST = GENERIC + "List";
  private static final String REF = "#/components/schemas/";
  /** Upstream's descriptions of apiVersion, kind and metadata (the TypeMeta and builder texts) point here. */
  private static final String CONVENTIONS =
      "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md";
  private static final String OBJECT_META = "Standard object's metadata. More info: " + CONVENTIONS + "#metadata";
  private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

  private CustomResourceDocs() {}

  static boolean isCustom(ResourceDefinition d) {
    return d.type() == GenericKubernetesResource.class;
  }

  /** Upstream's definition name of a custom kind: the group's labels reversed, then version and kind. */
  static String name(ResourceDefinition d) {
    return name(d.group(), d.version(), d.kind());
  }

  static String name(String group, String version, String kind) {
    String[] labels = group.split("\\.");
    StringBuilder b = new StringBuilder();
    for (int i = labels.length - 1; i >= 0; i--) {
      b.append(labels[i]).append('.');
    }
    return b.append(version).append('.').append(kind).toString();
  }

  /**
   * The resource's v3 paths, referring to its own schemas instead of the generic object's, and without strategic
   * merge patch among the PATCH bodies (the v2 document's {@code consumes} follow): custom resources have no patch
   * strategies, upstream does not serve that patch type for them, and kubectl picks it whenever it is listed.
   */
  static ObjectNode paths(SchemaGenerator schemas, ResourceDefinition d) {
    String name = name(d);
    ObjectNode paths = new PathGenerator(schemas, d.group(), d.version()).paths(List.of(d));
    for (com.fasterxml.jackson.databind.JsonNode path : paths) {
      if (path.path("patch").path("requestBody").path("content") instanceof ObjectNode content) {
        content.remove(STRATEGIC_MERGE_PATCH);
      }
    }
    String text = paths.toString().replace(REF + GENERIC_LIST + "\"", REF + name + "List\"")
        .replace(REF + GENERIC + "\"", REF + name + "\"");
    try {
      return (ObjectNode) Json.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot re-read generated paths", e);
    }
  }

  /**
   * The object schema of the v3 documents, as upstream's CRD OpenAPI builder makes it: the structural part of the CRD
   * version's {@code openAPIV3Schema} with {@code apiVersion}, {@code kind} and {@code metadata} (metadata always the
   * full ObjectMeta), also inside embedded resources; without a schema, a bare object.
   */
  static ObjectNode objectSchema(ResourceDefinition d, Optional<ObjectNode> crdSchema) {
    return kubeNative(crdSchema.map(PublishedCrdSchema::structural), false);
  }

  /**
   * The object definition of the v2 document: the same, degraded as upstream degrades it for Swagger 2.0; a schema
   * that keeps unknown fields at its root becomes a bare object (kubectl would refuse every field a v2 definition
   * does not list).
   */
  static ObjectNode objectSchemaV2(ResourceDefinition d, Optional<ObjectNode> crdSchema) {
    Optional<ObjectNode> schema = crdSchema.filter(s -> !PublishedCrdSchema.preservesUnknownFields(s))
        .map(s -> PublishedCrdSchema.toV2(PublishedCrdSchema.structural(s)));
    return kubeNative(schema, true);
  }

  private static ObjectNode kubeNative(Optional<ObjectNode> schema, boolean v2) {
    if (schema.isEmpty()) {
      ObjectNode bare = Json.MAPPER.createObjectNode();
      bare.put("type", "object");
      return bare;
    }
    ObjectNode object = schema.get();
    ObjectNode props = object.has("properties") ? (ObjectNode) object.get("properties")
        : object.putObject("properties");
    metadata(props, SchemaNames.META + "ObjectMeta", OBJECT_META);
    typeMeta(props);
    embeddedResources(object, v2);
    return object;
  }

  /** Nodes marked as embedded resources get the type and object meta an object has (not in v2 when open). */
  private static void embeddedResources(ObjectNode node, boolean v2) {
    if (node.get("properties") instanceof ObjectNode props) {
      props.forEach(p -> embeddedResources((ObjectNode) p, v2));
    }
    for (String key : List.of("items", "additionalProperties")) {
      if (node.get(key) instanceof ObjectNode child) {
        embeddedResources(child, v2);
      }
    }
    if (!node.path("x-kubernetes-embedded-resource").asBoolean(false)
        || (v2 && PublishedCrdSchema.preservesUnknownFields(node))) {
      return;
    }
    ObjectNode props = node.has("properties") ? (ObjectNode) node.get("properties") : node.putObject("properties");
    typeMeta(props);
    metadata(props, SchemaNames.META + "ObjectMeta", OBJECT_META);
    com.fasterxml.jackson.databind.node.ArrayNode required = node.has("required")
        ? (com.fasterxml.jackson.databind.node.ArrayNode) node.get("required") : node.putArray("required");
    for (String field : List.of("kind", "apiVersion")) {
      boolean listed = false;
      for (com.fasterxml.jackson.databind.JsonNode r : required) {
        listed |= r.asText().equals(field);
      }
      if (!listed) {
        required.add(field);
      }
    }
  }

  static ObjectNode listSchema(ResourceDefinition d) {
    ObjectNode list = Json.MAPPER.createObjectNode();
    list.put("description", d.listKind() + " is a list of " + d.kind() + ".");
    list.put("type", "object");
    list.putArray("required").add("items");
    ObjectNode props = list.putObject("properties");
    typeMeta(props);
    ObjectNode items = props.putObject("items");
    items.put("description", "The " + d.kind() + " objects of the list.");
    items.put("type", "array");
    items.putObject("items").put("$ref", REF + name(d));
    metadata(props, SchemaNames.META + "ListMeta", "Standard list metadata. More info: " + CONVENTIONS
        + "#types-kinds");
    return list;
  }

  private static void typeMeta(ObjectNode props) {
    props.putObject("apiVersion").put("description", "APIVersion defines the versioned schema of this "
        + "representation of an object. Servers should convert recognized schemas to the latest internal value, and "
        + "may reject unrecognized values. More info: " + CONVENTIONS + "#resources").put("type", "string");
    props.putObject("kind").put("description", "Kind is a string value representing the REST resource this "
        + "object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be "
        + "updated. In CamelCase. More info: " + CONVENTIONS + "#types-kinds").put("type", "string");
  }

  private static void metadata(ObjectNode props, String schema, String description) {
    ObjectNode m = props.putObject("metadata");
    m.putArray("allOf").addObject().put("$ref", REF + schema);
    m.put("description", description);
  }
}

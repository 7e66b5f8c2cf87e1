package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.crd.ServedVersions;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one Swagger 2.0 document of {@code /openapi/v2}, made from the same generators as the v3 documents: the v3
 * paths and component schemas of every group version are rewritten in Swagger 2.0's form, as upstream's
 * kube-openapi writes it. Definitions keep upstream's names ({@code io.k8s.api.core.v1.Pod}) and their
 * {@code x-kubernetes-group-version-kind}, {@code x-kubernetes-patch-strategy} and
 * {@code x-kubernetes-patch-merge-key}, which kubectl's client-side apply reads to build strategic merge patches;
 * operations keep their inline query parameters ({@code fieldValidation}) and {@code x-kubernetes-group-version-kind},
 * by which kubectl decides that the server validates fields.
 *
 * <p>Custom resources get a definition each, named as upstream names them ({@code com.example.stable.v1.CronTab}
 * for group {@code stable.example.com}), made from the CRD's schema as upstream degrades it for Swagger 2.0.
 */
final class SwaggerDocument {
  static final String DEFINITIONS = "#/definitions/";
  private static final String V3_SCHEMAS = "#/components/schemas/";
  private static final String GENERIC = CustomResourceDocs.GENERIC;
  private static final String GENERIC_LIST = CustomResourceDocs.GENERIC_LIST;
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch");
  /** The meta kinds every group version speaks, whose definitions list a kind per group version. */
  private static final List<String> SHARED_META = List.of("DeleteOptions", "Status", "WatchEvent");

  private final SchemaHints hints = SchemaHints.load();
  private final SchemaGenerator schemas = new SchemaGenerator(hints);
  /** Schemas the generator does not hold: the discovery documents' and the custom resources'. */
  private final Map<String, ObjectNode> extraSchemas = new TreeMap<>();
  /** The kinds each definition stands for, in the order they were met. */
  private final Map<String, Map<String, ObjectNode>> kinds = new TreeMap<>();
  /** v3 paths, by path, in upstream's order (core first, then the groups). */
  private final ObjectNode v3Paths = Json.MAPPER.createObjectNode();

  private SwaggerDocument() {}

  /** Builds the document for the resources the catalog serves now. */
  static ObjectNode build(ResourceCatalog catalog) {
    return new SwaggerDocument().document(catalog);
  }

  private ObjectNode document(ResourceCatalog catalog) {
    Set<String> groups = new LinkedHashSet<>();
    catalog.byGroupVersion().forEach((apiVersion, defs) -> {
      ResourceDefinition first = defs.get(0);
      groupVersion(first.group(), first.version(), defs);
      if (!first.group().isEmpty()) {
        groups.add(first.group());
      }
    });
    merge(DiscoveryDocs.api(hints));
    merge(DiscoveryDocs.apis(hints));
    for (String group : groups) {
      merge(DiscoveryDocs.group(hints, group));
    }
    merge(DiscoveryDocs.version(hints));

    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("swagger", "2.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", OpenApiDocuments.API_RELEASE);
    ObjectNode paths = doc.putObject("paths");
    new TreeMap<>(fields(v3Paths)).forEach((path, item) -> paths.set(path, pathItem((ObjectNode) item)));

    Map<String, ObjectNode> all = new TreeMap<>(schemas.schemas());
    all.remove(GENERIC);
    all.remove(GENERIC_LIST);
    all.putAll(extraSchemas);
    ObjectNode definitions = doc.putObject("definitions");
    all.forEach((name, schema) -> {
      ObjectNode def = (ObjectNode) schema(schema);
      Map<String, ObjectNode> gvks = kinds.get(name);
      if (gvks != null) {
        ArrayNode a = def.putArray("x-kubernetes-group-version-kind");
        gvks.values().forEach(a::add);
      }
      definitions.set(name, def);
    });
    ObjectNode bearer = doc.putObject("securityDefinitions").putObject("BearerToken");
    bearer.put("description", "Bearer Token authentication");
    bearer.put("in", "header");
    bearer.put("name", "authorization");
    bearer.put("type", "apiKey");
    doc.putArray("security").addObject().putArray("BearerToken");
    return doc;
  }

  private void groupVersion(String group, String version, List<ResourceDefinition> defs) {
    List<ResourceDefinition> builtIn = new ArrayList<>();
    for (ResourceDefinition d : defs) {
      if (CustomResourceDocs.isCustom(d)) {
        customResource(d);
      } else {
        builtIn.add(d);
        kind(SchemaNames.of(d.type()), d.group(), d.version(), d.kind());
        kind(SchemaNames.of(d.type()) + "List", d.group(), d.version(), d.listKind());
      }
    }
    v3Paths.setAll(new PathGenerator(schemas, group, version).paths(builtIn));
    kind("io.k8s.api.autoscaling.v1.Scale", "autoscaling", "v1", "Scale");
    kind("io.k8s.api.policy.v1.Eviction", "policy", "v1", "Eviction");
    kind("io.k8s.api.authentication.v1.TokenRequest", "authentication.k8s.io", "v1", "TokenRequest");
    kind("io.k8s.api.core.v1.Binding", "", "v1", "Binding");
    for (String meta : SHARED_META) {
      kind(SchemaNames.META + meta, "", "v1", meta);
      kind(SchemaNames.META + meta, group, version, meta);
    }
    kind(SchemaNames.META + "APIResourceList", "", "v1", "APIResourceList");
  }

  /**
   * A custom resource's paths and schemas. Swagger 2.0 cannot say all that a structural schema says (nullable,
   * anyOf, unknown fields), so its definition is the schema with those parts left out as upstream leaves them out;
   * the v3 documents carry the whole schema.
   */
  private void customResource(ResourceDefinition d) {
    String name = CustomResourceDocs.name(d);
    v3Paths.setAll(CustomResourceDocs.paths(schemas, d));
    extraSchemas.put(name, CustomResourceDocs.objectSchemaV2(d, ServedVersions.openApiSchema(d)));
    kind(name, d.group(), d.version(), d.kind());
    extraSchemas.put(name + "List", CustomResourceDocs.listSchema(d));
    kind(name + "List", d.group(), d.version(), d.listKind());
    schemas.add(io.fabric8.kubernetes.api.model.ListMeta.class);
    schemas.add(io.fabric8.kubernetes.api.model.ObjectMeta.class);
  }

  private void kind(String schema, String group, String version, String kind) {
    ObjectNode gvk = OpenApiDocuments.gvk(group, version, kind);
    kinds.computeIfAbsent(schema, k -> new LinkedHashMap<>()).putIfAbsent(gvk.toString(), gvk);
  }

  /** The paths and schemas of a small v3 document (the discovery ones). */
  private void merge(ObjectNode v3) {
    v3Paths.setAll((ObjectNode) v3.path("paths"));
    fields(v3.at("/components/schemas")).forEach((name, schema) -> {
      if (!schemas.schemas().containsKey(name)) {
        extraSchemas.putIfAbsent(name, (ObjectNode) schema);
      }
    });
  }

  // ---- v3 to Swagger 2.0

  private static ObjectNode pathItem(ObjectNode in) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    fields(in).forEach((key, value) -> {
      if (key.equals("parameters")) {
        ArrayNode params = out.putArray("parameters");
        value.forEach(p -> params.add(parameter(p)));
      } else if (METHODS.contains(key)) {
        out.set(key, operation((ObjectNode) value));
      } else {
        out.set(key, value.deepCopy());
      }
    });
    return out;
  }

  /** A query, path or header parameter: v2 writes the schema's type beside the name. */
  private static ObjectNode parameter(JsonNode in) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    fields(in).forEach((key, value) -> {
      if (key.equals("schema")) {
        fields(value).forEach((k, v) -> out.set(k, schema(v)));
      } else {
        out.set(key, value.deepCopy());
      }
    });
    return out;
  }

  private static ObjectNode operation(ObjectNode in) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    JsonNode body = in.path("requestBody");
    ArrayNode consumes = out.putArray("consumes");
    if (body.isObject()) {
      body.path("content").fieldNames().forEachRemaining(consumes::add);
    } else {
      consumes.add("*/*");
    }
    for (String key : List.of("description", "operationId")) {
      if (in.has(key)) {
        out.set(key, in.get(key).deepCopy());
      }
    }
    ArrayNode params = Json.MAPPER.createArrayNode();
    if (body.isObject()) {
      ObjectNode b = params.addObject();
      b.put("in", "body");
      b.put("name", "body");
      if (body.path("required").asBoolean(false)) {
        b.put("required", true);
      }
      Iterator<JsonNode> contents = body.path("content").elements();
      if (contents.hasNext()) {
        b.set("schema", schema(contents.next().path("schema")));
      }
    }
    in.path("parameters").forEach(p -> params.add(parameter(p)));
    if (!params.isEmpty()) {
      out.set("parameters", params);
    }
    Set<String> produces = new LinkedHashSet<>();
    ObjectNode responses = out.putObject("responses");
    fields(in.path("responses")).forEach((code, r) -> {
      ObjectNode response = responses.putObject(code);
      response.set("description", r.path("description").deepCopy());
      Iterator<Map.Entry<String, JsonNode>> contents = r.path("content").fields();
      boolean first = true;
      while (contents.hasNext()) {
        Map.Entry<String, JsonNode> c = contents.next();
        produces.add(c.getKey());
        if (first) {
          response.set("schema", schema(c.getValue().path("schema")));
          first = false;
        }
      }
    });
    if (!produces.isEmpty()) {
      ArrayNode p = out.putArray("produces");
      produces.forEach(p::add);
    }
    out.putArray("schemes").add("https");
    fields(in).forEach((key, value) -> {
      if (key.equals("x-kubernetes-group-version-kind")) {
        // in upstream's key order
        out.set(key, OpenApiDocuments.gvk(value.path("group").asText(), value.path("version").asText(),
            value.path("kind").asText()));
      } else if (!out.has(key) && !key.equals("requestBody") && !key.equals("parameters")) {
        out.set(key, value.deepCopy());
      }
    });
    return out;
  }

  /**
   * A v3 schema in Swagger 2.0's form: references point at {@code #/definitions/}, a described reference is a
   * {@code $ref} with siblings rather than an {@code allOf}, and the {@code oneOf} of the number-or-string types
   * (Quantity, IntOrString) becomes {@code type: string}, as upstream publishes them in v2.
   */
  static JsonNode schema(JsonNode in) {
    if (!in.isObject()) {
      return in.deepCopy();
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    String alternativesType = null;
    for (Map.Entry<String, JsonNode> e : fields(in).entrySet()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      switch (key) {
        case "$ref" -> out.put("$ref", ref(value.asText()));
        case "allOf" -> {
          if (value.size() == 1 && value.get(0).has("$ref")) {
            ObjectNode only = (ObjectNode) schema(value.get(0));
            only.setAll(out);
            out = only;
          } else {
            ArrayNode a = out.putArray("allOf");
            value.forEach(s -> a.add(schema(s)));
          }
        }
        case "oneOf", "anyOf" -> {
          for (JsonNode alt : value) {
            String t = alt.path("type").asText("");
            if (alternativesType == null || t.equals("string")) {
              alternativesType = t.isEmpty() ? null : t;
            }
          }
        }
        case "properties" -> {
          ObjectNode p = out.putObject("properties");
          fields(value).forEach((name, s) -> p.set(name, schema(s)));
        }
        case "items", "additionalProperties" -> out.set(key, schema(value));
        case "nullable", "not" -> {
          // no Swagger 2.0 form; upstream leaves them out of v2
        }
        default -> out.set(key, value.deepCopy());
      }
    }
    if (alternativesType != null && !out.has("type") && !out.has("$ref")) {
      out.put("type", alternativesType);
    }
    return out;
  }

  private static String ref(String v3) {
    return v3.startsWith(V3_SCHEMAS) ? DEFINITIONS + v3.substring(V3_SCHEMAS.length()) : v3;
  }

  private static Map<String, JsonNode> fields(JsonNode n) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot re-read generated paths", e);
    }
  }
}

package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.crd.ServedVersions;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI v3 documents of {@code /openapi/v3}: an index naming one document per group version (and the
 * discovery and version endpoints), each document with the paths of its resources and the schemas of its kinds.
 * kubectl reads them to decide that the server validates fields itself ({@code create -f}, {@code apply}) and to
 * answer {@code kubectl explain}. The documents only depend on the catalog, so they are built once, on first use.
 */
public final class OpenApiDocuments {
  /** The Kubernetes release whose API these documents describe. */
  static final String API_RELEASE = "v1.32.0";

  private final ResourceCatalog catalog;
  private volatile Built built;

  /** The serialized documents by index path ({@code api/v1}), their hashes, and the index. */
  private record Built(Map<String, byte[]> documents, Map<String, String> hashes, byte[] index) {}

  public OpenApiDocuments(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * {@code GET /openapi/v3}: {@code {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}}}}. The
   * hash changes when a document does, so clients may cache a URL forever.
   */
  public ObjectNode v3Index() {
    return parse(built().index());
  }

  /**
   * {@code GET /openapi/v3/<path>} ({@code api/v1}, {@code apis/apps/v1}, {@code api}, {@code apis},
   * {@code apis/<group>}, {@code version}); a leading {@code /}, an {@code openapi/v3/} prefix and a query string
   * are ignored. Returns a copy the caller may change.
   */
  public Optional<ObjectNode> v3GroupVersion(String path) {
    return v3GroupVersionJson(path).map(OpenApiDocuments::parse);
  }

  /** The same document already serialized as JSON, for serving without copying a large tree. */
  public Optional<byte[]> v3GroupVersionJson(String path) {
    byte[] doc = built().documents().get(normalize(path));
    return Optional.ofNullable(doc == null ? null : doc.clone());
  }

  /** The hash the index names for a document: usable as its ETag. */
  public Optional<String> hash(String path) {
    return Optional.ofNullable(built().hashes().get(normalize(path)));
  }

  private Built built() {
    Built b = built;
    if (b == null) {
      synchronized (this) {
        b = built;
        if (b == null) {
          b = build();
          built = b;
        }
      }
    }
    return b;
  }

  private Built build() {
    SchemaHints hints = SchemaHints.load();
    Map<String, ObjectNode> docs = new TreeMap<>();
    Set<String> groups = new LinkedHashSet<>();
    catalog.byGroupVersion().forEach((apiVersion, defs) -> {
      ResourceDefinition first = defs.get(0);
      String key = first.group().isEmpty() ? "api/" + first.version() : "apis/" + apiVersion;
      docs.put(key, groupVersionDocument(hints, first.group(), first.version(), defs));
      if (!first.group().isEmpty()) {
        groups.add(first.group());
      }
    });
    docs.put("api", DiscoveryDocs.api(hints));
    docs.put("apis", DiscoveryDocs.apis(hints));
    for (String group : groups) {
      docs.put("apis/" + group, DiscoveryDocs.group(hints, group));
    }
    docs.put("version", DiscoveryDocs.version(hints));

    Map<String, byte[]> bytes = new TreeMap<>();
    Map<String, String> hashes = new TreeMap<>();
    ObjectNode index = Json.MAPPER.createObjectNode();
    ObjectNode paths = index.putObject("paths");
    docs.forEach((key, doc) -> {
      byte[] json = Json.bytes(doc);
      String hash = sha512(json);
      bytes.put(key, json);
      hashes.put(key, hash);
      paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + hash);
    });
    return new Built(Map.copyOf(bytes), Map.copyOf(hashes), Json.bytes(index));
  }

  private static ObjectNode groupVersionDocument(SchemaHints hints, String group, String version,
      List<ResourceDefinition> defs) {
    SchemaGenerator schemas = new SchemaGenerator(hints);
    List<ResourceDefinition> builtIn = defs.stream().filter(d -> !CustomResourceDocs.isCustom(d)).toList();
    ObjectNode paths = new PathGenerator(schemas, group, version).paths(builtIn);
    for (ResourceDefinition d : builtIn) {
      schemas.setKinds(SchemaNames.of(d.type()), kinds(gvk(d.group(), d.version(), d.kind())));
      schemas.setKinds(SchemaNames.of(d.type()) + "List", kinds(gvk(d.group(), d.version(), d.listKind())));
    }
    for (ResourceDefinition d : defs) {
      if (CustomResourceDocs.isCustom(d)) {
        customResource(schemas, paths, d);
      }
    }
    // the generic object only stood in for the custom kinds while their paths were made
    schemas.schemas().remove(CustomResourceDocs.GENERIC);
    schemas.schemas().remove(CustomResourceDocs.GENERIC_LIST);
    schemas.setKinds("io.k8s.api.autoscaling.v1.Scale", kinds(gvk("autoscaling", "v1", "Scale")));
    schemas.setKinds("io.k8s.api.policy.v1.Eviction", kinds(gvk("policy", "v1", "Eviction")));
    schemas.setKinds("io.k8s.api.authentication.v1.TokenRequest",
        kinds(gvk("authentication.k8s.io", "v1", "TokenRequest")));
    schemas.setKinds("io.k8s.api.core.v1.Binding", kinds(gvk("", "v1", "Binding")));
    for (String meta : List.of("Status", "DeleteOptions", "WatchEvent", "APIResourceList")) {
      ArrayNode gvks = kinds(gvk("", "v1", meta));
      if (!group.isEmpty() && !meta.equals("APIResourceList")) {
        gvks.add(gvk(group, version, meta));
      }
      schemas.setKinds(SchemaNames.META + meta, gvks);
    }
    return document(paths, schemas);
  }

  /** A custom resource version's paths, and its schemas made from the CRD's structural schema. */
  private static void customResource(SchemaGenerator schemas, ObjectNode paths, ResourceDefinition d) {
    paths.setAll(CustomResourceDocs.paths(schemas, d));
    String name = CustomResourceDocs.name(d);
    schemas.put(name, CustomResourceDocs.objectSchema(d, ServedVersions.openApiSchema(d)));
    schemas.setKinds(name, kinds(gvk(d.group(), d.version(), d.kind())));
    schemas.put(name + "List", CustomResourceDocs.listSchema(d));
    schemas.setKinds(name + "List", kinds(gvk(d.group(), d.version(), d.listKind())));
    schemas.add(io.fabric8.kubernetes.api.model.ObjectMeta.class);
    schemas.add(io.fabric8.kubernetes.api.model.ListMeta.class);
  }

  /** An OpenAPI 3.0 document of these paths and schemas, as upstream lays it out. */
  static ObjectNode document(ObjectNode paths, SchemaGenerator schemas) {
    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("openapi", "3.0.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", API_RELEASE);
    doc.set("paths", paths);
    ObjectNode components = doc.putObject("components");
    ObjectNode all = components.putObject("schemas");
    schemas.schemas().forEach(all::set);
    ObjectNode bearer = components.putObject("securitySchemes").putObject("BearerToken");
    bearer.put("type", "apiKey");
    bearer.put("description", "Bearer Token authentication");
    bearer.put("name", "authorization");
    bearer.put("in", "header");
    return doc;
  }

  static ObjectNode gvk(String group, String version, String kind) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("group", group);
    n.put("kind", kind);
    n.put("version", version);
    return n;
  }

  private static ArrayNode kinds(ObjectNode gvk) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    a.add(gvk);
    return a;
  }

  private static String normalize(String path) {
    String p = path;
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    if (p.startsWith("openapi/v3/")) {
      p = p.substring("openapi/v3/".length());
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String sha512(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes)).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is missing from this JVM", e);
    }
  }

  private static ObjectNode parse(byte[] json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot re-read a generated OpenAPI document", e);
    }
  }
}

package io.quarkube.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents of the API server, built from the resource catalog: the legacy ones ({@code /api},
 * {@code /apis}, {@code /apis/<group>}, {@code /api/v1}, {@code /apis/<group>/<version>}) and the aggregated
 * {@code APIGroupDiscoveryList} that kubectl 1.32 asks for first. Every method returns a fresh tree the caller may
 * change.
 */
public final class DiscoveryDocuments {
  /** The media type parameters that select aggregated discovery; the version goes into {@code v=}. */
  public static final String AGGREGATED_CONTENT_TYPE =
      "application/json;g=apidiscovery.k8s.io;v=%s;as=APIGroupDiscoveryList";

  private static final List<String> AGGREGATED_VERSIONS = List.of("v2", "v2beta1");

  /** Upstream hashes the storage version, and events.k8s.io events are stored as core v1 events. */
  private static final Map<String, String> STORAGE_GVK = Map.of("events.k8s.io/Event", "/v1/Event");

  private final List<ResourceDefinition> core = new ArrayList<>();
  /** Named groups in catalog order; each maps its versions (first = preferred) to their resources. */
  private final Map<String, Map<String, List<ResourceDefinition>>> groups = new LinkedHashMap<>();

  public DiscoveryDocuments(ResourceCatalog catalog) {
    for (ResourceDefinition d : catalog.all()) {
      if (d.group().isEmpty()) {
        core.add(d);
      } else {
        groups.computeIfAbsent(d.group(), g -> new LinkedHashMap<>())
            .computeIfAbsent(d.version(), v -> new ArrayList<>()).add(d);
      }
    }
  }

  /** {@code GET /api}: the core versions and the address clients should use. */
  public ObjectNode apiVersions(String serverAddress) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", "APIVersions");
    n.putArray("versions").add("v1");
    ObjectNode cidr = n.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    return n;
  }

  /** {@code GET /apis}: every named group with its versions. */
  public ObjectNode apiGroupList() {
    ObjectNode n = typed("APIGroupList", "v1");
    ArrayNode items = n.putArray("groups");
    for (String group : groups.keySet()) {
      items.add(groupBody(group));
    }
    return n;
  }

  /** {@code GET /apis/<group>}; empty for a group that is not served. */
  public Optional<ObjectNode> apiGroup(String group) {
    if (!groups.containsKey(group)) {
      return Optional.empty();
    }
    ObjectNode n = typed("APIGroup", "v1");
    n.setAll(groupBody(group));
    return Optional.of(n);
  }

  /**
   * {@code GET /api/v1} (group "") and {@code GET /apis/<group>/<version>}: the resources and subresources of one
   * group version, sorted by name as upstream lists them.
   */
  public Optional<ObjectNode> apiResourceList(String group, String version) {
    List<ResourceDefinition> defs = resources(group, version);
    if (defs.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", "APIResourceList");
    if (!group.isEmpty()) {
      // upstream's /api/v1 carries no apiVersion; the named groups' lists do
      n.put("apiVersion", "v1");
    }
    n.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    List<ObjectNode> entries = new ArrayList<>();
    for (ResourceDefinition d : defs) {
      entries.add(legacyResource(d));
      for (String sub : d.subresources()) {
        entries.add(legacySubresource(d, sub));
      }
    }
    entries.sort(Comparator.comparing(e -> e.get("name").asText()));
    n.putArray("resources").addAll(entries);
    return Optional.of(n);
  }

  /**
   * {@code GET /api} ({@code core}) or {@code GET /apis} with an Accept header asking for
   * {@code as=APIGroupDiscoveryList}: every group, version and resource in one answer.
   *
   * @param discoveryVersion {@code v2} or {@code v2beta1}, as the Accept header asked (see
   *     {@link #aggregatedVersion(String)}); the answer's Content-Type is {@link #aggregatedContentType(String)}
   */
  public ObjectNode aggregatedDiscovery(boolean core, String discoveryVersion) {
    ObjectNode n = typed("APIGroupDiscoveryList", "apidiscovery.k8s.io/" + discoveryVersion);
    n.putObject("metadata");
    ArrayNode items = n.putArray("items");
    if (core) {
      if (!this.core.isEmpty()) {
        ObjectNode item = items.addObject();
        item.putObject("metadata");
        item.putArray("versions").add(aggregatedVersion("v1", this.core));
      }
      return n;
    }
    groups.forEach((group, versions) -> {
      ObjectNode item = items.addObject();
      item.putObject("metadata").put("name", group);
      ArrayNode vs = item.putArray("versions");
      versions.forEach((version, defs) -> vs.add(aggregatedVersion(version, defs)));
    });
    return n;
  }

  /**
   * The aggregated discovery version an Accept header prefers ({@code v2} or {@code v2beta1}), or empty when the
   * client prefers (or only accepts) the legacy documents. Media ranges are taken in the client's order, as kubectl
   * lists its preferences first.
   */
  public static Optional<String> aggregatedVersion(String accept) {
    if (accept == null) {
      return Optional.empty();
    }
    for (String range : accept.split(",")) {
      String r = range.trim().toLowerCase(Locale.ROOT);
      String type = r.split(";")[0].trim();
      boolean aggregated = r.contains("g=apidiscovery.k8s.io") && r.contains("as=apigroupdiscoverylist");
      if (aggregated && type.equals("application/json")) {
        for (String v : AGGREGATED_VERSIONS) {
          if (r.contains("v=" + v + ";") || r.endsWith("v=" + v)) {
            return Optional.of(v);
          }
        }
        continue;
      }
      if (!aggregated && (type.equals("application/json") || type.equals("*/*"))) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The Content-Type of an aggregated discovery answer. */
  public static String aggregatedContentType(String discoveryVersion) {
    return String.format(AGGREGATED_CONTENT_TYPE, discoveryVersion);
  }

  /**
   * Upstream's storage version hash: the first 8 bytes of SHA-256 over {@code group/version/kind} of the storage
   * version, base64. Clients only compare it for change, but matching upstream keeps caches and tools happy.
   */
  public static String storageVersionHash(String group, String version, String kind) {
    String gvk = STORAGE_GVK.getOrDefault(group + "/" + kind, group + "/" + version + "/" + kind);
    try {
      byte[] sum = MessageDigest.getInstance("SHA-256").digest(gvk.getBytes(StandardCharsets.UTF_8));
      byte[] first = new byte[8];
      System.arraycopy(sum, 0, first, 0, 8);
      return Base64.getEncoder().encodeToString(first);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private List<ResourceDefinition> resources(String group, String version) {
    if (group.isEmpty()) {
      return version.equals("v1") ? core : List.of();
    }
    return groups.getOrDefault(group, Map.of()).getOrDefault(version, List.of());
  }

  private ObjectNode groupBody(String group) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("name", group);
    ArrayNode versions = n.putArray("versions");
    for (String v : groups.get(group).keySet()) {
      versions.add(groupVersion(group, v));
    }
    n.set("preferredVersion", versions.get(0).deepCopy());
    return n;
  }

  private static ObjectNode groupVersion(String group, String version) {
    ObjectNode gv = Json.MAPPER.createObjectNode();
    gv.put("groupVersion", group + "/" + version);
    gv.put("version", version);
    return gv;
  }

  private static ObjectNode legacyResource(ResourceDefinition d) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("name", d.resource());
    r.put("singularName", d.singular());
    r.put("namespaced", d.namespaced());
    r.put("kind", d.kind());
    strings(r, "verbs", verbs(d));
    if (!d.shortNames().isEmpty()) {
      strings(r, "shortNames", d.shortNames());
    }
    if (!d.categories().isEmpty()) {
      strings(r, "categories", d.categories());
    }
    if (!d.isVirtual()) { // upstream: only resources its generic store keeps have a storage version
      r.put("storageVersionHash", storageVersionHash(d.group(), d.version(), d.kind()));
    }
    return r;
  }

  private static ObjectNode legacySubresource(ResourceDefinition d, String sub) {
    Subresources.Shape s = Subresources.of(d, sub);
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("name", d.resource() + "/" + sub);
    r.put("singularName", "");
    r.put("namespaced", d.namespaced());
    if (s.foreign()) {
      r.put("group", s.group());
      r.put("version", s.version());
    }
    r.put("kind", s.kind());
    strings(r, "verbs", s.verbs());
    return r;
  }

  private static ObjectNode aggregatedVersion(String version, List<ResourceDefinition> defs) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    v.put("version", version);
    ArrayNode resources = v.putArray("resources");
    defs.stream().sorted(Comparator.comparing(ResourceDefinition::resource))
        .forEach(d -> resources.add(aggregatedResource(d)));
    v.put("freshness", "Current");
    return v;
  }

  private static ObjectNode aggregatedResource(ResourceDefinition d) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("resource", d.resource());
    r.set("responseKind", gvk(d.group(), d.version(), d.kind()));
    r.put("scope", d.namespaced() ? "Namespaced" : "Cluster");
    r.put("singularResource", d.singular());
    strings(r, "verbs", verbs(d));
    if (!d.shortNames().isEmpty()) {
      strings(r, "shortNames", d.shortNames());
    }
    if (!d.categories().isEmpty()) {
      strings(r, "categories", d.categories());
    }
    if (!d.subresources().isEmpty()) {
      ArrayNode subs = r.putArray("subresources");
      d.subresources().stream().sorted().forEach(sub -> {
        Subresources.Shape s = Subresources.of(d, sub);
        ObjectNode e = subs.addObject();
        e.put("subresource", sub);
        e.set("responseKind", s.foreign() ? gvk(s.group(), s.version(), s.kind())
            : gvk(d.group(), d.version(), s.kind()));
        strings(e, "verbs", s.verbs());
      });
    }
    return r;
  }

  /** Namespaces are deleted one by one through their finalizers; upstream offers no deletecollection for them. */
  private static List<String> verbs(ResourceDefinition d) {
    if (d.group().isEmpty() && d.resource().equals("namespaces")) {
      return d.verbs().stream().filter(v -> !v.equals("deletecollection")).toList();
    }
    return d.verbs();
  }

  private static ObjectNode gvk(String group, String version, String kind) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("group", group);
    n.put("version", version);
    n.put("kind", kind);
    return n;
  }

  private static ObjectNode typed(String kind, String apiVersion) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", kind);
    n.put("apiVersion", apiVersion);
    return n;
  }

  private static void strings(ObjectNode n, String field, List<String> values) {
    ArrayNode a = n.putArray(field);
    values.forEach(a::add);
  }
}

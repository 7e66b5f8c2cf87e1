package io.quarkube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.resource.ResourceCatalog;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Swagger 2.0 document of {@code GET /openapi/v2}, in JSON and in gnostic's protobuf form, which kubectl before
 * 1.28 (and client-go's {@code OpenAPISchema()}) reads for client-side apply and field validation. Both forms are built
 * together, once per {@link ResourceCatalog#generation() catalog generation}: when custom resources come and go the
 * next request rebuilds them. Each form has its own ETag (the SHA-512 of its bytes), as upstream's kube-openapi.
 */
public final class OpenApiV2Documents {
  public static final String JSON = "application/json";
  /**
   * The protobuf media type kubectl asks for. Answers never carry it: Go's mime parser rejects the {@code @}, so
   * client-go fails on such a Content-Type; upstream answers with {@link #PROTOBUF_DOTTED}.
   */
  public static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
  /** The same media type without the {@code @}: the Content-Type of protobuf answers. */
  public static final String PROTOBUF_DOTTED = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  /**
   * One serialized form of the document.
   *
   * @param body the bytes to send; shared, callers must not change them
   * @param etag the quoted entity tag, e.g. {@code "0A1B..."}
   */
  public record Representation(String contentType, byte[] body, String etag) {}

  private record Built(long generation, Representation json, Representation protobuf) {}

  private final ResourceCatalog catalog;
  private final AtomicLong builds = new AtomicLong();
  private volatile Built built;

  public OpenApiV2Documents(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  /** The JSON form. */
  public Representation json() {
    return current().json();
  }

  /** The gnostic {@code openapi.v2.Document} protobuf form. */
  public Representation protobuf() {
    return current().protobuf();
  }

  /** The document as a tree the caller may change (read from the JSON form; the tree itself is not kept). */
  public ObjectNode document() {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json().body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot re-read the generated OpenAPI v2 document", e);
    }
  }

  /**
   * The form an {@code Accept} header asks for, as upstream picks it: clauses by quality, then specific types before
   * wildcards; JSON for {@code *}{@code /*} and a missing header; empty when nothing offered is acceptable (406).
   */
  public Optional<Representation> negotiate(String accept) {
    List<String[]> clauses = acceptClauses(accept == null || accept.isBlank() ? "*/*" : accept);
    for (String[] clause : clauses) {
      String type = clause[0];
      String subtype = clause[1];
      for (String offered : List.of(JSON, PROTOBUF, PROTOBUF_DOTTED)) {
        int slash = offered.indexOf('/');
        boolean typeMatches = type.equals("*") || type.equals(offered.substring(0, slash));
        boolean subtypeMatches = subtype.equals("*") || subtype.equals(offered.substring(slash + 1));
        if (typeMatches && subtypeMatches) {
          return Optional.of(offered.equals(JSON) ? json() : protobuf());
        }
      }
    }
    return Optional.empty();
  }

  /** How many times the documents were built; for tests of the cache. */
  long builds() {
    return builds.get();
  }

  private Built current() {
    Built b = built;
    if (b != null && b.generation() == catalog.generation()) {
      return b;
    }
    synchronized (this) {
      // read before building: a change made while building leaves an older generation, built again next time
      long generation = catalog.generation();
      b = built;
      if (b == null || b.generation() != generation) {
        b = build(generation);
        built = b;
      }
      return b;
    }
  }

  private Built build(long generation) {
    builds.incrementAndGet();
    ObjectNode doc = SwaggerDocument.build(catalog);
    byte[] json = Json.bytes(doc);
    byte[] proto = GnosticV2.document(doc).toByteArray();
    return new Built(generation, new Representation(JSON, json, etag(json)),
        new Representation(PROTOBUF_DOTTED, proto, etag(proto)));
  }

  /** The {@code type/subtype} pairs of an Accept header, best first; those with q=0 left out. */
  private static List<String[]> acceptClauses(String accept) {
    record Clause(String type, String subtype, double q, int order) {}
    List<Clause> clauses = new ArrayList<>();
    String[] parts = accept.split(",");
    for (int i = 0; i < parts.length; i++) {
      String[] params = parts[i].trim().split(";");
      String mediaType = params[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int p = 1; p < params.length; p++) {
        String param = params[p].trim();
        if (param.startsWith("q=")) {
          try {
            q = Double.parseDouble(param.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      int slash = mediaType.indexOf('/');
      if (q <= 0 || mediaType.isEmpty()) {
        continue;
      }
      String type = slash < 0 ? mediaType : mediaType.substring(0, slash);
      String subtype = slash < 0 ? "*" : mediaType.substring(slash + 1);
      clauses.add(new Clause(type, subtype, q, i));
    }
    clauses.sort(Comparator.comparingDouble((Clause c) -> -c.q())
        .thenComparingInt(c -> (c.type().equals("*") ? 2 : 0) + (c.subtype().equals("*") ? 1 : 0))
        .thenComparingInt(Clause::order));
    List<String[]> out = new ArrayList<>();
    clauses.forEach(c -> out.add(new String[] {c.type(), c.subtype()}));
    return out;
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-512").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest).toUpperCase(Locale.ROOT) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is missing from this JVM", e);
    }
  }
}

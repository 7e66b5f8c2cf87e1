package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListPage;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.table.TableConverter;
import io.quarkube.proto.kube.KubeProtobuf;
import io.quarkube.proto.kube.KubeProtobufException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Writes objects, lists, tables and Status errors in the form the client asked for. */
public final class Responses {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private final TableConverter tables;
  private final Clock clock;

  public Responses(TableConverter tables, Clock clock) {
    this.tables = tables;
    this.clock = clock;
  }

  /**
   * A written object whose JSON is already encoded (see {@link io.quarkube.apiserver.registry.Written}): JSON
   * responses send those bytes; {@code json} null or another output encodes the object.
   */
  public void written(RoutingContext ctx, int code, io.quarkube.apiserver.registry.Written<?> written,
      ResourceDefinition def) {
    Object obj = written.object();
    if (written.json() != null && MediaTypes.output(ctx.request().getHeader("Accept")) == MediaTypes.Output.JSON) {
      writeJson(ctx, code, written.json(), () -> Json.tree(obj));
      return;
    }
    object(ctx, code, obj, def);
  }

  public void object(RoutingContext ctx, int code, Object obj, ResourceDefinition def) {
    MediaTypes.Output out = MediaTypes.output(ctx.request().getHeader("Accept"));
    if (out == MediaTypes.Output.JSON && !(obj instanceof JsonNode) && !(obj instanceof Status)) {
      // The common case: the object straight to JSON, without a tree in between (the same bytes).
      writeJson(ctx, code, Json.bytes(obj), () -> Json.tree(obj));
      return;
    }
    ObjectNode tree = obj instanceof ObjectNode n ? n : Json.tree(obj);
    if (out == MediaTypes.Output.TABLE && def != null && obj instanceof HasMetadata) {
      write(ctx, code, MediaTypes.JSON, table(def, List.of(tree), null, null, includeObject(ctx)));
      return;
    }
    if (out == MediaTypes.Output.PARTIAL_METADATA && obj instanceof HasMetadata) {
      write(ctx, code, MediaTypes.JSON, TableConverter.partialMetadata(tree));
      return;
    }
    encoded(ctx, code, out, tree);
  }

  /**
   * A list already read, as a Table, YAML, protobuf or PartialObjectMetadataList. JSON lists are written from their
   * items' stored JSON instead ({@link #streamList}, {@link #encodedJsonList}).
   */
  public void list(RoutingContext ctx, ResourceDefinition def, ListPage<HasMetadata> page) {
    MediaTypes.Output out = MediaTypes.output(ctx.request().getHeader("Accept"));
    List<ObjectNode> items = new ArrayList<>(page.items().size());
    for (HasMetadata item : page.items()) {
      items.add(Json.tree(item));
    }
    if (out == MediaTypes.Output.TABLE) {
      tableList(ctx, def, items, page);
      return;
    }
    String rv = Long.toString(page.resourceVersion());
    ObjectNode list = Json.MAPPER.createObjectNode();
    boolean partial = out == MediaTypes.Output.PARTIAL_METADATA;
    list.put("kind", partial ? "PartialObjectMetadataList" : def.listKind());
    list.put("apiVersion", partial ? "meta.k8s.io/v1" : def.apiVersion());
    ObjectNode meta = list.putObject("metadata");
    meta.put("resourceVersion", rv);
    if (page.continueToken() != null) {
      meta.put("continue", page.continueToken());
    }
    if (page.remainingItemCount() != null) {
      meta.put("remainingItemCount", page.remainingItemCount());
    }
    ArrayNode array = list.putArray("items");
    for (ObjectNode item : items) {
      array.add(partial ? TableConverter.partialMetadata(item) : item);
    }
    encoded(ctx, 200, out, list);
  }

  /** Where a list's items come from, one at a time (see {@link #streamList}). */
  public interface ListSource {
    /** Hands the items to {@code sink} (after {@code sink.start}); the answer carries the list's metadata. */
    ListPage<HasMetadata> list(GenericStore.ListSink<HasMetadata> sink);

    /** The same list again at {@code resourceVersion}: the audit copy of a list that was sent in parts. */
    ListSource at(long resourceVersion);
  }

  /** Whether a list without a limit can be written item by item in the form the client asked for. */
  public static boolean streams(RoutingContext ctx) {
    MediaTypes.Output out = MediaTypes.output(ctx.request().getHeader("Accept"));
    return out == MediaTypes.Output.JSON || out == MediaTypes.Output.TABLE;
  }

  /**
   * A list (JSON or Table) written while it is read: each item is encoded into the response as it comes from the
   * store and then dropped, so neither the objects nor the encoding of a 10,000-pod list are ever held whole. The
   * bytes are those of {@link #list(RoutingContext, ResourceDefinition, ListPage)}; only lists without a limit
   * come here (their metadata, known before the first item, has no continue token).
   */
  public void streamList(RoutingContext ctx, ResourceDefinition def, ListSource source) {
    boolean table = MediaTypes.output(ctx.request().getHeader("Accept")) == MediaTypes.Output.TABLE;
    ChunkedBody body = new ChunkedBody(ctx.response(), MediaTypes.JSON);
    long revision = writeStreamed(def, source, table, includeObject(ctx), body);
    java.util.function.Supplier<JsonNode> auditCopy = !body.chunked() ? () -> Json.parse(body.wholeBody()) : () -> {
      java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
      writeStreamed(def, source.at(revision), table, includeObject(ctx), again);
      return Json.parse(again.toByteArray());
    };
    ctx.put(io.quarkube.apiserver.security.RequestContexts.RESPONSE_OBJECT, auditCopy);
    body.finish();
  }

  /** Writes the list's JSON or Table to {@code out}; answers its resourceVersion. */
  private long writeStreamed(ResourceDefinition def, ListSource source, boolean table, String includeObject,
      java.io.OutputStream out) {
    java.util.function.UnaryOperator<ObjectNode> tableRow = table ? tableRows(def, includeObject) : null;
    try (com.fasterxml.jackson.core.JsonGenerator g = Json.MAPPER.createGenerator(out)) {
      ListPage<HasMetadata> page = source.list(new GenericStore.ListSink<>() {
        @Override
        public void start(long resourceVersion) {
          try {
            if (table) {
              writeTableHead(g, def, Long.toString(resourceVersion), includeObject);
            } else {
              writeListHead(g, def, new ListPage<>(List.of(), resourceVersion, null, null));
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }

        @Override
        public void item(HasMetadata item) {
          try {
            if (table) {
              Json.MAPPER.writeTree(g, tableRow.apply(Json.tree(item)));
            } else {
              Json.MAPPER.writeValue(g, item);
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }

        @Override
        public boolean takesJson() {
          return true;
        }

        @Override
        public void itemJson(byte[] json) {
          try {
            if (table) {
              // The row from the stored JSON's tree: one parse instead of decoding the object and treeing it.
              Json.MAPPER.writeTree(g, tableRow.apply(Json.treeOf(json)));
            } else {
              g.writeRawValue(new io.quarkube.apiserver.json.RawJsonBytes(json));
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      });
      g.writeEndArray();
      g.writeEndObject();
      return page.resourceVersion();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot serialize a " + def.listKind(), e);
    }
  }

  /** A Table's fields up to its rows (an empty table's, in its order), then the opened {@code rows} array. */
  private void writeTableHead(com.fasterxml.jackson.core.JsonGenerator g, ResourceDefinition def, String rv,
      String includeObject) throws java.io.IOException {
    ObjectNode empty = table(def, List.of(), rv, null, includeObject);
    g.writeStartObject();
    for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) empty::fields) {
      if (!field.getKey().equals("rows")) {
        g.writeFieldName(field.getKey());
        Json.MAPPER.writeTree(g, field.getValue());
      }
    }
    g.writeArrayFieldStart("rows");
  }

  /** A list already read (a page of a list with a limit) as a Table, from its items' JSON trees. */
  public void tableList(RoutingContext ctx, ResourceDefinition def, List<ObjectNode> items, ListPage<?> page) {
    write(ctx, 200, MediaTypes.JSON, table(def, items, Long.toString(page.resourceVersion()), page.continueToken(),
        includeObject(ctx)));
  }

  /** The rows of a Table of this request, made one object at a time (see {@link #tableOfRows}). */
  public java.util.function.UnaryOperator<ObjectNode> tableRows(RoutingContext ctx, ResourceDefinition def) {
    return tableRows(def, includeObject(ctx));
  }

  /** A page of a list with a limit as a Table, from the rows {@link #tableRows} made as its items were read. */
  public void tableOfRows(RoutingContext ctx, ResourceDefinition def, List<ObjectNode> rows, ListPage<?> page) {
    ObjectNode table = table(def, List.of(), Long.toString(page.resourceVersion()), page.continueToken(),
        includeObject(ctx));
    ((com.fasterxml.jackson.databind.node.ArrayNode) table.get("rows")).addAll(rows);
    write(ctx, 200, MediaTypes.JSON, table);
  }

  /**
   * A JSON list whose items are already encoded (a DELETE collection's deleted objects, kept as JSON so that a large
   * collection is never held decoded; a page of a list with a limit, as stored), sent in chunks of 256 KiB (10,000
   * pods are ~55 MiB of JSON); the same bytes as encoding the objects into the list.
   */
  public void encodedJsonList(RoutingContext ctx, ResourceDefinition def, List<byte[]> items, long resourceVersion) {
    encodedJsonList(ctx, def, items, new ListPage<>(List.of(), resourceVersion, null, null));
  }

  /** As above, with the page's continue token and remaining count (a list with a limit). */
  public void encodedJsonList(RoutingContext ctx, ResourceDefinition def, List<byte[]> items, ListPage<?> head) {
    ctx.put(io.quarkube.apiserver.security.RequestContexts.RESPONSE_OBJECT,
        (java.util.function.Supplier<JsonNode>) () -> {
          java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
          writeEncodedJsonList(def, head, items, buf);
          return Json.parse(buf.toByteArray());
        });
    ChunkedBody body = new ChunkedBody(ctx.response(), MediaTypes.JSON);
    writeEncodedJsonList(def, head, items, body);
    body.finish();
  }

  private static void writeEncodedJsonList(ResourceDefinition def, ListPage<?> head, List<byte[]> items,
      java.io.OutputStream out) {
    try {
      java.io.ByteArrayOutputStream start = new java.io.ByteArrayOutputStream();
      try (com.fasterxml.jackson.core.JsonGenerator g = Json.MAPPER.createGenerator(start)) {
        g.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
        writeListHead(g, def, head);
      }
      out.write(start.toByteArray());
      for (int i = 0; i < items.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        out.write(items.get(i));
      }
      out.write(']');
      out.write('}');
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot serialize a " + def.listKind(), e);
    }
  }

  /** A JSON list's fields up to its items, then the opened {@code items} array. */
  private static void writeListHead(com.fasterxml.jackson.core.JsonGenerator g, ResourceDefinition def,
      ListPage<?> page) throws java.io.IOException {
    g.writeStartObject();
    g.writeStringField("kind", def.listKind());
    g.writeStringField("apiVersion", def.apiVersion());
    g.writeObjectFieldStart("metadata");
    g.writeStringField("resourceVersion", Long.toString(page.resourceVersion()));
    if (page.continueToken() != null) {
      g.writeStringField("continue", page.continueToken());
    }
    if (page.remainingItemCount() != null) {
      g.writeNumberField("remainingItemCount", page.remainingItemCount());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("items");
  }

  /** An object or list in the asked form: YAML, protobuf when its kind has a message type, else JSON. */
  private void encoded(RoutingContext ctx, int code, MediaTypes.Output out, ObjectNode body) {
    if (out == MediaTypes.Output.PROTOBUF
        && KubeProtobuf.canEncode(body.path("apiVersion").asText(null), body.path("kind").asText(null))) {
      byte[] bytes;
      try {
        bytes = KubeProtobuf.encode(body);
      } catch (KubeProtobufException e) {
        // a value the message cannot hold: JSON still carries it, and the client accepts JSON too
        write(ctx, code, MediaTypes.JSON, body);
        return;
      }
      ctx.response().setStatusCode(code).putHeader("Content-Type", MediaTypes.PROTOBUF)
          .putHeader("Cache-Control", "no-cache, private").end(Buffer.buffer(bytes));
      return;
    }
    write(ctx, code, out == MediaTypes.Output.YAML ? MediaTypes.YAML : MediaTypes.JSON, body);
  }

  /** A {@code Status} of kind Success, as upstream answers e.g. a binding. */
  public void status(RoutingContext ctx, int code, String status) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("kind", "Status");
    n.put("apiVersion", "v1");
    n.putObject("metadata");
    n.put("status", status);
    n.put("code", code);
    write(ctx, code, MediaTypes.JSON, n);
  }

  public void error(RoutingContext ctx, ApiException e) {
    if (ctx.response().headWritten()) {
      ctx.response().end();
      return;
    }
    Status s = e.status();
    s.setApiVersion("v1");
    s.setKind("Status");
    HttpServerResponse r = ctx.response();
    if (e.status().getDetails() != null && e.status().getDetails().getRetryAfterSeconds() != null) {
      r.putHeader("Retry-After", Integer.toString(e.status().getDetails().getRetryAfterSeconds()));
    }
    write(ctx, e.code(), MediaTypes.JSON, Json.tree(s));
  }

  public void write(RoutingContext ctx, int code, String contentType, JsonNode body) {
    HttpServerResponse r = ctx.response();
    byte[] bytes;
    try {
      bytes = contentType.equals(MediaTypes.YAML) ? YAML.writeValueAsBytes(body) : Json.MAPPER.writeValueAsBytes(body);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
    r.setStatusCode(code).putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-cache, private");
    ctx.put(io.quarkube.apiserver.security.RequestContexts.RESPONSE_OBJECT, body); // a reference, for the audit log
    r.end(Buffer.buffer(bytes));
  }

  /**
   * JSON bytes as the response; the audit log gets the body as a tree only if its level records it ({@code tree} is
   * called after the response, if at all).
   */
  private static void writeJson(RoutingContext ctx, int code, byte[] bytes,
      java.util.function.Supplier<JsonNode> tree) {
    HttpServerResponse r = ctx.response();
    r.setStatusCode(code).putHeader("Content-Type", MediaTypes.JSON).putHeader("Cache-Control", "no-cache, private");
    ctx.put(io.quarkube.apiserver.security.RequestContexts.RESPONSE_OBJECT, tree);
    r.end(Buffer.buffer(bytes));
  }

  /** The Table form of one watched object: what {@code kubectl get -w} prints line by line. */
  public ObjectNode tableRow(ResourceDefinition def, ObjectNode obj, String includeObject) {
    return table(def, List.of(obj), null, null, includeObject);
  }

  /** Built-in printers for built-in kinds; a CRD's printer columns for custom resources. */
  private ObjectNode table(ResourceDefinition def, List<ObjectNode> items, String rv, String cont,
      String includeObject) {
    var columns = io.quarkube.apiserver.crd.ServedVersions.columns(def);
    if (columns.isPresent()) {
      return io.quarkube.apiserver.crd.CustomResourceTable.toTable(columns.get(), items, rv, cont, includeObject,
          clock.instant());
    }
    return tables.toTable(def, items, rv, cont, includeObject, clock.instant());
  }

  /** The rows of {@link #table}, one object at a time (printer or custom columns resolved once per list). */
  private java.util.function.UnaryOperator<ObjectNode> tableRows(ResourceDefinition def, String includeObject) {
    var columns = io.quarkube.apiserver.crd.ServedVersions.columns(def);
    if (columns.isPresent()) {
      return io.quarkube.apiserver.crd.CustomResourceTable.rows(columns.get(), includeObject, clock.instant());
    }
    return tables.rows(def, includeObject, clock.instant());
  }

  public static String includeObject(RoutingContext ctx) {
    String v = ctx.queryParams().get("includeObject");
    return v == null || v.isEmpty() ? "Metadata" : v;
  }
}

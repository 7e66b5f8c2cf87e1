package io.quarkube.apiserver.watch;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.netty.buffer.Unpooled;
import io.quarkube.apiserver.audit.AuditRoutes;
import io.quarkube.apiserver.endpoints.MediaTypes;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.registry.WatchEvent;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.storage.StorageException;
import io.quarkube.apiserver.storage.StorageWatch;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * One {@code ?watch=true} response: a chunked stream of {@code {"type":...,"object":...}} lines, fed by a storage
 * watch in revision order, with periodic BOOKMARKs when asked for, a 410 Expired ERROR event when the start revision
 * is compacted, and an end after {@code timeoutSeconds}.
 */
public final class WatchStream implements GenericStore.WatchListener<HasMetadata> {
  private static final Logger LOG = Logger.getLogger(WatchStream.class);
  /** Upstream's default --min-request-timeout: watches end after 30 to 60 minutes unless the client says sooner. */
  private static final long DEFAULT_TIMEOUT_SECONDS = 1800;

  private final RoutingContext ctx;
  private final ResourceDefinition def;
  private final GenericStore<HasMetadata> store;
  private final Responses responses;
  private final String namespace;
  private final ListOptions filter;
  private final long fromRevision;
  private final long timeoutSeconds;
  private final boolean bookmarks;
  private final boolean table;
  private final String includeObject;
  private final Vertx vertx;

  private StorageWatch storageWatch;
  private Sink sink;
  private long lastRevision;
  private long timeoutTimer = -1;
  private long bookmarkTimer = -1;
  private boolean closed;

  public WatchStream(RoutingContext ctx, ResourceDefinition def, GenericStore<HasMetadata> store,
      Responses responses, String namespace, ListOptions filter, long fromRevision, long timeoutSeconds,
      boolean bookmarks) {
    this.ctx = ctx;
    this.def = def;
    this.store = store;
    this.responses = responses;
    this.namespace = namespace;
    this.filter = filter;
    this.fromRevision = fromRevision;
    this.timeoutSeconds = timeoutSeconds;
    this.bookmarks = bookmarks;
    this.table = MediaTypes.output(ctx.request().getHeader("Accept")) == MediaTypes.Output.TABLE;
    this.includeObject = Responses.includeObject(ctx);
    this.vertx = ctx.vertx();
    this.lastRevision = fromRevision;
  }

  public void start() {
    String upgrade = ctx.request().getHeader("Upgrade");
    if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
      // Clients such as Fabric8's watch over a WebSocket by default: one event per message, as upstream serves it.
      ctx.request().toWebSocket().onSuccess(ws -> {
        Runnable audited = io.quarkube.apiserver.endpoints.RequestEnd.onClose(ctx, AuditRoutes.upgraded(ctx));
        sink = new WebSocketSink(ws, loopWrites(), backlogLimitBytes(), this::close);
        ws.closeHandler(v -> {
          audited.run();
          close();
        });
        ws.exceptionHandler(e -> close());
        vertx.executeBlocking(() -> {
          begin();
          return null;
        }, false);
      }).onFailure(e -> LOG.warnf("watch WebSocket upgrade failed: %s", e.getMessage()));
      return;
    }
    HttpServerResponse r = ctx.response();
    r.setStatusCode(200).setChunked(true).putHeader("Content-Type", MediaTypes.JSON)
        .putHeader("Cache-Control", "no-cache, private");
    r.closeHandler(v -> close());
    r.exceptionHandler(e -> close());
    // Send the headers now: clients (client-go) wait for them before they read events, and a quiet watch would
    // otherwise leave them waiting until the first event or bookmark.
    r.writeHead();
    sink = new ChunkedSink(ctx.request(), loopWrites(), backlogLimitBytes(), this::close);
    begin();
  }

  /** The write queue of this request's event loop (see {@link LoopWrites}). */
  private LoopWrites loopWrites() {
    if (ctx.request() instanceof HttpServerRequestInternal internal
        && internal.context() instanceof ContextInternal context) {
      return LoopWrites.of(context.nettyEventLoop());
    }
    return CALLERS_THREAD; // not expected: write from the caller's thread, one drain at a time
  }

  private static final LoopWrites CALLERS_THREAD = new LoopWrites(Runnable::run);

  private void begin() {
    long timeout = timeoutSeconds > 0 ? timeoutSeconds
        : DEFAULT_TIMEOUT_SECONDS + ThreadLocalRandom.current().nextLong(DEFAULT_TIMEOUT_SECONDS);
    timeoutTimer = vertx.setTimer(timeout * 1000, id -> finish());
    if (bookmarks) {
      long every = bookmarkIntervalSeconds() * 1000;
      bookmarkTimer = vertx.setPeriodic(every, every, id -> bookmark());
    }
    try {
      StorageWatch w = store.watch(namespace, filter, fromRevision, this);
      synchronized (this) {
        storageWatch = w;
        if (closed) {
          w.close();
        }
      }
    } catch (ApiException e) {
      onError(e);
    }
  }

  /**
   * Where events go: chunked HTTP lines, or WebSocket messages. Every write and the end go through the event loop's
   * queue, in the order of the calls (which the stream's lock orders).
   */
  interface Sink {
    /** One event, as a line: its JSON and a newline. The array may be shared with other streams: never changed. */
    void write(byte[] line);

    void end();
  }

  /**
   * A sink over a Vert.x write stream (HTTP response or WebSocket) that ends the watch of a client that stops reading,
   * once {@code backlogLimit} bytes wait for it (see {@link WriteBacklog}): {@link #abort} drops what the connection
   * had queued, and {@code onOverflow} stops the stream's watch.
   */
  abstract static class GuardedSink implements Sink {
    private final WriteStream<?> stream;
    private final LoopWrites loop;
    private final WriteBacklog backlog;
    private final Runnable onOverflow;

    GuardedSink(WriteStream<?> stream, LoopWrites loop, long backlogLimit, Runnable onOverflow) {
      this.stream = stream;
      this.loop = loop;
      this.backlog = new WriteBacklog(backlogLimit);
      this.onOverflow = onOverflow;
    }

    /** Writes one line to the stream (on its event loop). */
    abstract void send(byte[] line);

    /** Ends the stream normally. */
    abstract void finish();

    /** Drops the stream and what it has queued, without waiting for the client. */
    abstract void abort();

    @Override
    public final void write(byte[] line) {
      loop.submit(() -> {
        if (backlog.exceeded()) {
          return;
        }
        send(line);
        boolean full = stream.writeQueueFull();
        if (backlog.needsDrainHandler(full)) {
          stream.drainHandler(v -> backlog.drained());
        }
        if (backlog.wrote(line.length, full)) {
          LOG.warnf("ending a watch whose client does not read: %d bytes waiting for it", backlog.writtenWhileFull());
          abort();
          onOverflow.run();
        }
      });
    }

    @Override
    public final void end() {
      loop.submit(() -> {
        if (!backlog.exceeded()) {
          finish();
        }
      });
    }
  }

  /** Chunked HTTP lines. */
  static final class ChunkedSink extends GuardedSink {
    private final HttpServerRequest request;
    private final HttpServerResponse response;

    ChunkedSink(HttpServerRequest request, LoopWrites loop, long backlogLimit, Runnable onOverflow) {
      super(request.response(), loop, backlogLimit, onOverflow);
      this.request = request;
      this.response = request.response();
    }

    @Override
    void send(byte[] line) {
      // Wrapped, not copied: the watch cache hands the same bytes to every stream of the event.
      response.write(Buffer.buffer(Unpooled.wrappedBuffer(line)));
    }

    @Override
    void finish() {
      try {
        response.end();
      } catch (IllegalStateException alreadyEnded) {
        // The client went away first.
      }
    }

    /**
     * An HTTP/2 stream is reset (the connection's other streams go on); an HTTP/1.1 connection carries only this
     * watch and is closed at once (a graceful close would first wait for the client to read the backlog).
     */
    @Override
    void abort() {
      if (request.version() != HttpVersion.HTTP_2 && request.connection() instanceof ConnectionBase base) {
        base.channel().close();
      } else {
        response.reset();
      }
    }
  }

  /** One event per WebSocket message, without the line's newline. */
  private static final class WebSocketSink extends GuardedSink {
    private final ServerWebSocket ws;

    WebSocketSink(ServerWebSocket ws, LoopWrites loop, long backlogLimit, Runnable onOverflow) {
      super(ws, loop, backlogLimit, onOverflow);
      this.ws = ws;
    }

    @Override
    void send(byte[] line) {
      // A text frame of the shared bytes, wrapped without the newline: no String and no re-encoding per watcher.
      ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, Unpooled.wrappedBuffer(line, 0, line.length - 1),
          true));
    }

    @Override
    void finish() {
      ws.close();
    }

    @Override
    void abort() {
      ws.close((short) 1008, "the client does not read its watch");
    }
  }

  @Override
  public synchronized void onEvent(WatchEvent<HasMetadata> event) {
    lastRevision = Math.max(lastRevision, event.resourceVersion());
    if (table) {
      send(event.type(), responses.tableRow(def, Json.tree(event.object()), includeObject));
      return;
    }
    if (!closed) {
      // Straight from the object to bytes, once per event: the watch cache gives every watcher the same instance.
      sink.write(event.encoded(LINE));
    }
  }

  /** An event's line: from the object's stored bytes when the watch cache has them, else encoded. */
  private static final java.util.function.Function<WatchEvent<HasMetadata>, byte[]> LINE = e -> {
    byte[] object = e.objectJson();
    return object != null ? line(e.type(), object) : line(Json.bytes(new Line(e.type(), e.object())));
  };

  /** {"type":"...","object":...} and a newline: the bytes of {@link Line} encoded, the object's JSON given. */
  static byte[] line(String type, byte[] object) {
    byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
    byte[] line = new byte[head.length + object.length + 2];
    System.arraycopy(head, 0, line, 0, head.length);
    System.arraycopy(object, 0, line, head.length, object.length);
    line[line.length - 2] = '}';
    line[line.length - 1] = '\n';
    return line;
  }

  private static byte[] line(byte[] json) {
    byte[] line = Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    return line;
  }

  /** One line of the stream, {"type":...,"object":...}, in that order. */
  @JsonPropertyOrder({"type", "object"})
  record Line(String type, Object object) {}

  @Override
  public synchronized void onProgress(long revision) {
    lastRevision = Math.max(lastRevision, revision);
  }

  @Override
  public synchronized void onError(Throwable error) {
    if (closed) {
      return;
    }
    ApiException status;
    if (error instanceof StorageException.Compacted c) {
      status = ApiException.gone("too old resource version: " + fromRevision + " (" + c.compactedRevision() + ")");
    } else if (error instanceof ApiException a) {
      status = a;
    } else {
      // The watch of etcd under it broke (etcd restarting, its connection lost): the stream just ends, as
      // upstream's cacher terminates its watchers, and the client watches again from the last resourceVersion it
      // saw. An ERROR event here made every informer log an internal error for what it recovers from anyway. (The
      // watch cache logs the break once per resource.)
      LOG.debugf("watch on %s ends: %s", def.groupResource(), error.toString());
      finish();
      return;
    }
    ObjectNode s = Json.tree(status.status());
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    send("ERROR", s);
    finish();
  }

  private synchronized void bookmark() {
    if (closed) {
      return;
    }
    ObjectNode obj = Json.MAPPER.createObjectNode();
    obj.put("kind", def.kind());
    obj.put("apiVersion", def.apiVersion());
    obj.putObject("metadata").put("resourceVersion", Long.toString(lastRevision));
    send("BOOKMARK", obj);
  }

  private void send(String type, ObjectNode object) {
    if (closed) {
      return;
    }
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("type", type);
    event.set("object", object);
    sink.write(line(Json.bytes(event)));
  }

  private synchronized void finish() {
    if (!closed) {
      closed = true;
      stopTimersAndWatch();
      sink.end();
    }
  }

  private synchronized void close() {
    closed = true;
    stopTimersAndWatch();
  }

  private void stopTimersAndWatch() {
    if (timeoutTimer >= 0) {
      vertx.cancelTimer(timeoutTimer);
    }
    if (bookmarkTimer >= 0) {
      vertx.cancelTimer(bookmarkTimer);
    }
    if (storageWatch != null) {
      storageWatch.close();
    }
  }

  private static long backlogLimitBytes() {
    return ConfigProvider.getConfig().getOptionalValue("quarkube.watch.max-backlog-bytes", Long.class)
        .orElse(WriteBacklog.DEFAULT_LIMIT_BYTES);
  }

  private static long bookmarkIntervalSeconds() {
    return ConfigProvider.getConfig().getOptionalValue("quarkube.watch.bookmark-interval-seconds", Long.class)
        .orElse(60L);
  }
}

package io.quarkube.apiserver.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.auth.Reviews;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.MediaTypes;
import io.quarkube.apiserver.endpoints.ProtobufBodies;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.security.RequestContexts;
import io.quarkube.apiserver.security.SecurityConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The audit backend: every request that the policy does not level at None leaves one audit.k8s.io/v1 {@code Event}
 * (stage ResponseComplete; long-running requests such as watches, exec and logs one more at ResponseStarted, when
 * their headers go out, as upstream: their end may be hours away) in the audit log, with who (and whom they impersonated), what, the outcome, the
 * authorization decision, from level Request on the request body ({@code requestObject}) and at RequestResponse
 * the response body ({@code responseObject}, the object or Status as written to the client).
 */
@ApplicationScoped
public class AuditRoutes {
  private static final Logger LOG = Logger.getLogger(AuditRoutes.class);
  private static final String START = "quarkube.audit.start";
  private static final String ID = "quarkube.audit.id";
  private static final String UPGRADED = "quarkube.audit.upgraded";
  private static final String UPGRADE_CLOSED = "quarkube.audit.upgrade-closed";
  private static final String COMPLETED = "quarkube.audit.completed";
  /** The status code the ResponseStarted event was recorded with: an upgrade's 101 is the code of both stages. */
  private static final String STARTED = "quarkube.audit.started";
  private static final Set<String> LONG_RUNNING_VERBS = Set.of("watch", "proxy");
  private static final Set<String> LONG_RUNNING_SUBRESOURCES = Set.of("attach", "exec", "log", "portforward", "proxy");
  private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final SecurityConfig config;
  private AuditPolicy policy;
  private AuditWriter writer;

  public AuditRoutes(SecurityConfig config) {
    this.config = config;
  }

  void install(@Observes Router router) {
    Optional<Path> logPath = config.audit().logPath().filter(p -> !p.equals("-")).map(Path::of)
        .or(() -> config.audit().logPath().isPresent() ? Optional.empty()
            : config.stateDir().map(d -> Path.of(d, "logs", "audit.log")));
    if (logPath.isEmpty()) {
      LOG.info("audit log: off (no quarkube.audit.log-path or quarkube.state-dir)");
      return;
    }
    try {
      Path policyPath = config.audit().policyFile().map(Path::of).orElseGet(() -> config.stateDir()
          .map(d -> Path.of(d, "audit-policy.yaml")).orElse(logPath.get().resolveSibling("audit-policy.yaml")));
      if (!Files.exists(policyPath)) {
        Files.createDirectories(policyPath.toAbsolutePath().getParent());
        Files.writeString(policyPath, AuditPolicy.DEFAULT);
      }
      policy = AuditPolicy.parse(Files.readString(policyPath));
      writer = new AuditWriter(new AuditLog(logPath.get(), config.audit().maxSizeMb() * 1024L * 1024L,
          config.audit().maxBackups()));
      LOG.infof("audit log: %s (policy %s)", logPath.get(), policyPath);
    } catch (IOException e) {
      throw new IllegalStateException("cannot set up the audit log: " + e.getMessage(), e);
    }
    router.route().order(-100).handler(ctx -> {
      ctx.put(START, Instant.now());
      String id = UUID.randomUUID().toString();
      ctx.put(ID, id);
      ctx.response().putHeader("Audit-Id", id);
      ctx.addHeadersEndHandler(v -> started(ctx, null));
      ctx.put(UPGRADED, (Runnable) () -> started(ctx, 101));
      ctx.put(UPGRADE_CLOSED, (Runnable) () -> completed(ctx));
      ctx.addEndHandler(v -> completed(ctx));
      ctx.next();
    });
  }

  @PreDestroy
  void close() throws Exception {
    if (writer != null) {
      writer.close();
    }
  }

  /**
   * Upstream's long-running check (the API server's {@code BasicLongRunningRequestCheck}): watches and proxies, and
   * the attach, exec, log, portforward and proxy subresources.
   */
  static boolean isLongRunning(RequestInfo info) {
    return info != null && (LONG_RUNNING_VERBS.contains(info.verb())
        || info.subresource() != null && LONG_RUNNING_SUBRESOURCES.contains(info.subresource()));
  }

  /**
   * Tells the audit log that a handler upgraded the connection itself (WebSocket or SPDY): the 101 it sent, and the
   * end of the connection, never pass the context's response, whose handlers record the ResponseStarted and
   * ResponseComplete stages otherwise. Records ResponseStarted now; the handler runs what this returns when the
   * upgraded connection closes (ResponseComplete).
   */
  public static Runnable upgraded(RoutingContext ctx) {
    Runnable started = ctx.get(UPGRADED);
    if (started == null) {
      return () -> {};
    }
    started.run();
    return ctx.get(UPGRADE_CLOSED);
  }

  /** The ResponseStarted event of a long-running request, once (the code: when not the response's own). */
  private void started(RoutingContext ctx, Integer code) {
    if (isLongRunning(ctx.get("requestInfo")) && ctx.get(STARTED) == null) {
      ctx.put(STARTED, code == null ? ctx.response().getStatusCode() : code);
      record(ctx, "ResponseStarted");
    }
  }

  /** The ResponseComplete event, once (an upgraded connection may end the context's response too). */
  private void completed(RoutingContext ctx) {
    if (ctx.get(COMPLETED) == null) {
      ctx.put(COMPLETED, Boolean.TRUE);
      record(ctx, "ResponseComplete");
    }
  }

  private void record(RoutingContext ctx, String stage) {
    try {
      byte[] line = event(ctx, stage);
      if (line != null) {
        writer.submit(line);
      }
    } catch (RuntimeException e) {
      LOG.warnf("audit event for %s not written: %s", ctx.request().uri(), e.toString());
    }
  }

  /**
   * The request's audit event at {@code stage} as one JSON line, or null when the policy levels it at None. Written
   * field by field with a generator (no tree per request: this runs on the event loop at the end of every request).
   * A ResponseStarted event has the status code sent and no response body yet.
   */
  byte[] event(RoutingContext ctx, String stage) {
    RequestInfo info = ctx.get("requestInfo");
    UserInfo effective = ctx.get(RequestContexts.USER);
    UserInfo impersonator = ctx.get(RequestContexts.IMPERSONATOR);
    UserInfo user = impersonator != null ? impersonator : effective;
    if (user == null) {
      user = new UserInfo(UserInfo.ANONYMOUS, "", List.of(UserInfo.UNAUTHENTICATED));
    }
    String path = ctx.request().path();
    String verb = info != null ? info.verb() : ctx.request().method().name().toLowerCase();
    String namespace = info == null ? null : info.namespace() != null ? info.namespace()
        : "namespaces".equals(info.resource()) && info.group().isEmpty() ? info.name() : null;
    AuditLevel level = policy.level(new AuditPolicy.Request(effective != null ? effective : user, verb,
        info != null, info == null ? null : info.group(), info == null ? null : info.resource(),
        info == null ? null : info.subresource(), namespace, info == null ? null : info.name(), path));
    if (level == AuditLevel.None) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("kind", "Event");
      g.writeStringField("apiVersion", "audit.k8s.io/v1");
      g.writeStringField("level", level.name());
      g.writeStringField("auditID", String.valueOf((Object) ctx.get(ID)));
      g.writeStringField("stage", stage);
      g.writeStringField("requestURI", ctx.request().uri());
      g.writeStringField("verb", verb);
      g.writeFieldName("user");
      g.writeTree(Reviews.userInfo(user));
      if (impersonator != null) {
        g.writeFieldName("impersonatedUser");
        g.writeTree(Reviews.userInfo(effective));
      }
      g.writeArrayFieldStart("sourceIPs");
      g.writeString(ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().host());
      g.writeEndArray();
      String agent = ctx.request().getHeader("User-Agent");
      if (agent != null) {
        g.writeStringField("userAgent", agent);
      }
      if (info != null) {
        g.writeObjectFieldStart("objectRef");
        g.writeStringField("resource", info.resource());
        if (namespace != null) {
          g.writeStringField("namespace", namespace);
        }
        if (info.name() != null) {
          g.writeStringField("name", info.name());
        }
        g.writeStringField("apiGroup", info.group());
        g.writeStringField("apiVersion", info.version());
        if (info.subresource() != null) {
          g.writeStringField("subresource", info.subresource());
        }
        g.writeEndObject();
      }
      g.writeObjectFieldStart("responseStatus");
      g.writeObjectFieldStart("metadata");
      g.writeEndObject();
      Integer startedWith = ctx.get(STARTED);
      g.writeNumberField("code", startedWith != null && startedWith == 101 ? 101 : ctx.response().getStatusCode());
      // The response body: a tree, or (objects and lists written straight to JSON) a supplier of one, never a Status.
      boolean complete = stage.equals("ResponseComplete");
      Object written = complete ? ctx.get(RequestContexts.RESPONSE_OBJECT) : null;
      JsonNode response = written instanceof JsonNode n ? n : null;
      if (response != null && "Status".equals(response.path("kind").asText())) {
        for (String field : List.of("status", "message", "reason")) {
          if (response.hasNonNull(field)) {
            g.writeFieldName(field);
            g.writeTree(response.get(field));
          }
        }
      }
      g.writeEndObject();
      if (level.atLeast(AuditLevel.Request)) {
        JsonNode body = requestBody(ctx);
        if (body != null) {
          g.writeFieldName("requestObject");
          g.writeTree(body);
        }
      }
      if (level.atLeast(AuditLevel.RequestResponse) && written instanceof Supplier<?> lazy) {
        response = (JsonNode) lazy.get();
      }
      if (level.atLeast(AuditLevel.RequestResponse) && response != null) {
        g.writeFieldName("responseObject");
        g.writeTree(response);
      }
      Instant start = ctx.get(START);
      g.writeStringField("requestReceivedTimestamp", MICROS.format(start == null ? Instant.now() : start));
      g.writeStringField("stageTimestamp", MICROS.format(Instant.now()));
      g.writeObjectFieldStart("annotations");
      String decision = ctx.get(RequestContexts.DECISION);
      if (decision != null) {
        g.writeStringField("authorization.k8s.io/decision", decision);
        g.writeStringField("authorization.k8s.io/reason", String.valueOf((Object) ctx.get(RequestContexts.REASON)));
      }
      Map<String, String> extra = ctx.get(RequestContexts.AUDIT_ANNOTATIONS);
      if (extra != null) {
        for (Map.Entry<String, String> a : extra.entrySet()) {
          g.writeStringField(a.getKey(), a.getValue());
        }
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static JsonNode requestBody(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      return null;
    }
    JsonNode decoded = io.quarkube.apiserver.endpoints.BodyDecoder.decodedBody(ctx);
    if (decoded != null) {
      return decoded;
    }
    byte[] bytes = ctx.body().buffer().getBytes();
    String type = MediaTypes.contentType(ctx.request().getHeader("Content-Type"));
    try {
      if (type.equals(MediaTypes.PROTOBUF)) {
        return new ProtobufBodies().decode(bytes);
      }
      if (type.contains("yaml")) {
        return Json.parseYaml(bytes);
      }
      return Json.parse(bytes);
    } catch (RuntimeException e) {
      return null;
    }
  }
}

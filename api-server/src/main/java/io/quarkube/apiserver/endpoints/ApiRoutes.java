package io.quarkube.apiserver.endpoints;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkube.apiserver.ApiServerConfig;
import io.quarkube.apiserver.admission.AdmissionChain;
import io.quarkube.apiserver.auth.Authenticator;
import io.quarkube.apiserver.auth.Authorizer;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.flowcontrol.FlowClassifier;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.registry.StorageFailures;
import io.quarkube.apiserver.security.SecurityChain;
import io.quarkube.apiserver.storage.StorageException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The request chain of every API path, in upstream's order: body limits, authentication, authorization, then the
 * handler (which runs admission before it writes). Each stage is a named seam the security work fills in.
 */
@ApplicationScoped
public class ApiRoutes {
  private static final Logger LOG = Logger.getLogger(ApiRoutes.class);
  /** Upstream's limit on request bodies (3 MiB). */
  static final long MAX_BODY_BYTES = 3L * 1024 * 1024;
  /** Upstream's long-running subresources (BasicLongRunningRequestCheck), which priority and fairness skips. */
  private static final java.util.Set<String> LONG_RUNNING_SUBRESOURCES =
      java.util.Set.of("attach", "exec", "log", "portforward", "proxy");
  private static final java.util.Set<String> READ_VERBS = java.util.Set.of("get", "list", "watch");

  private final Registry registry;
  private final ApiServerConfig config;
  private final RequestMetrics requestMetrics;
  private final Clock clock;
  private final DiscoveryRoutes discovery;
  private final Instance<ExtensionHandler> extensionHandlers;
  private List<Authenticator> authenticators;
  private Authorizer authorizer;
  private ResourceHandler resources;
  private final Responses responses;
  private final BodyDecoder bodies;
  private final FlowClassifier flowControl;

  public ApiRoutes(Registry registry, ApiServerConfig config, MeterRegistry meters, Clock clock,
      DiscoveryRoutes discovery, @Any Instance<ExtensionHandler> extensionHandlers, Responses responses,
      BodyDecoder bodies, FlowClassifier flowControl) {
    this.flowControl = flowControl;
    this.responses = responses;
    this.bodies = bodies;
    this.extensionHandlers = extensionHandlers;
    this.registry = registry;
    this.config = config;
    this.requestMetrics = new RequestMetrics(meters);
    this.clock = clock;
    this.discovery = discovery;
  }

  void install(@Observes Router router) {
    SecurityChain security = SecurityChain.current();
    authenticators = security.authenticators();
    authorizer = security.authorizer();
    AdmissionChain admission = security.admission();
    Map<String, ExtensionHandler> extensions = new HashMap<>();
    for (ExtensionHandler h : extensionHandlers) {
      extensions.put(h.key(), h);
    }
    resources = new ResourceHandler(registry, admission, responses, bodies,
        new Patcher(), clock, Map.copyOf(extensions));
    LOG.infof("extension handlers: %s", new java.util.TreeSet<>(extensions.keySet()));
    LOG.infof("admission plugins: %s", admission.names());

    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    for (String path : List.of("/api/*", "/apis/*")) {
      for (HttpMethod m : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
        router.route(m, path).order(-10).handler(bodies);
      }
    }
    router.route("/api/*").order(-9).failureHandler(this::failure);
    router.route("/apis/*").order(-9).failureHandler(this::failure);
    router.route("/openapi/*").order(-9).failureHandler(this::failure);

    router.routeWithRegex("^/api/v1/(.*)$").blockingHandler(ctx -> serve(ctx, () -> {
      UserInfo user = authenticate(ctx);
      RequestInfo info = requestInfo(ctx, "", "v1", ctx.pathParam("param0"));
      classify(ctx, user, info);
      authorize(user, info);
      resources.handle(ctx, info, user);
    }), false);
    router.routeWithRegex("^/apis/([^/]+)/([^/]+)/(.+)$").blockingHandler(ctx -> serve(ctx, () -> {
      UserInfo user = authenticate(ctx);
      RequestInfo info = requestInfo(ctx, ctx.pathParam("param0"), ctx.pathParam("param1"),
          ctx.pathParam("param2"));
      classify(ctx, user, info);
      authorize(user, info);
      resources.handle(ctx, info, user);
    }), false);
    discovery.install(router, this);
    guardMetrics(router);
  }

  /**
   * For routes installed outside this package (OpenAPI v2): runs the handler after authentication and the
   * authorization of the path, with Status errors, metrics and failure logging as {@link #serve}.
   */
  public void serveAuthenticated(RoutingContext ctx, Runnable handler) {
    serve(ctx, () -> {
      authenticatePath(ctx);
      handler.run();
    });
  }

  /**
   * Authenticates a request for a non-resource URL ({@code /api}, {@code /openapi/v3}, {@code /metrics}...) and
   * authorizes {@code get} on its path, as upstream does: system:discovery (bound to every authenticated user)
   * covers discovery and OpenAPI, {@code /metrics} needs system:monitoring or a role naming it.
   */
  public UserInfo authenticatePath(RoutingContext ctx) {
    UserInfo user = authenticate(ctx);
    String method = ctx.request().method().name().toLowerCase();
    // API priority and fairness classifies by upstream's non-resource verb, the method in lower case.
    FlowClassifier.answer(ctx.response().headers(),
        flowControl.classifyNonResource(user, method, ctx.request().path()));
    String verb = ctx.request().method() == HttpMethod.HEAD ? "get" : method;
    SecurityChain.current().authorizer().check(io.quarkube.apiserver.authz.Attributes.nonResource(user, verb,
        ctx.request().path()));
    return user;
  }

  /** Guards {@code /metrics} (served by Micrometer's own route) with {@link #authenticatePath}. */
  private void guardMetrics(Router router) {
    router.route("/metrics").order(-8).blockingHandler(ctx -> {
      try {
        authenticatePath(ctx);
        ctx.next();
      } catch (ApiException e) {
        responses.error(ctx, e);
      }
    }, false);
  }

  /** Runs one request with Status errors, metrics and a log line for failures. */
  void serve(RoutingContext ctx, Runnable handler) {
    long start = System.nanoTime();
    java.util.concurrent.atomic.AtomicInteger inflight = requestMetrics.inflight(ctx.request().method().name());
    inflight.incrementAndGet();
    try {
      handler.run();
    } catch (ApiException e) {
      responses.error(ctx, e);
    } catch (StorageException e) {
      // etcd unreachable or too slow: expected in an outage, so one line and no stack trace.
      LOG.warnf("%s %s failed: %s", ctx.request().method(), ctx.request().uri(), e.getMessage());
      responses.error(ctx, StorageFailures.toApi(e));
    } catch (RuntimeException e) {
      LOG.errorf(e, "%s %s failed", ctx.request().method(), ctx.request().uri());
      responses.error(ctx, ApiException.internal(e.toString()));
    } finally {
      inflight.decrementAndGet();
      record(ctx, start);
    }
  }

  /**
   * Counts the request under upstream's labels and times it; a long-running request (a watch, exec, logs...) is
   * still open here, so it is counted in apiserver_longrunning_requests until its response ends, and timed then.
   */
  private void record(RoutingContext ctx, long start) {
    RequestInfo info = ctx.get("requestInfo");
    // dryRun only matters to writes; reads skip the parameter lookup.
    String dryRun = info == null || READ_VERBS.contains(info.verb()) ? null : ctx.queryParams().get("dryRun");
    String contentType = info != null && info.verb().equals("patch")
        ? ctx.request().getHeader(io.vertx.core.http.HttpHeaders.CONTENT_TYPE) : null;
    RequestMetrics.Key key = RequestMetrics.key(info, ctx.request().method().name(), contentType, dryRun);
    RequestMetrics.Series series = requestMetrics.series(key);
    int code = ctx.response().getStatusCode();
    if (RequestMetrics.isLongRunning(key) && code < 300) {
      // An upgrade to a WebSocket may have completed already (101, the response ended): its socket is still open.
      boolean upgrade = "websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"));
      if (upgrade || !ctx.response().ended()) {
        series.total(code).increment();
        java.util.concurrent.atomic.AtomicInteger open = requestMetrics.longRunning(key);
        open.incrementAndGet();
        Runnable end = () -> {
          open.decrementAndGet();
          series.duration.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        };
        if (upgrade) {
          RequestEnd.of(ctx).onEnd(end); // the socket's close handler ends it (RequestEnd.onClose)
        } else {
          ctx.addEndHandler(done -> end.run());
        }
        return;
      }
    }
    series.record(System.nanoTime() - start, true, code);
  }

  private RequestInfo requestInfo(RoutingContext ctx, String group, String version, String rest) {
    String w = ctx.queryParams().get("watch");
    boolean watch = "true".equals(w) || "1".equals(w);
    RequestInfo info = RequestInfo.parse(group, version, rest, ctx.request().method().name(), watch);
    if (info == null) {
      throw ApiException.notFoundPath(ctx.request().path());
    }
    ctx.put("requestInfo", info);
    return info;
  }

  UserInfo authenticate(RoutingContext ctx) {
    for (Authenticator a : authenticators) {
      Optional<UserInfo> user = a.authenticate(ctx);
      if (user.isPresent()) {
        return user.get();
      }
    }
    Optional<String> testUser = config.authentication().insecureTestUser().filter(s -> !s.isEmpty());
    if (testUser.isPresent() && !ctx.request().isSSL()) {
      return new UserInfo(testUser.get(), "", List.of("system:masters", "system:authenticated"));
    }
    throw ApiException.unauthorized();
  }

  /**
   * API priority and fairness, as upstream's filter between impersonation and authorization: the matched FlowSchema
   * and priority level go into the response headers (refused requests carry them too). Long-running requests other
   * than watches (exec, attach, log, port-forward, proxy) bypass it, as upstream's.
   */
  private void classify(RoutingContext ctx, UserInfo user, RequestInfo info) {
    String sub = info.subresource();
    if (sub != null && LONG_RUNNING_SUBRESOURCES.contains(sub)) {
      return;
    }
    FlowClassifier.answer(ctx.response().headers(), flowControl.classifyResource(user, info.verb(), info.group(),
        info.resource(), sub, info.namespace()));
  }

  private void authorize(UserInfo user, RequestInfo info) {
    if (authorizer.authorize(user, info) != Authorizer.Decision.ALLOW) {
      String what = info.resource() + (info.subresource() == null ? "" : "/" + info.subresource());
      throw ApiException.forbidden(what + (info.name() == null ? "" : " \"" + info.name() + "\"")
          + " is forbidden: User \"" + user.name() + "\" cannot " + info.verb() + " resource \"" + what + "\"");
    }
  }

  private void failure(RoutingContext ctx) {
    int code = ctx.statusCode();
    if (code == 413) {
      responses.error(ctx, ApiException.tooLarge("the request is too large: limit is 3145728 bytes"));
    } else if (ctx.failure() instanceof ApiException e) {
      responses.error(ctx, e);
    } else {
      LOG.errorf(ctx.failure(), "%s %s failed", ctx.request().method(), ctx.request().uri());
      responses.error(ctx, ApiException.internal(ctx.failure() == null ? "status " + code
          : ctx.failure().toString()));
    }
  }

  Responses responses() {
    return responses;
  }

  Registry registry() {
    return registry;
  }
}

package io.quarkube.apiserver.security;

import io.vertx.ext.web.RoutingContext;

/**
 * The request being served on this worker thread. The chain's seams (authorizer, admission plugins) get no
 * RoutingContext, yet upstream's behaviour needs one now and then: a field selector that names the object, a
 * Warning header from PodSecurity, an audit annotation. Authentication sets it at the start of every request.
 */
public final class RequestContexts {
  /** ctx keys: the authenticated (possibly impersonated) user, who impersonated, the authorization outcome. */
  public static final String USER = "quarkube.user";
  public static final String IMPERSONATOR = "quarkube.impersonator";
  public static final String DECISION = "quarkube.authz.decision";
  public static final String REASON = "quarkube.authz.reason";
  public static final String AUDIT_ANNOTATIONS = "quarkube.audit.annotations";
  /** The body of the response as written (a JSON tree), for audit events at level RequestResponse. */
  public static final String RESPONSE_OBJECT = "quarkube.audit.response";

  private static final ThreadLocal<RoutingContext> CURRENT = new ThreadLocal<>();

  private RequestContexts() {}

  public static void set(RoutingContext ctx) {
    CURRENT.set(ctx);
  }

  public static RoutingContext current() {
    return CURRENT.get();
  }

  /** Adds a {@code Warning: 299 - "..."} header to the current response (kubectl prints it as "Warning: ..."). */
  public static void warn(String message) {
    RoutingContext ctx = CURRENT.get();
    if (ctx != null && !ctx.response().headWritten()) {
      String value = "299 - \"" + message.replace("\"", "\\\"") + "\"";
      if (!ctx.response().headers().getAll("Warning").contains(value)) {
        ctx.response().headers().add("Warning", value);
      }
    }
  }

  /** Records an annotation for the request's audit event. */
  public static void annotate(String key, String value) {
    RoutingContext ctx = CURRENT.get();
    if (ctx != null) {
      java.util.Map<String, String> m = ctx.get(AUDIT_ANNOTATIONS);
      if (m == null) {
        m = new java.util.concurrent.ConcurrentHashMap<>();
        ctx.put(AUDIT_ANNOTATIONS, m);
      }
      m.put(key, value);
    }
  }
}

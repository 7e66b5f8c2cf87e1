package io.quarkube.apiserver.openapi;

import io.quarkube.apiserver.endpoints.ApiRoutes;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /openapi/v2}: the Swagger 2.0 document in JSON or in gnostic protobuf (by {@code Accept}, as upstream),
 * and {@code GET /swagger-2.0.0.pb-v1}, the older protobuf path client-go falls back to after a 403, 404 or 406.
 * Clients must be authenticated, as for {@code /openapi/v3}. Answers carry the form's ETag and {@code Vary: Accept};
 * a matching {@code If-None-Match} gets 304 (kubectl keeps an HTTP cache in its cache directory).
 */
@ApplicationScoped
public class OpenApiV2Routes {
  private final ApiRoutes api;
  private final OpenApiV2Documents documents;

  public OpenApiV2Routes(ApiRoutes api, ResourceCatalog catalog) {
    this.api = api;
    this.documents = new OpenApiV2Documents(catalog);
  }

  void install(@Observes Router router) {
    // Building takes a few seconds: done soon after start rather than on the first apply of an old kubectl.
    DeferredWarmup.start("openapi-v2-warmup", documents::json);
    router.get("/openapi/v2").blockingHandler(ctx -> api.serveAuthenticated(ctx, () -> {
      OpenApiV2Documents.Representation r = documents.negotiate(ctx.request().getHeader("Accept"))
          .orElseThrow(() -> ApiException.notAcceptable(ctx.request().getHeader("Accept")));
      send(ctx, r);
    }), false);
    router.get("/swagger-2.0.0.pb-v1").blockingHandler(ctx -> api.serveAuthenticated(ctx,
        () -> send(ctx, documents.protobuf())), false);
  }

  private static void send(RoutingContext ctx, OpenApiV2Documents.Representation r) {
    HttpServerResponse response = ctx.response();
    response.putHeader("Vary", "Accept");
    response.putHeader("ETag", r.etag());
    if (matches(ctx.request().getHeader("If-None-Match"), r.etag())) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", r.contentType()).end(Buffer.buffer(r.body()));
  }

  /** Whether an If-None-Match header names this entity tag (weak comparison, as for GET). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals("*") || c.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}

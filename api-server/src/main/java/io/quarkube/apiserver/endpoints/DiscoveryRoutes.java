package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.AdvertiseAddress;
import io.quarkube.apiserver.discovery.DiscoveryDocuments;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.openapi.DeferredWarmup;
import io.quarkube.apiserver.openapi.OpenApiDocuments;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Discovery ({@code /api}, {@code /apis}, group and group-version documents, aggregated discovery) and OpenAPI v3,
 * which kubectl reads before it creates, applies or explains anything.
 */
@ApplicationScoped
public class DiscoveryRoutes {
  private final ResourceCatalog catalog;
  private final AdvertiseAddress advertiseAddress;
  /** The documents and the catalog generation they were built from; rebuilt when resources come and go. */
  private volatile Documents documents;

  private record Documents(long generation, DiscoveryDocuments discovery, OpenApiDocuments openApi) {}

  public DiscoveryRoutes(ResourceCatalog catalog, AdvertiseAddress advertiseAddress) {
    this.catalog = catalog;
    this.advertiseAddress = advertiseAddress;
    this.documents = build();
  }

  private Documents build() {
    long generation = catalog.generation();
    return new Documents(generation, new DiscoveryDocuments(catalog), new OpenApiDocuments(catalog));
  }

  private Documents current() {
    Documents d = documents;
    if (d.generation() != catalog.generation()) {
      d = build();
      documents = d;
    }
    return d;
  }

  void install(Router router, ApiRoutes api) {
    // The OpenAPI documents take a second or two to build: done soon after start rather than on kubectl's first apply.
    DeferredWarmup.start("openapi-warmup", () -> current().openApi().v3Index());
    router.get("/api").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticatePath(ctx);
      String v = DiscoveryDocuments.aggregatedVersion(ctx.request().getHeader("Accept")).orElse(null);
      if (v != null) {
        writeAggregated(ctx, api, current().discovery().aggregatedDiscovery(true, v), v);
      } else {
        api.responses().write(ctx, 200, MediaTypes.JSON, current().discovery().apiVersions(hostPort()));
      }
    }), false);
    router.get("/apis").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticatePath(ctx);
      String v = DiscoveryDocuments.aggregatedVersion(ctx.request().getHeader("Accept")).orElse(null);
      if (v != null) {
        writeAggregated(ctx, api, current().discovery().aggregatedDiscovery(false, v), v);
      } else {
        api.responses().write(ctx, 200, MediaTypes.JSON, current().discovery().apiGroupList());
      }
    }), false);
    router.get("/api/v1").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticatePath(ctx);
      api.responses().write(ctx, 200, MediaTypes.JSON, current().discovery().apiResourceList("", "v1").orElseThrow());
    }), false);
    router.getWithRegex("^/apis/([^/]+)/?$").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticatePath(ctx);
      ObjectNode doc = current().discovery().apiGroup(ctx.pathParam("param0"))
          .orElseThrow(() -> ApiException.notFoundPath(ctx.request().path()));
      api.responses().write(ctx, 200, MediaTypes.JSON, doc);
    }), false);
    router.getWithRegex("^/apis/([^/]+)/([^/]+)/?$").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticatePath(ctx);
      ObjectNode doc = current().discovery().apiResourceList(ctx.pathParam("param0"), ctx.pathParam("param1"))
          .orElseThrow(() -> ApiException.notFoundPath(ctx.request().path()));
      api.responses().write(ctx, 200, MediaTypes.JSON, doc);
    }), false);
    router.get("/openapi/v3").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticatePath(ctx);
      api.responses().write(ctx, 200, MediaTypes.JSON, current().openApi().v3Index());
    }), false);
    router.getWithRegex("^/openapi/v3/(.+)$").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticatePath(ctx);
      String path = ctx.pathParam("param0");
      byte[] doc = current().openApi().v3GroupVersionJson(path)
          .orElseThrow(() -> ApiException.notFoundPath(ctx.request().path()));
      current().openApi().hash(path).ifPresent(h -> ctx.response().putHeader("ETag", "\"" + h + "\""));
      ctx.response().putHeader("Content-Type", MediaTypes.JSON).end(io.vertx.core.buffer.Buffer.buffer(doc));
    }), false);
  }

  private static void writeAggregated(RoutingContext ctx, ApiRoutes api, ObjectNode doc, String version) {
    api.responses().write(ctx, 200, DiscoveryDocuments.aggregatedContentType(version), doc);
  }

  private String hostPort() {
    return advertiseAddress.hostPort();
  }
}

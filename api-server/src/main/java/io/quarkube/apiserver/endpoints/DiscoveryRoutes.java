package io.quarkube.apiserver.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.ApiServerConfig;
import io.quarkube.apiserver.discovery.DiscoveryDocuments;
import io.quarkube.apiserver.errors.ApiException;
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
  private static final String AGGREGATED = "as=apigroupdiscoverylist";

  private final DiscoveryDocuments discovery;
  private final OpenApiDocuments openApi;
  private final String advertiseAddress;

  public DiscoveryRoutes(ResourceCatalog catalog, ApiServerConfig config) {
    this.discovery = new DiscoveryDocuments(catalog);
    this.openApi = new OpenApiDocuments(catalog);
    this.advertiseAddress = config.advertiseAddress();
  }

  void install(Router router, ApiRoutes api) {
    router.get("/api").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticate(ctx);
      String v = aggregatedVersion(ctx);
      if (v != null) {
        writeAggregated(ctx, api, discovery.aggregatedDiscovery(true, v));
      } else {
        api.responses().write(ctx, 200, MediaTypes.JSON, discovery.apiVersions(hostPort()));
      }
    }), false);
    router.get("/apis").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticate(ctx);
      String v = aggregatedVersion(ctx);
      if (v != null) {
        writeAggregated(ctx, api, discovery.aggregatedDiscovery(false, v));
      } else {
        api.responses().write(ctx, 200, MediaTypes.JSON, discovery.apiGroupList());
      }
    }), false);
    router.get("/api/v1").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticate(ctx);
      api.responses().write(ctx, 200, MediaTypes.JSON, discovery.apiResourceList("", "v1").orElseThrow());
    }), false);
    router.getWithRegex("^/apis/([^/]+)/?$").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticate(ctx);
      ObjectNode doc = discovery.apiGroup(ctx.pathParam("param0"))
          .orElseThrow(() -> ApiException.notFoundPath(ctx.request().path()));
      api.responses().write(ctx, 200, MediaTypes.JSON, doc);
    }), false);
    router.getWithRegex("^/apis/([^/]+)/([^/]+)/?$").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticate(ctx);
      ObjectNode doc = discovery.apiResourceList(ctx.pathParam("param0"), ctx.pathParam("param1"))
          .orElseThrow(() -> ApiException.notFoundPath(ctx.request().path()));
      api.responses().write(ctx, 200, MediaTypes.JSON, doc);
    }), false);
    router.get("/openapi/v3").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticate(ctx);
      api.responses().write(ctx, 200, MediaTypes.JSON, openApi.v3Index());
    }), false);
    router.getWithRegex("^/openapi/v3/(.+)$").blockingHandler(ctx -> api.serve(ctx, () -> {
      api.authenticate(ctx);
      ObjectNode doc = openApi.v3GroupVersion(ctx.pathParam("param0"))
          .orElseThrow(() -> ApiException.notFoundPath(ctx.request().path()));
      api.responses().write(ctx, 200, MediaTypes.JSON, doc);
    }), false);
  }

  private void writeAggregated(RoutingContext ctx, ApiRoutes api, ObjectNode doc) {
    String version = doc.path("apiVersion").asText("apidiscovery.k8s.io/v2");
    String v = version.substring(version.indexOf('/') + 1);
    ctx.response().putHeader("Content-Type",
        "application/json;g=apidiscovery.k8s.io;v=" + v + ";as=APIGroupDiscoveryList");
    api.responses().write(ctx, 200, ctx.response().headers().get("Content-Type"), doc);
  }

  /** The aggregated discovery version the client accepts first (v2 or v2beta1), or null for the legacy form. */
  static String aggregatedVersion(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (accept == null) {
      return null;
    }
    for (String part : accept.split(",")) {
      String p = part.toLowerCase().replace(" ", "");
      if (p.contains(AGGREGATED) && p.contains("g=apidiscovery.k8s.io") && p.startsWith("application/json")) {
        return p.contains("v=v2beta1") ? "v2beta1" : "v2";
      }
      if (p.startsWith("application/json") && !p.contains("as=")) {
        return null;
      }
    }
    return null;
  }

  private String hostPort() {
    return advertiseAddress.replaceFirst("^https?://", "");
  }
}

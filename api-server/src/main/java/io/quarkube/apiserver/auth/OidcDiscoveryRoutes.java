package io.quarkube.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.authz.Attributes;
import io.quarkube.apiserver.endpoints.ApiRoutes;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.security.RequestContexts;
import io.quarkube.apiserver.security.SecurityChain;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;

/**
 * Service-account issuer discovery, as upstream serves it: {@code /.well-known/openid-configuration} and the key
 * set at {@code /openid/v1/jwks}, so that outside parties can verify the cluster's service-account tokens. Like
 * upstream, both need an authenticated caller allowed by RBAC (system:service-account-issuer-discovery).
 */
@ApplicationScoped
public class OidcDiscoveryRoutes {
  static final String CONFIG_PATH = "/.well-known/openid-configuration";
  static final String JWKS_PATH = "/openid/v1/jwks";

  private final ApiRoutes api;

  public OidcDiscoveryRoutes(ApiRoutes api) {
    this.api = api;
  }

  void install(@Observes Router router) {
    router.get(CONFIG_PATH).blockingHandler(ctx -> api.serveAuthenticated(ctx, () -> {
      authorize(ctx, CONFIG_PATH);
      write(ctx, "application/json", configuration(SecurityChain.current().serviceAccountTokens()));
    }), false);
    router.get(JWKS_PATH).blockingHandler(ctx -> api.serveAuthenticated(ctx, () -> {
      authorize(ctx, JWKS_PATH);
      write(ctx, "application/jwk-set+json", SecurityChain.current().serviceAccountTokens().keys().jwks());
    }), false);
  }

  /** The discovery document: the issuer, where its keys are, and what it signs with. */
  static ObjectNode configuration(ServiceAccountTokens tokens) {
    ObjectNode doc = Json.MAPPER.createObjectNode();
    doc.put("issuer", tokens.issuer());
    URI issuer = URI.create(tokens.issuer());
    String base = issuer.getScheme() + "://" + issuer.getRawAuthority();
    doc.put("jwks_uri", base + JWKS_PATH);
    doc.putPOJO("response_types_supported", List.of("id_token"));
    doc.putPOJO("subject_types_supported", List.of("public"));
    doc.putPOJO("id_token_signing_alg_values_supported",
        List.of(Jwt.algorithm(tokens.keys().signingKey())));
    return doc;
  }

  private static void authorize(RoutingContext ctx, String path) {
    UserInfo user = ctx.get(RequestContexts.USER);
    SecurityChain.current().authorizer().check(Attributes.nonResource(user, "get", path));
  }

  private static void write(RoutingContext ctx, String contentType, ObjectNode body) {
    ctx.response().putHeader("Content-Type", contentType).putHeader("Cache-Control", "public, max-age=3600")
        .end(Buffer.buffer(Json.bytes(body)));
  }
}

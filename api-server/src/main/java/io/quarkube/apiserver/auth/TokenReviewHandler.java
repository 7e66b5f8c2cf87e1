package io.quarkube.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.security.SecurityChain;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.List;

/** TokenReview: tells a caller (a webhook, an aggregated server) who a bearer token belongs to. */
@Singleton
public class TokenReviewHandler implements ExtensionHandler {
  private final BodyDecoder bodies;
  private final Responses responses;

  public TokenReviewHandler(BodyDecoder bodies, Responses responses) {
    this.bodies = bodies;
    this.responses = responses;
  }

  @Override
  public String key() {
    return "authentication.k8s.io/tokenreviews";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition def, RequestInfo info, UserInfo user) {
    Reviews.requireCreate(def, info);
    ObjectNode review = Reviews.body(ctx, bodies, def.apiVersion(), def.kind());
    String token = review.path("spec").path("token").asText("");
    if (token.isEmpty()) {
      throw Reviews.invalid("authentication.k8s.io", "TokenReview", "spec.token", "token must not be empty");
    }
    List<String> audiences = Reviews.strings(review.path("spec").get("audiences"));
    ObjectNode status = review.putObject("status");
    try {
      TokenAuthenticator.Authenticated a = SecurityChain.current().authentication().authenticateToken(token,
          audiences);
      status.put("authenticated", true);
      status.set("user", Reviews.userInfo(a.user()));
      status.putPOJO("audiences", a.audiences());
    } catch (AuthenticationChain.TokenRejected e) {
      status.put("authenticated", false);
      status.putObject("user");
      status.put("error", "[invalid bearer token, " + e.getMessage() + "]");
    }
    Reviews.created(ctx, responses, review);
  }
}

package io.quarkube.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/** SelfSubjectReview ({@code kubectl auth whoami}): the caller's user as authentication saw it. */
@Singleton
public class SelfSubjectReviewHandler implements ExtensionHandler {
  private final BodyDecoder bodies;
  private final Responses responses;

  public SelfSubjectReviewHandler(BodyDecoder bodies, Responses responses) {
    this.bodies = bodies;
    this.responses = responses;
  }

  @Override
  public String key() {
    return "authentication.k8s.io/selfsubjectreviews";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition def, RequestInfo info, UserInfo user) {
    Reviews.requireCreate(def, info);
    ObjectNode review = ctx.body() == null || ctx.body().length() == 0
        ? emptyReview(def) : Reviews.body(ctx, bodies, def.apiVersion(), def.kind());
    review.with("metadata").put("creationTimestamp", Reviews.now());
    review.putObject("status").set("userInfo", Reviews.userInfo(user));
    Reviews.created(ctx, responses, review);
  }

  private static ObjectNode emptyReview(ResourceDefinition def) {
    ObjectNode n = io.quarkube.apiserver.json.Json.MAPPER.createObjectNode();
    n.put("kind", def.kind());
    n.put("apiVersion", def.apiVersion());
    n.putObject("metadata");
    return n;
  }
}

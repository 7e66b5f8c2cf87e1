package io.quarkube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.auth.Reviews;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.security.SecurityChain;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The access reviews of authorization.k8s.io/v1 (what {@code kubectl auth can-i} sends): SubjectAccessReview asks
 * about any user, SelfSubjectAccessReview about the caller, LocalSubjectAccessReview about any user within one
 * namespace. Each answers with the chain's decision in {@code status}.
 */
public final class AccessReviewHandlers {
  private AccessReviewHandlers() {}

  /** What the three reviews have in common; {@link #subject} says whose access is asked about. */
  abstract static class Base implements ExtensionHandler {
    private final BodyDecoder bodies;
    private final Responses responses;

    Base(BodyDecoder bodies, Responses responses) {
      this.bodies = bodies;
      this.responses = responses;
    }

    abstract UserInfo subject(ObjectNode spec, UserInfo caller);

    @Override
    public void handle(RoutingContext ctx, ResourceDefinition def, RequestInfo info, UserInfo caller) {
      Reviews.requireCreate(def, info);
      ObjectNode review = Reviews.body(ctx, bodies, def.apiVersion(), def.kind());
      ObjectNode spec = review.with("spec");
      JsonNode resource = spec.get("resourceAttributes");
      JsonNode nonResource = spec.get("nonResourceAttributes");
      boolean hasResource = resource != null && resource.isObject();
      boolean hasNonResource = nonResource != null && nonResource.isObject();
      if (hasResource == hasNonResource) {
        throw ApiException.invalid(def.group(), def.kind(), "", List.of(FieldError.invalid("spec.resourceAttributes",
            hasResource ? "both" : "none",
            "exactly one of nonResourceAttributes or resourceAttributes must be specified")));
      }
      if (def.namespaced()) {
        String ns = hasResource ? resource.path("namespace").asText("") : "";
        if (!hasResource || !ns.equals(info.namespace())) {
          throw ApiException.badRequest("spec.resourceAttributes.namespace must match metadata.namespace: "
              + "\"" + ns + "\" != \"" + info.namespace() + "\"");
        }
        review.with("metadata").put("namespace", info.namespace());
      }
      UserInfo subject = subject(spec, caller);
      Attributes a = hasResource
          ? new Attributes(subject, resource.path("verb").asText(""), resource.path("namespace").asText(""),
              resource.path("group").asText(""), resource.path("version").asText(""),
              resource.path("resource").asText(""), resource.path("subresource").asText(""),
              resource.path("name").asText(""), "", true)
          : Attributes.nonResource(subject, nonResource.path("verb").asText(""), nonResource.path("path").asText(""));
      Verdict v = SecurityChain.current().authorizer().decide(a);
      ObjectNode status = review.putObject("status");
      status.put("allowed", v.allowed());
      if (v.decision() == io.quarkube.apiserver.auth.Authorizer.Decision.DENY) {
        status.put("denied", true);
      }
      if (!v.reason().isEmpty()) {
        status.put("reason", v.reason());
      }
      review.with("metadata").put("creationTimestamp", Reviews.now());
      Reviews.created(ctx, responses, review);
    }
  }

  /** SubjectAccessReview: the user, groups and extra named in the spec (at least a user or a group). */
  @Singleton
  public static class SubjectAccessReviewHandler extends Base {
    public SubjectAccessReviewHandler(BodyDecoder bodies, Responses responses) {
      super(bodies, responses);
    }

    @Override
    public String key() {
      return "authorization.k8s.io/subjectaccessreviews";
    }

    @Override
    UserInfo subject(ObjectNode spec, UserInfo caller) {
      return named(spec, "SubjectAccessReview");
    }
  }

  /** LocalSubjectAccessReview: like SubjectAccessReview, limited to the namespace in the URL. */
  @Singleton
  public static class LocalSubjectAccessReviewHandler extends Base {
    public LocalSubjectAccessReviewHandler(BodyDecoder bodies, Responses responses) {
      super(bodies, responses);
    }

    @Override
    public String key() {
      return "authorization.k8s.io/localsubjectaccessreviews";
    }

    @Override
    UserInfo subject(ObjectNode spec, UserInfo caller) {
      return named(spec, "LocalSubjectAccessReview");
    }
  }

  /** SelfSubjectAccessReview: the caller (after impersonation), whatever the spec says. */
  @Singleton
  public static class SelfSubjectAccessReviewHandler extends Base {
    public SelfSubjectAccessReviewHandler(BodyDecoder bodies, Responses responses) {
      super(bodies, responses);
    }

    @Override
    public String key() {
      return "authorization.k8s.io/selfsubjectaccessreviews";
    }

    @Override
    UserInfo subject(ObjectNode spec, UserInfo caller) {
      return caller;
    }
  }

  static UserInfo named(ObjectNode spec, String kind) {
    String user = spec.path("user").asText("");
    List<String> groups = Reviews.strings(spec.get("groups"));
    if (user.isEmpty() && groups.isEmpty()) {
      throw ApiException.invalid("authorization.k8s.io", kind, "", List.of(FieldError.invalid("spec.user", "",
          "at least one of user or group must be specified")));
    }
    return new UserInfo(user, spec.path("uid").asText(""), groups, Reviews.extra(spec.get("extra")));
  }
}

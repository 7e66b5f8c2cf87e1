package io.quarkube.apiserver.authz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
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
import java.util.ArrayList;
import java.util.List;

/**
 * SelfSubjectRulesReview ({@code kubectl auth can-i --list}): every rule that applies to the caller in a namespace,
 * from each authorizer that can list its rules (system:masters, Node, RBAC), split into resource and non-resource
 * rules as upstream does.
 */
@Singleton
public class SelfSubjectRulesReviewHandler implements ExtensionHandler {
  private final BodyDecoder bodies;
  private final Responses responses;

  public SelfSubjectRulesReviewHandler(BodyDecoder bodies, Responses responses) {
    this.bodies = bodies;
    this.responses = responses;
  }

  @Override
  public String key() {
    return "authorization.k8s.io/selfsubjectrulesreviews";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition def, RequestInfo info, UserInfo user) {
    Reviews.requireCreate(def, info);
    ObjectNode review = Reviews.body(ctx, bodies, def.apiVersion(), def.kind());
    String namespace = review.path("spec").path("namespace").asText("");
    if (namespace.isEmpty()) {
      throw ApiException.invalid(def.group(), def.kind(), "", List.of(FieldError.required("spec.namespace",
          "namespace is required")));
    }
    List<PolicyRule> rules = new ArrayList<>();
    if (user.inGroup(UserInfo.MASTERS)) {
      rules.add(Rules.verbs("*").groups("*").resources("*").rule());
      rules.add(Rules.verbs("*").urls("*").rule());
    }
    if (NodeAuthorizer.nodeName(user).isPresent()) {
      rules.addAll(NodeRules.rules());
    }
    RbacRules.Resolved resolved = SecurityChain.current().rbacRules().resolve(user, namespace);
    rules.addAll(resolved.rules());
    ObjectNode status = review.putObject("status");
    ArrayNode resourceRules = status.putArray("resourceRules");
    ArrayNode nonResourceRules = status.putArray("nonResourceRules");
    for (PolicyRule r : rules) {
      if (r.getResources() != null && !r.getResources().isEmpty()) {
        ObjectNode n = resourceRules.addObject();
        n.putPOJO("verbs", r.getVerbs());
        n.putPOJO("apiGroups", r.getApiGroups() == null ? List.of() : r.getApiGroups());
        n.putPOJO("resources", r.getResources());
        if (r.getResourceNames() != null && !r.getResourceNames().isEmpty()) {
          n.putPOJO("resourceNames", r.getResourceNames());
        }
      }
      if (r.getNonResourceURLs() != null && !r.getNonResourceURLs().isEmpty()) {
        ObjectNode n = nonResourceRules.addObject();
        n.putPOJO("verbs", r.getVerbs());
        n.putPOJO("nonResourceURLs", r.getNonResourceURLs());
      }
    }
    status.put("incomplete", false);
    if (!resolved.errors().isEmpty()) {
      status.put("evaluationError", String.join(", ", resolved.errors()));
    }
    Reviews.created(ctx, responses, review);
  }
}

package io.quarkube.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.apiserver.authz.Forbidden;
import io.quarkube.apiserver.authz.NodeAuthorizer;
import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.security.SecurityChain;
import io.quarkube.apiserver.security.SecurityConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST serviceaccounts/<name>/token} (TokenRequest, what {@code kubectl create token} and the kubelet use):
 * a signed, expiring token for the account, optionally bound to a Pod, Secret or Node that must stay alive for it
 * to keep working.
 */
@Singleton
public class TokenRequestHandler implements ExtensionHandler {
  static final String API_VERSION = "authentication.k8s.io/v1";
  private static final long MIN_SECONDS = 600;

  private final Registry registry;
  private final BodyDecoder bodies;
  private final Responses responses;
  private final SecurityConfig config;

  public TokenRequestHandler(Registry registry, BodyDecoder bodies, Responses responses, SecurityConfig config) {
    this.registry = registry;
    this.bodies = bodies;
    this.responses = responses;
    this.config = config;
  }

  @Override
  public String key() {
    return "/serviceaccounts/token";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition definition, RequestInfo info, UserInfo user) {
    if (!"create".equals(info.verb())) {
      throw ApiException.methodNotSupported("", "serviceaccounts/token", info.verb());
    }
    String ns = info.namespace();
    String account = info.name();
    ObjectNode req = Reviews.body(ctx, bodies, API_VERSION, "TokenRequest");
    ObjectNode spec = req.with("spec");
    long seconds = spec.path("expirationSeconds").asLong(3600);
    if (seconds < MIN_SECONDS) {
      throw invalid(account, FieldError.invalid("spec.expirationSeconds", seconds,
          "may not specify a duration less than 10 minutes"));
    }
    if (seconds > (1L << 32)) {
      throw invalid(account, FieldError.invalid("spec.expirationSeconds", seconds,
          "may not specify a duration larger than 2^32 seconds"));
    }
    seconds = Math.min(seconds, config.serviceAccount().maxTokenExpirationSeconds());
    ServiceAccountTokens tokens = SecurityChain.current().serviceAccountTokens();
    List<String> audiences = Reviews.strings(spec.get("audiences"));
    if (audiences.isEmpty()) {
      audiences = tokens.apiAudiences();
    }
    HasMetadata sa = registry.store("", "v1", "serviceaccounts").orElseThrow().get(ns, account);
    ServiceAccountTokens.BoundObject pod = null;
    ServiceAccountTokens.BoundObject secret = null;
    ServiceAccountTokens.BoundObject node = null;
    JsonNode ref = spec.path("boundObjectRef");
    if (ref.isObject()) {
      String kind = ref.path("kind").asText("");
      String name = ref.path("name").asText("");
      String uid = ref.path("uid").asText("");
      switch (kind) {
        case "Pod" -> {
          Pod p = (Pod) live("pods", ns, name, uid);
          String podAccount = p.getSpec() == null || p.getSpec().getServiceAccountName() == null ? "default"
              : p.getSpec().getServiceAccountName();
          if (!podAccount.equals(account)) {
            throw ApiException.badRequest("cannot bind token for serviceaccount \"" + account
                + "\" to pod running with different serviceaccount name.");
          }
          pod = new ServiceAccountTokens.BoundObject("Pod", name, p.getMetadata().getUid());
          String nodeName = p.getSpec() == null ? null : p.getSpec().getNodeName();
          if (nodeName != null && !nodeName.isEmpty()) {
            Optional<HasMetadata> n = registry.store("", "v1", "nodes").flatMap(s -> s.find(null, nodeName));
            if (n.isPresent()) {
              node = new ServiceAccountTokens.BoundObject("Node", nodeName, n.get().getMetadata().getUid());
            }
          }
        }
        case "Secret" -> secret = new ServiceAccountTokens.BoundObject("Secret", name,
            live("secrets", ns, name, uid).getMetadata().getUid());
        case "Node" -> node = new ServiceAccountTokens.BoundObject("Node", name,
            live("nodes", null, name, uid).getMetadata().getUid());
        default -> throw invalid(account, FieldError.notSupported("spec.boundObjectRef.kind", kind,
            List.of("Pod", "Node", "Secret")));
      }
    }
    Optional<String> requestingNode = NodeAuthorizer.nodeName(user);
    if (requestingNode.isPresent()) {
      // NodeRestriction: a kubelet asks only for tokens bound to pods it runs.
      if (pod == null) {
        throw Forbidden.forbidden("", "serviceaccounts", account, "node requested token not bound to a pod");
      }
      if (node == null || !requestingNode.get().equals(node.name())) {
        throw Forbidden.forbidden("", "serviceaccounts", account,
            "node requested token bound to a pod scheduled on a different node");
      }
    }
    ServiceAccountTokens.Issued issued = tokens.issue(ns, account, sa.getMetadata().getUid(), audiences, seconds,
        pod, secret, node);
    spec.putPOJO("audiences", audiences);
    spec.put("expirationSeconds", seconds);
    ObjectNode meta = req.putObject("metadata");
    meta.put("name", account);
    meta.put("namespace", ns);
    meta.put("creationTimestamp", Reviews.now());
    ObjectNode status = req.putObject("status");
    status.put("token", issued.token());
    status.put("expirationTimestamp", DateTimeFormatter.ISO_INSTANT.format(issued.expires()
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    Reviews.created(ctx, responses, req);
  }

  private HasMetadata live(String resource, String ns, String name, String uid) {
    HasMetadata obj = registry.store("", "v1", resource).orElseThrow().get(ns, name);
    if (!uid.isEmpty() && !uid.equals(obj.getMetadata().getUid())) {
      throw ApiException.conflict("", resource, name, "the UID in the bound object reference (" + uid
          + ") does not match the UID in record. The object might have been deleted and then recreated");
    }
    return obj;
  }

  private static ApiException invalid(String name, FieldError e) {
    return ApiException.invalid("authentication.k8s.io", "TokenRequest", name, List.of(e));
  }
}

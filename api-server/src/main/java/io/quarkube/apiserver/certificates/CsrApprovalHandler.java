package io.quarkube.apiserver.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.authz.Attributes;
import io.quarkube.apiserver.authz.Forbidden;
import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.MediaTypes;
import io.quarkube.apiserver.endpoints.Patcher;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.resource.ResourceDefinition;
import io.quarkube.apiserver.security.SecurityChain;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code certificatesigningrequests/<name>/approval} (what {@code kubectl certificate approve|deny} PUT), as upstream's
 * approval strategy: GET returns the request; PUT and PATCH (any patch type but apply) change its metadata (labels,
 * annotations, finalizers, owners) and replace its status conditions, nothing else (spec and the rest of the status
 * stay), only for callers who may also {@code approve} the request's signer ({@code signers/<signerName>} in
 * certificates.k8s.io). Upstream's condition rules hold: no duplicate types, Approved/Denied/Failed only True,
 * Approved and Denied exclusive, and none of those three removed once set.
 */
@Singleton
public class CsrApprovalHandler implements ExtensionHandler {
  static final String GROUP = "certificates.k8s.io";
  private static final List<String> FINAL_CONDITIONS = List.of("Approved", "Denied", "Failed");

  private final Registry registry;
  private final BodyDecoder bodies;
  private final Responses responses;
  private final Patcher patcher = new Patcher();

  public CsrApprovalHandler(Registry registry, BodyDecoder bodies, Responses responses) {
    this.registry = registry;
    this.bodies = bodies;
    this.responses = responses;
  }

  @Override
  public String key() {
    return GROUP + "/certificatesigningrequests/approval";
  }

  @Override
  public void handle(RoutingContext ctx, ResourceDefinition def, RequestInfo info, UserInfo user) {
    GenericStore<HasMetadata> store = registry.store(def);
    switch (info.verb()) {
      case "get" -> responses.object(ctx, 200, store.get(null, info.name()), def);
      case "update" -> {
        CertificateSigningRequest wanted = (CertificateSigningRequest) bodies.toObject(bodies.decode(ctx), def);
        String precondition = wanted.getMetadata() == null ? null : wanted.getMetadata().getResourceVersion();
        responses.object(ctx, 200, store.guaranteedUpdate(null, info.name(), emptyToNull(precondition), "status",
            false, current -> approve(info.name(), user, (CertificateSigningRequest) current, wanted)), def);
      }
      case "patch" -> {
        String contentType = MediaTypes.contentType(ctx.request().getHeader("Content-Type"));
        if (MediaTypes.APPLY_PATCH.equals(contentType)) {
          throw ApiException.methodNotSupported(GROUP, "certificatesigningrequests/approval", "apply");
        }
        JsonNode patch = bodies.decodePatch(ctx, contentType);
        responses.object(ctx, 200, store.guaranteedUpdate(null, info.name(), null, "status", false, current -> {
          ObjectNode patched = patcher.apply(Json.tree(current), patch, contentType, def);
          Patcher.requireUnchangedResourceVersion(def, info.name(), current, patched);
          CertificateSigningRequest wanted = (CertificateSigningRequest) bodies.toObject(patched, def);
          return approve(info.name(), user, (CertificateSigningRequest) current, wanted);
        }), def);
      }
      default -> throw ApiException.methodNotSupported(GROUP, "certificatesigningrequests/approval", info.verb());
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The stored request with the wanted metadata and conditions (upstream's approval PrepareForUpdate). */
  static CertificateSigningRequest approve(String name, UserInfo user, CertificateSigningRequest current,
      CertificateSigningRequest wanted) {
    String signer = current.getSpec() == null ? "" : current.getSpec().getSignerName();
    if (user != null && !mayApprove(user, signer)) {
      throw Forbidden.forbidden(GROUP, "certificatesigningrequests", name, "user not permitted to approve "
          + "requests with signerName \"" + signer + "\"");
    }
    List<CertificateSigningRequestCondition> conditions = wanted.getStatus() == null
        || wanted.getStatus().getConditions() == null ? List.of() : wanted.getStatus().getConditions();
    CertificateSigningRequestStatus status = current.getStatus() == null ? new CertificateSigningRequestStatus()
        : current.getStatus();
    validate(name, status.getConditions() == null ? List.of() : status.getConditions(), conditions);
    status.setConditions(new ArrayList<>(conditions));
    current.setStatus(status);
    if (wanted.getMetadata() != null) {
      current.getMetadata().setLabels(wanted.getMetadata().getLabels());
      current.getMetadata().setAnnotations(wanted.getMetadata().getAnnotations());
      current.getMetadata().setFinalizers(wanted.getMetadata().getFinalizers());
      current.getMetadata().setOwnerReferences(wanted.getMetadata().getOwnerReferences());
    }
    return current;
  }

  /** Upstream's rule: the caller may approve for the signer by name, or for its domain ({@code example.com/*}). */
  private static boolean mayApprove(UserInfo user, String signer) {
    var authorizer = SecurityChain.current().authorizer();
    if (authorizer.decide(Attributes.resource(user, "approve", "", GROUP, "signers", "", signer)).allowed()) {
      return true;
    }
    int slash = signer.indexOf('/');
    return slash > 0 && authorizer.decide(Attributes.resource(user, "approve", "", GROUP, "signers", "",
        signer.substring(0, slash) + "/*")).allowed();
  }

  static void validate(String name, List<CertificateSigningRequestCondition> old,
      List<CertificateSigningRequestCondition> conditions) {
    Set<String> types = new HashSet<>();
    for (CertificateSigningRequestCondition c : conditions) {
      if (c.getType() == null || c.getType().isEmpty()) {
        throw ApiException.invalid(GROUP, "CertificateSigningRequest", name, List.of(FieldError.required(
            "status.conditions.type", "")));
      }
      if (!types.add(c.getType())) {
        throw ApiException.invalid(GROUP, "CertificateSigningRequest", name, List.of(FieldError.duplicate(
            "status.conditions", c.getType())));
      }
      if (FINAL_CONDITIONS.contains(c.getType()) && !"True".equals(c.getStatus())) {
        throw ApiException.invalid(GROUP, "CertificateSigningRequest", name, List.of(FieldError.notSupported(
            "status.conditions.status", c.getStatus(), List.of("True"))));
      }
    }
    if (types.contains("Approved") && types.contains("Denied")) {
      throw ApiException.invalid(GROUP, "CertificateSigningRequest", name, List.of(FieldError.invalid(
          "status.conditions", "Approved", "Approved and Denied conditions are mutually exclusive")));
    }
    for (String type : FINAL_CONDITIONS) {
      if (old.stream().anyMatch(c -> type.equals(c.getType())) && !types.contains(type)) {
        throw ApiException.invalid(GROUP, "CertificateSigningRequest", name, List.of(FieldError.forbidden(
            "status.conditions", "updates may not remove a condition of type \"" + type + "\"")));
      }
    }
  }
}

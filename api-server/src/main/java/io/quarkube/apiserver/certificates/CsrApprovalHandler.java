package io.quarkube.apiserver.certificates;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.quarkube.apiserver.auth.UserInfo;
import io.quarkube.apiserver.authz.Attributes;
import io.quarkube.apiserver.authz.Forbidden;
import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.ExtensionHandler;
import io.quarkube.apiserver.endpoints.RequestInfo;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.errors.ApiException;
import io.quarkube.apiserver.errors.FieldError;
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
 * {@code certificatesigningrequests/<name>/approval} (what {@code kubectl certificate approve|deny} PUT; PATCH is not served here): only the
 * Approved/Denied conditions change, and only for callers who may also {@code approve} the request's signer
 * ({@code signers/<signerName>} in certificates.k8s.io), as upstream checks. GET returns the request.
 */
@Singleton
public class CsrApprovalHandler implements ExtensionHandler {
  static final String GROUP = "certificates.k8s.io";

  private final Registry registry;
  private final BodyDecoder bodies;
  private final Responses responses;

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
        responses.object(ctx, 200, approve(store, info.name(), user, wanted.getStatus()), def);
      }
      default -> throw ApiException.methodNotSupported(GROUP, "certificatesigningrequests/approval", info.verb());
    }
  }

  private HasMetadata approve(GenericStore<HasMetadata> store, String name, UserInfo user,
      CertificateSigningRequestStatus wanted) {
    List<CertificateSigningRequestCondition> conditions = wanted == null || wanted.getConditions() == null
        ? List.of() : wanted.getConditions();
    validate(name, conditions);
    return store.guaranteedUpdate(null, name, null, "status", false, current -> {
      CertificateSigningRequest csr = (CertificateSigningRequest) current;
      String signer = csr.getSpec() == null ? "" : csr.getSpec().getSignerName();
      if (!mayApprove(user, signer)) {
        throw Forbidden.forbidden(GROUP, "certificatesigningrequests", name, "user not permitted to approve "
            + "requests with signerName \"" + signer + "\"");
      }
      CertificateSigningRequestStatus status = csr.getStatus() == null ? new CertificateSigningRequestStatus()
          : csr.getStatus();
      List<CertificateSigningRequestCondition> kept = new ArrayList<>();
      for (CertificateSigningRequestCondition c : status.getConditions() == null
          ? List.<CertificateSigningRequestCondition>of() : status.getConditions()) {
        if (!"Approved".equals(c.getType()) && !"Denied".equals(c.getType())) {
          kept.add(c);
        }
      }
      for (CertificateSigningRequestCondition c : conditions) {
        if ("Approved".equals(c.getType()) || "Denied".equals(c.getType())) {
          kept.add(c);
        }
      }
      status.setConditions(kept);
      csr.setStatus(status);
      return csr;
    });
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

  private static void validate(String name, List<CertificateSigningRequestCondition> conditions) {
    Set<String> types = new HashSet<>();
    for (CertificateSigningRequestCondition c : conditions) {
      if (!types.add(c.getType())) {
        throw ApiException.invalid(GROUP, "CertificateSigningRequest", name, List.of(FieldError.duplicate(
            "status.conditions", c.getType())));
      }
      if (("Approved".equals(c.getType()) || "Denied".equals(c.getType())) && !"True".equals(c.getStatus())) {
        throw ApiException.invalid(GROUP, "CertificateSigningRequest", name, List.of(FieldError.notSupported(
            "status.conditions.status", c.getStatus(), List.of("True"))));
      }
    }
    if (types.contains("Approved") && types.contains("Denied")) {
      throw ApiException.invalid(GROUP, "CertificateSigningRequest", name, List.of(FieldError.invalid(
          "status.conditions", "Approved", "Approved and Denied conditions are mutually exclusive")));
    }
  }
}

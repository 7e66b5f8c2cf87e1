package io.quarkube.controllers.certificates;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's csrapproving controller: approves kubelet client certificate requests ({@code
 * kube-apiserver-client-kubelet}, CN {@code system:node:<name>}, O {@code system:nodes}, client usages, no SANs)
 * when a SubjectAccessReview says the requester may {@code create certificatesigningrequests/selfnodeclient} (a
 * node renewing its own certificate) or {@code .../nodeclient} (e.g. a bootstrap token). Anything else waits for a
 * human ({@code kubectl certificate approve}).
 */
public final class CsrApprovingController extends Controller<String> {
  public static final String NAME = "csrapproving";

  /** One way a request can be recognised, the permission it needs and what the Approved condition then says. */
  private record Recognizer(String subresource, String message, boolean self) {}

  private static final List<Recognizer> RECOGNIZERS = List.of(
      new Recognizer("selfnodeclient", "Auto approving self kubelet client certificate after SubjectAccessReview.",
          true),
      new Recognizer("nodeclient", "Auto approving kubelet client certificate after SubjectAccessReview.", false));

  private final Indexer<CertificateSigningRequest> csrs;
  private final KubernetesClient client;

  public CsrApprovingController(ControllerContext ctx) {
    super(NAME);
    this.csrs = ctx.informers().indexer(CertificateSigningRequest.class);
    this.client = ctx.client();
    ctx.informers().addEventHandler(CertificateSigningRequest.class,
        enqueueing((CertificateSigningRequest c) -> c.getMetadata().getName()));
    waitForSync(ctx.informers(), CertificateSigningRequest.class);
  }

  @Override
  protected void reconcile(String name) {
    CertificateSigningRequest csr = csrs.getByKey(name);
    if (csr == null || !SignerPolicies.KUBELET_CLIENT.equals(Csrs.signer(csr)) || Csrs.has(csr, "Approved")
        || Csrs.has(csr, "Denied") || Csrs.issued(csr)) {
      return;
    }
    CertificateRequest request;
    try {
      request = CertificateRequest.parse(csr.getSpec().getRequest());
    } catch (IllegalArgumentException e) {
      return; // the signer marks it Failed once someone approves it
    }
    if (SignerPolicies.kubeletClient(request, Csrs.usages(csr)).isPresent()) {
      return;
    }
    List<String> tried = new ArrayList<>();
    for (Recognizer r : RECOGNIZERS) {
      if (r.self() && !request.commonName().equals(csr.getSpec().getUsername())) {
        continue;
      }
      tried.add(r.subresource());
      if (allowed(csr, r.subresource())) {
        approve(csr, r.message());
        return;
      }
    }
    throw new IllegalStateException("recognized csr \"" + name + "\" as " + tried
        + " but subject access review was not approved");
  }

  private boolean allowed(CertificateSigningRequest csr, String subresource) {
    var spec = csr.getSpec();
    SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec().withUser(spec.getUsername())
        .withUid(spec.getUid()).withGroups(spec.getGroups()).withExtra(spec.getExtra())
        .withNewResourceAttributes().withGroup("certificates.k8s.io").withResource("certificatesigningrequests")
        .withVerb("create").withSubresource(subresource).endResourceAttributes().endSpec().build();
    SubjectAccessReview answer = client.authorization().v1().subjectAccessReview().create(review);
    return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
  }

  private void approve(CertificateSigningRequest csr, String message) {
    String now = Instant.now().toString();
    CertificateSigningRequestCondition approved = new CertificateSigningRequestConditionBuilder().withType("Approved")
        .withStatus("True").withReason("AutoApproved").withMessage(message).withLastUpdateTime(now)
        .withLastTransitionTime(now).build();
    try {
      client.certificates().v1().certificateSigningRequests().withName(csr.getMetadata().getName())
          .approve(approved);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }
}

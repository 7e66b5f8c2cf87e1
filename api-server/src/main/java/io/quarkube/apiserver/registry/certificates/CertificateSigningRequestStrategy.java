package io.quarkube.apiserver.registry.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.quarkube.apiserver.registry.Strategy;
import java.util.Map;
import java.util.Set;

/**
 * certificates.k8s.io CSRs: selectable by {@code spec.signerName} as upstream's strategy makes them (signers and
 * approvers watch only their own requests; upstream's "CSR API operations" conformance test lists, watches and
 * deletes collections by it). The requester's identity is set by the {@code CsrRequester} admission plugin and the
 * approval conditions by {@code CsrApprovalHandler}.
 */
public final class CertificateSigningRequestStrategy implements Strategy<CertificateSigningRequest> {
  static final String SIGNER_NAME = "spec.signerName";

  @Override
  public Set<String> selectableFields() {
    return Set.of(SIGNER_NAME);
  }

  @Override
  public Map<String, String> fieldValues(CertificateSigningRequest csr) {
    String signer = csr.getSpec() == null || csr.getSpec().getSignerName() == null ? ""
        : csr.getSpec().getSignerName();
    return Map.of(SIGNER_NAME, signer);
  }
}

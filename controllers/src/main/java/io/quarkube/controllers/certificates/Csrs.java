package io.quarkube.controllers.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import java.util.List;

/** Reading a CertificateSigningRequest's state: its conditions and whether a certificate was issued. */
final class Csrs {
  private Csrs() {}

  static boolean has(CertificateSigningRequest csr, String type) {
    List<CertificateSigningRequestCondition> conditions = csr.getStatus() == null ? null
        : csr.getStatus().getConditions();
    return conditions != null && conditions.stream()
        .anyMatch(c -> type.equals(c.getType()) && !"False".equals(c.getStatus()));
  }

  static boolean issued(CertificateSigningRequest csr) {
    return csr.getStatus() != null && csr.getStatus().getCertificate() != null
        && !csr.getStatus().getCertificate().isEmpty();
  }

  static String signer(CertificateSigningRequest csr) {
    return csr.getSpec() == null || csr.getSpec().getSignerName() == null ? "" : csr.getSpec().getSignerName();
  }

  static List<String> usages(CertificateSigningRequest csr) {
    return csr.getSpec() == null || csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
  }
}

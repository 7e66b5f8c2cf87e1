package io.quarkube.apiserver.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.quarkube.apiserver.admission.AdmissionPlugin;
import io.quarkube.apiserver.admission.AdmissionRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What upstream's CSR strategy does on create: {@code spec.username}, {@code uid}, {@code groups} and
 * {@code extra} are the requester's, whatever the client wrote, so approvers and signers can trust them.
 */
public final class CsrRequester implements AdmissionPlugin {
  @Override
  public String name() {
    return "CertificateSigningRequestRequester";
  }

  @Override
  public void admit(AdmissionRequest r) {
    if (!CsrApprovalHandler.GROUP.equals(r.resource().group())
        || !"certificatesigningrequests".equals(r.resource().resource())
        || r.operation() != AdmissionRequest.Operation.CREATE || r.object() == null || r.user() == null) {
      return;
    }
    CertificateSigningRequest csr = (CertificateSigningRequest) r.object();
    if (csr.getSpec() == null) {
      return;
    }
    csr.getSpec().setUsername(r.user().name());
    csr.getSpec().setUid(r.user().uid().isEmpty() ? null : r.user().uid());
    csr.getSpec().setGroups(new ArrayList<>(r.user().groups()));
    Map<String, List<String>> extra = new LinkedHashMap<>(r.user().extra());
    csr.getSpec().setExtra(extra.isEmpty() ? null : extra);
  }
}

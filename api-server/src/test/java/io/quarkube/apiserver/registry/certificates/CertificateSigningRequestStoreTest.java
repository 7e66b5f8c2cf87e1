package io.quarkube.apiserver.registry.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.quarkube.apiserver.registry.EtcdRegistryFixture;
import io.quarkube.apiserver.registry.GenericStore;
import io.quarkube.apiserver.registry.ListOptions;
import io.quarkube.apiserver.selection.FieldSelector;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** CSRs are listed by {@code spec.signerName} as upstream's field selector allows (signers watch their own). */
class CertificateSigningRequestStoreTest extends EtcdRegistryFixture {
  private static CertificateSigningRequest csr(String name, String signer) {
    return new CertificateSigningRequestBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
        .withRequest("cmVxdWVzdA==").withSignerName(signer).withUsages("client auth").endSpec().build();
  }

  @Test
  void listedBySignerName() {
    GenericStore<HasMetadata> csrs = registry.store("certificates.k8s.io", "v1", "certificatesigningrequests")
        .orElseThrow();
    String id = UUID.randomUUID().toString().substring(0, 8);
    csrs.create(null, csr("a-" + id, "example.com/" + id), false);
    csrs.create(null, csr("b-" + id, "example.com/" + id), false);
    csrs.create(null, csr("c-" + id, "kubernetes.io/kube-apiserver-client"), false);

    var bySigner = new ListOptions(ListOptions.all().labels(),
        FieldSelector.parse("spec.signerName=example.com/" + id, csrs.selectableFields(), "CertificateSigningRequest"),
        0, null, null, null);
    assertEquals(2, csrs.list(null, bySigner).items().size());
    var notBySigner = new ListOptions(ListOptions.all().labels(),
        FieldSelector.parse("spec.signerName!=example.com/" + id + ",metadata.name=c-" + id,
            csrs.selectableFields(), "CertificateSigningRequest"), 0, null, null, null);
    assertEquals(1, csrs.list(null, notBySigner).items().size());
  }
}

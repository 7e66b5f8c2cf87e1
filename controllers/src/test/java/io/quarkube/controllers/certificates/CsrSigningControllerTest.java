package io.quarkube.controllers.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.quarkube.client.controller.StaticInformers;
import io.quarkube.client.events.EventRecorder;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.RecordingWriter;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/** The signer against hand-filled caches: what it signs, with which validity, and what it refuses. */
class CsrSigningControllerTest {
  private static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");
  private final StaticInformers caches = new StaticInformers();
  private final RecordingWriter writer = new RecordingWriter(caches);
  private final ControllerContext ctx = new ControllerContext(caches, writer, c -> EventRecorder.discarding(), null,
      null);

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static ClusterSigner ca() throws Exception {
    KeyPair pair = ec();
    X500Name name = new X500Name("CN=test-ca");
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
        BigInteger.ONE, Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(3650))), name,
        pair.getPublic()).addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    return new ClusterSigner(cert, pair.getPrivate());
  }

  static String request(String subject) throws Exception {
    KeyPair pair = ec();
    var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), pair.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(csr);
    }
    return Base64.getEncoder().encodeToString(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static CertificateSigningRequest csr(String name, String signer, String subject, List<String> usages,
      Integer seconds, boolean approved) throws Exception {
    CertificateSigningRequestBuilder b = new CertificateSigningRequestBuilder().withNewMetadata().withName(name)
        .endMetadata().withNewSpec().withSignerName(signer).withRequest(request(subject)).withUsages(usages)
        .withExpirationSeconds(seconds).withUsername("alice").endSpec();
    if (approved) {
      b.withNewStatus().addNewCondition().withType("Approved").withStatus("True").withReason("Test").endCondition()
          .endStatus();
    }
    return b.build();
  }

  private static X509Certificate issued(CertificateSigningRequest csr) throws Exception {
    byte[] pem = Base64.getDecoder().decode(csr.getStatus().getCertificate());
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(pem));
  }

  private CertificateSigningRequest get(String name) {
    return caches.indexer(CertificateSigningRequest.class).getByKey(name);
  }

  @Test
  void signsApprovedRequestsWithTheRequestedDurationAndUsages() throws Exception {
    ClusterSigner ca = ca();
    CsrSigningController c = new CsrSigningController(ctx, ca, Duration.ofDays(365), Clock.fixed(NOW,
        ZoneOffset.UTC));
    caches.put(csr("alice", SignerPolicies.KUBE_APISERVER_CLIENT, "CN=alice,O=devs",
        List.of("digital signature", "client auth"), 3600, true));
    c.processNextItem();
    assertEquals(List.of("update-status CertificateSigningRequest alice"), writer.actions());
    X509Certificate cert = issued(get("alice"));
    cert.verify(ca.ca().getPublicKey());
    assertEquals("O=devs,CN=alice", cert.getSubjectX500Principal().getName(), "the request's subject");
    assertEquals(NOW.minus(Duration.ofMinutes(5)), cert.getNotBefore().toInstant());
    assertEquals(NOW.plusSeconds(3600), cert.getNotAfter().toInstant());
    assertEquals(List.of("1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage(), "client auth");
    assertTrue(cert.getKeyUsage()[0], "digital signature");

    c.processNextItem(); // its own update: already issued, nothing more
    assertEquals(1, writer.actions().size());
  }

  @Test
  void durationIsClampedBetweenTenMinutesAndTheSigningDuration() throws Exception {
    CsrSigningController c = new CsrSigningController(ctx, ca(), Duration.ofDays(365), Clock.systemUTC());
    assertEquals(Duration.ofDays(365), c.duration(csr("a", "x", "CN=a", List.of(), null, true)));
    assertEquals(Duration.ofMinutes(10), c.duration(csr("a", "x", "CN=a", List.of(), 60, true)));
    assertEquals(Duration.ofDays(365), c.duration(csr("a", "x", "CN=a", List.of(), Integer.MAX_VALUE, true)));
  }

  @Test
  void refusesWhatTheSignerDoesNotAllowAndIgnoresTheRest() throws Exception {
    CsrSigningController c = new CsrSigningController(ctx, ca(), Duration.ofDays(365), Clock.fixed(NOW,
        ZoneOffset.UTC));
    caches.put(csr("not-a-node", SignerPolicies.KUBELET_CLIENT, "CN=system:node:n1,O=devs",
        List.of("digital signature", "client auth"), null, true));
    caches.put(csr("legacy", "kubernetes.io/legacy-unknown", "CN=x", List.of("client auth"), null, true));
    caches.put(csr("pending", SignerPolicies.KUBE_APISERVER_CLIENT, "CN=x", List.of("client auth"), null, false));
    caches.put(csr("serving-without-names", SignerPolicies.KUBELET_SERVING, "CN=system:node:n1,O=system:nodes",
        List.of("digital signature", "server auth"), null, true));
    for (int i = 0; i < 4; i++) {
      c.processNextItem();
    }
    var failed = get("not-a-node").getStatus().getConditions().get(1);
    assertEquals("Failed", failed.getType());
    assertEquals("SignerValidationFailure", failed.getReason());
    assertEquals("subject organization is not system:nodes", failed.getMessage());
    assertNull(get("not-a-node").getStatus().getCertificate());
    assertEquals("DNS or IP subjectAltName is required",
        get("serving-without-names").getStatus().getConditions().get(1).getMessage());
    assertNull(get("legacy").getStatus().getCertificate(), "legacy-unknown is never signed");
    assertNull(get("pending").getStatus(), "not approved: untouched");
    assertEquals(2, writer.actions().size());
  }
}

package io.quarkube.controllers.certificates;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.quarkube.client.controller.Controller;
import io.quarkube.controllers.support.ApiErrors;
import io.quarkube.controllers.support.ControllerContext;
import io.quarkube.controllers.support.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Upstream's csrsigning controller: signs approved, not yet issued, not failed requests for
 * {@code kube-apiserver-client}, {@code kube-apiserver-client-kubelet} and {@code kubelet-serving} with the cluster
 * CA and writes {@code status.certificate} through the status subresource. A request its signer's policy refuses
 * gets a Failed condition instead ({@code kubernetes.io/legacy-unknown} and other signers are left alone).
 */
public final class CsrSigningController extends Controller<String> {
  public static final String NAME = "csrsigning";
  /** Upstream's --cluster-signing-duration default, also the longest any request gets. */
  static final Duration MAX_DURATION = Duration.ofDays(365);
  static final Duration MIN_DURATION = Duration.ofMinutes(10);

  private final Indexer<CertificateSigningRequest> csrs;
  private final ObjectWriter writer;
  private final ClusterSigner signer;
  private final Duration maxDuration;
  private final Clock clock;

  CsrSigningController(ControllerContext ctx, ClusterSigner signer, Duration maxDuration, Clock clock) {
    super(NAME);
    this.csrs = ctx.informers().indexer(CertificateSigningRequest.class);
    this.writer = ctx.writer();
    this.signer = signer;
    this.maxDuration = maxDuration;
    this.clock = clock;
    ctx.informers().addEventHandler(CertificateSigningRequest.class,
        enqueueing((CertificateSigningRequest c) -> c.getMetadata().getName()));
    waitForSync(ctx.informers(), CertificateSigningRequest.class);
  }

  /**
   * The controller with the CA of {@code quarkube.controllers.cluster-signing-cert-file} and {@code -key-file}
   * (upstream's flags; the launcher passes the cluster CA) and {@code cluster-signing-duration}.
   */
  public static CsrSigningController create(ControllerContext ctx) {
    Config config = ConfigProvider.getConfig();
    Optional<String> cert = config.getOptionalValue("quarkube.controllers.cluster-signing-cert-file", String.class);
    Optional<String> key = config.getOptionalValue("quarkube.controllers.cluster-signing-key-file", String.class);
    if (cert.isEmpty() || key.isEmpty()) {
      throw new IllegalStateException("no quarkube.controllers.cluster-signing-cert-file/-key-file: not signing");
    }
    Duration max = config.getOptionalValue("quarkube.controllers.cluster-signing-duration", Duration.class)
        .orElse(MAX_DURATION);
    try {
      return new CsrSigningController(ctx, ClusterSigner.load(Path.of(cert.get()), Path.of(key.get())), max,
          Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void reconcile(String name) {
    CertificateSigningRequest csr = csrs.getByKey(name);
    if (csr == null || !Csrs.has(csr, "Approved") || Csrs.has(csr, "Denied") || Csrs.has(csr, "Failed")
        || Csrs.issued(csr) || !SignerPolicies.SIGNED_HERE.contains(Csrs.signer(csr))) {
      return;
    }
    CertificateRequest request;
    try {
      request = CertificateRequest.parse(csr.getSpec().getRequest());
    } catch (IllegalArgumentException e) {
      fail(csr, "unable to parse csr \"" + name + "\": " + e.getMessage());
      return;
    }
    Optional<String> violation = SignerPolicies.violation(Csrs.signer(csr), request, Csrs.usages(csr));
    if (violation.isPresent()) {
      fail(csr, violation.get());
      return;
    }
    String pem = signer.sign(request, Csrs.usages(csr), duration(csr), clock.instant());
    write(new CertificateSigningRequestBuilder(csr).editOrNewStatus()
        .withCertificate(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8))).endStatus()
        .build());
  }

  /** {@code spec.expirationSeconds}, at least 10 minutes, at most the signing duration. */
  Duration duration(CertificateSigningRequest csr) {
    Integer seconds = csr.getSpec().getExpirationSeconds();
    if (seconds == null) {
      return maxDuration;
    }
    Duration wanted = Duration.ofSeconds(seconds);
    if (wanted.compareTo(MIN_DURATION) < 0) {
      return MIN_DURATION;
    }
    return wanted.compareTo(maxDuration) > 0 ? maxDuration : wanted;
  }

  private void fail(CertificateSigningRequest csr, String message) {
    String now = Instant.now(clock).toString();
    write(new CertificateSigningRequestBuilder(csr).editOrNewStatus().addToConditions(
        new CertificateSigningRequestConditionBuilder().withType("Failed").withStatus("True")
            .withReason("SignerValidationFailure").withMessage(message).withLastUpdateTime(now)
            .withLastTransitionTime(now).build()).endStatus().build());
  }

  private void write(CertificateSigningRequest csr) {
    try {
      writer.updateStatus(csr);
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e; // a conflict: the queue retries with the newer object from the cache
      }
    }
  }
}

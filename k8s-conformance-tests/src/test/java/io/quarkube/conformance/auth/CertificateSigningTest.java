package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.apimachinery.Api;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSR signer and approver of the controller manager end to end: a request made with openssl and approved with
 * {@code kubectl certificate approve} gets a certificate from the cluster CA that then authenticates its subject;
 * a kubelet-style request made with a bootstrap token is approved and signed without anyone's help.
 */
class CertificateSigningTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final String id = UUID.randomUUID().toString().substring(0, 6);

  @TempDir
  Path dir;

  private String openSslRequest(String subject) {
    io.quarkube.conformance.Cluster.run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", subject);
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("client.csr")));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String csr(String name, String request, String signer, String usages) {
    return """
        {"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"%s"},
         "spec":{"request":"%s","signerName":"%s","usages":%s,"expirationSeconds":3600}}"""
        .formatted(name, request, signer, usages);
  }

  private String awaitCertificate(String name) {
    String[] cert = {""};
    Await.until(Duration.ofSeconds(60), "the certificate of " + name, () -> {
      cert[0] = kubectl.run("get", "csr", name, "-o", "jsonpath={.status.certificate}").out().trim();
      return !cert[0].isEmpty();
    });
    return new String(Base64.getDecoder().decode(cert[0]), StandardCharsets.UTF_8);
  }

  @Test
  void anApprovedRequestGetsACertificateThatAuthenticatesItsSubject() throws Exception {
    String name = "e2e-client-" + id;
    String user = "e2e-csr-user-" + id;
    kubectl.runWithInput(csr(name, openSslRequest("/CN=" + user + "/O=e2e-csr-group"),
        "kubernetes.io/kube-apiserver-client", "[\"client auth\"]"), "create", "-f", "-").ok();
    try {
      assertEquals("", kubectl.run("get", "csr", name, "-o", "jsonpath={.status.certificate}").ok().out().trim(),
          "nothing is signed before approval");
      kubectl.run("certificate", "approve", name).ok();
      String pem = awaitCertificate(name);
      Files.writeString(dir.resolve("client.crt"), pem);
      Files.write(dir.resolve("ca.crt"), Identities.caPem());
      assertTrue(io.quarkube.conformance.Cluster.run(dir, "openssl", "verify", "-CAfile", "ca.crt", "client.crt").contains("OK"));

      Path kubeconfig = Identities.kubeconfigWithUser(dir, "csr-user", "client-certificate: "
          + dir.resolve("client.crt") + "\nclient-key: " + dir.resolve("client.key") + "\n");
      String who = Identities.kubectlWith(kubeconfig, "auth", "whoami", "-o",
          "jsonpath={.status.userInfo.username} {.status.userInfo.groups}").ok().out();
      assertTrue(who.startsWith(user + " "), who);
      assertTrue(who.contains("e2e-csr-group"), who);
    } finally {
      kubectl.run("delete", "csr", name, "--ignore-not-found");
    }
  }

  @Test
  void aBootstrapTokensKubeletClientRequestIsApprovedAndSigned() throws Exception {
    String tokenId = id.replaceAll("[^a-z0-9]", "a");
    String secret = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String name = "e2e-node-csr-" + id;
    kubectl.runWithInput("""
        {"apiVersion":"v1","kind":"Secret","type":"bootstrap.kubernetes.io/token",
         "metadata":{"name":"bootstrap-token-%s","namespace":"kube-system"},
         "stringData":{"token-id":"%s","token-secret":"%s","usage-bootstrap-authentication":"true",
                       "usage-bootstrap-signing":"true"}}""".formatted(tokenId, tokenId, secret),
        "create", "-f", "-").ok();
    try {
      Path kubeconfig = Identities.kubeconfigWithUser(dir, "bootstrap", "token: " + tokenId + "." + secret + "\n");
      Kubectl.Result created = Kubectl.stock().runWithInput(csr(name,
          openSslRequest("/CN=system:node:e2e-node-" + id + "/O=system:nodes"),
          "kubernetes.io/kube-apiserver-client-kubelet", "[\"digital signature\",\"client auth\"]"),
          "--kubeconfig", kubeconfig.toString(), "create", "-f", "-").ok();
      assertTrue(created.out().contains(name), created.out());
      assertEquals("system:bootstrap:" + tokenId, kubectl.run("get", "csr", name, "-o",
          "jsonpath={.spec.username}").ok().out().trim());
      String pem = awaitCertificate(name);
      assertEquals("AutoApproved", kubectl.run("get", "csr", name, "-o",
          "jsonpath={.status.conditions[?(@.type==\"Approved\")].reason}").ok().out().trim());
      Files.writeString(dir.resolve("node.crt"), pem);
      String text = io.quarkube.conformance.Cluster.run(dir, "openssl", "x509", "-in", "node.crt", "-noout", "-subject");
      assertTrue(text.contains("system:node:e2e-node-" + id), text);
    } finally {
      kubectl.run("delete", "csr", name, "--ignore-not-found");
      kubectl.run("delete", "secret", "bootstrap-token-" + tokenId, "-n", "kube-system", "--ignore-not-found");
    }
  }

  /**
   * Upstream's "CSR API operations": discovery, create (three), get, list and watch by field selector, patch,
   * update, the approval and status subresources (get, patch, update), delete and deletecollection.
   */
  @Conformance("auth.csr-api")
  @Test
  void csrApiOperations() throws Exception {
    var csrs = Cluster.client().certificates().v1().certificateSigningRequests();
    String signer = "example.com/e2e-" + id;
    String request = openSslRequest("/CN=e2e.example.com");
    io.quarkube.conformance.Cluster.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "self.key", "-out", "self.crt", "-days", "1", "-subj", "/CN=e2e.example.com");
    String certificate = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("self.crt")));

    Api.assertDiscovered("certificates.k8s.io", "v1", "certificatesigningrequests",
        "certificatesigningrequests/approval", "certificatesigningrequests/status");

    CertificateSigningRequest template = new CertificateSigningRequestBuilder().withNewMetadata()
        .withGenerateName("e2e-example-csr-").endMetadata().withNewSpec().withRequest(request).withSignerName(signer)
        .withExpirationSeconds(3600).withUsages("digital signature", "key encipherment", "server auth").endSpec()
        .build();
    try {
      csrs.resource(template).create();
      csrs.resource(template).create();
      CertificateSigningRequest created = csrs.resource(template).create();
      String name = created.getMetadata().getName();
      CertificateSigningRequest got = csrs.withName(name).get();
      assertEquals(created.getMetadata().getUid(), got.getMetadata().getUid());
      assertEquals(3600, got.getSpec().getExpirationSeconds());
      var list = csrs.withField("spec.signerName", signer).list();
      assertEquals(3, list.getItems().size());

      BlockingQueue<CertificateSigningRequest> events = new LinkedBlockingQueue<>();
      Watch watch = csrs.withField("metadata.name", name).watch(new ListOptionsBuilder()
          .withResourceVersion(list.getMetadata().getResourceVersion()).build(),
          new Watcher<CertificateSigningRequest>() {
            @Override
            public void eventReceived(Action action, CertificateSigningRequest csr) {
              if (action != Action.MODIFIED) { // upstream expects only MODIFIED events on this watch
                csr.getMetadata().setAnnotations(java.util.Map.of("unexpected-event", action.name()));
              }
              events.add(csr);
            }

            @Override
            public void onClose(WatcherException cause) {}
          });
      try {
        CertificateSigningRequest patched = csrs.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"patched\":\"true\"}}}");
        assertEquals("true", patched.getMetadata().getAnnotations().get("patched"));
        patched.getMetadata().getAnnotations().put("updated", "true");
        CertificateSigningRequest updated = csrs.resource(patched).update();
        assertEquals("true", updated.getMetadata().getAnnotations().get("updated"));
        CertificateSigningRequest seen;
        do {
          seen = events.poll(60, TimeUnit.SECONDS);
          assertNotNull(seen, "a MODIFIED event with the patched annotation");
          assertEquals(null, seen.getMetadata().getAnnotations() == null ? null
              : seen.getMetadata().getAnnotations().get("unexpected-event"));
        } while (seen.getMetadata().getAnnotations() == null
            || !"true".equals(seen.getMetadata().getAnnotations().get("patched")));
      } finally {
        watch.close();
      }

      String path = "/apis/certificates.k8s.io/v1/certificatesigningrequests/" + name;
      JsonNode approval = Api.get(path + "/approval", "application/json").json();
      assertEquals("CertificateSigningRequest", approval.path("kind").asText());
      assertEquals("certificates.k8s.io/v1", approval.path("apiVersion").asText());
      assertEquals(created.getMetadata().getUid(), approval.path("metadata").path("uid").asText());
      CertificateSigningRequest patchedApproval = csrs.withName(name).subresource("approval").patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"patchedapproval\":\"true\"}},"
              + "\"status\":{\"conditions\":[{\"type\":\"ApprovalPatch\",\"status\":\"True\",\"reason\":\"e2e\"}]}}");
      assertEquals(1, patchedApproval.getStatus().getConditions().size());
      assertEquals("ApprovalPatch", patchedApproval.getStatus().getConditions().get(0).getType());
      assertEquals("true", patchedApproval.getMetadata().getAnnotations().get("patchedapproval"));
      patchedApproval.getStatus().getConditions().add(new CertificateSigningRequestConditionBuilder()
          .withType("Approved").withStatus("True").withReason("E2E").withMessage("Set from an e2e test").build());
      CertificateSigningRequest updatedApproval = csrs.resource(patchedApproval).subresource("approval").update();
      assertEquals(2, updatedApproval.getStatus().getConditions().size());
      assertEquals("Approved", updatedApproval.getStatus().getConditions().get(1).getType());

      JsonNode status = Api.get(path + "/status", "application/json").json();
      assertEquals("CertificateSigningRequest", status.path("kind").asText());
      assertEquals("certificates.k8s.io/v1", status.path("apiVersion").asText());
      assertEquals(created.getMetadata().getUid(), status.path("metadata").path("uid").asText());
      CertificateSigningRequest patchedStatus = csrs.withName(name).subresource("status").patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"patchedstatus\":\"true\"}},"
              + "\"status\":{\"certificate\":\"" + certificate + "\"}}");
      assertEquals(certificate, patchedStatus.getStatus().getCertificate());
      assertEquals("true", patchedStatus.getMetadata().getAnnotations().get("patchedstatus"));
      patchedStatus.getStatus().getConditions().add(new CertificateSigningRequestConditionBuilder()
          .withType("StatusUpdate").withStatus("True").withReason("E2E").withMessage("Set from an e2e test").build());
      int conditions = patchedStatus.getStatus().getConditions().size();
      CertificateSigningRequest updatedStatus = csrs.resource(patchedStatus).subresource("status").update();
      assertEquals(conditions, updatedStatus.getStatus().getConditions().size());
      assertEquals("StatusUpdate", updatedStatus.getStatus().getConditions().get(conditions - 1).getType());

      csrs.withName(name).delete();
      Await.until(Duration.ofSeconds(30), "the CSR deleted", () -> csrs.withName(name).get() == null);
      assertEquals(2, csrs.withField("spec.signerName", signer).list().getItems().size());
      csrs.withField("spec.signerName", signer).delete();
      Await.until(Duration.ofSeconds(30), "the CSRs deleted by collection",
          () -> csrs.withField("spec.signerName", signer).list().getItems().isEmpty());
    } finally {
      csrs.withField("spec.signerName", signer).delete();
    }
  }
}

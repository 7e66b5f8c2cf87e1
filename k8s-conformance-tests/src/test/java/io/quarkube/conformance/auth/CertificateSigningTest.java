package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.conformance.Await;
import io.quarkube.conformance.Kubectl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
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
    Identities.run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
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
      assertTrue(Identities.run(dir, "openssl", "verify", "-CAfile", "ca.crt", "client.crt").contains("OK"));

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
      String text = Identities.run(dir, "openssl", "x509", "-in", "node.crt", "-noout", "-subject");
      assertTrue(text.contains("system:node:e2e-node-" + id), text);
    } finally {
      kubectl.run("delete", "csr", name, "--ignore-not-found");
      kubectl.run("delete", "secret", "bootstrap-token-" + tokenId, "-n", "kube-system", "--ignore-not-found");
    }
  }
}

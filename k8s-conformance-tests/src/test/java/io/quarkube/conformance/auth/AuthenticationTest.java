package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication against the running cluster with stock kubectl: anonymous callers, certificates of another CA,
 * expired and orphaned service-account tokens all get 401; health and version stay open; tokens from
 * {@code kubectl create token} work while their account lives.
 */
@ExtendWith(TestNamespace.class)
class AuthenticationTest {
  private static final String UNAUTHORIZED = "error: You must be logged in to the server (Unauthorized)";

  @Conformance("auth.authentication")
  @Test
  void anonymousIsRefusedButHealthAndVersionStayOpen(@TempDir Path dir) throws Exception {
    var http = Identities.anonymousHttp();
    for (String open : List.of("/livez", "/readyz", "/version", "/healthz")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(Identities.server() + open)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), open);
    }
    for (String closed : List.of("/api/v1/namespaces", "/apis", "/api", "/openapi/v3", "/openid/v1/jwks")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(Identities.server() + closed)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, r.statusCode(), closed + ": " + r.body());
      assertTrue(r.body().contains("\"reason\":\"Unauthorized\""), r.body());
    }
    // Basic credentials are no credentials to a Kubernetes API server (and keep kubectl from prompting for them).
    Path anonymous = Identities.kubeconfigWithUser(dir, "anonymous", "username: nobody\npassword: nothing");
    Kubectl.Result r = Identities.kubectlWith(anonymous, "get", "pods").fails();
    assertTrue(r.err().contains(UNAUTHORIZED), r.err());
  }

  @Test
  void aCertificateFromAnotherCaGets401(@TempDir Path dir) throws Exception {
    io.quarkube.conformance.Cluster.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "evil-ca.key",
        "-out", "evil-ca.crt", "-subj", "/CN=evil-ca", "-days", "2");
    io.quarkube.conformance.Cluster.run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "mallory.key", "-out",
        "mallory.csr", "-subj", "/O=system:masters/CN=mallory");
    Files.writeString(dir.resolve("ext.cnf"), "extendedKeyUsage = clientAuth\n");
    io.quarkube.conformance.Cluster.run(dir, "openssl", "x509", "-req", "-in", "mallory.csr", "-CA", "evil-ca.crt", "-CAkey",
        "evil-ca.key", "-CAcreateserial", "-out", "mallory.crt", "-days", "1", "-extfile", "ext.cnf");
    Path config = Identities.kubeconfigWithUser(dir, "mallory", "client-certificate: " + dir.resolve("mallory.crt")
        + "\nclient-key: " + dir.resolve("mallory.key"));
    Kubectl.Result r = Identities.kubectlWith(config, "get", "namespaces").fails();
    assertTrue(r.err().contains(UNAUTHORIZED), r.err());
  }

  @Conformance("auth.token-request")
  @Test
  void createdTokensWorkUntilTheAccountIsDeleted(String ns, @TempDir Path dir) throws Exception {
    Kubectl k = Kubectl.stock();
    k.run("create", "serviceaccount", "robot", "-n", ns).ok();
    String token = k.run("create", "token", "robot", "-n", ns, "--duration=15m").ok().out().strip();
    assertEquals(3, token.split("\\.").length, "a JWT");
    Path config = Identities.kubeconfigWithUser(dir, "robot", "token: " + token);
    String who = Identities.kubectlWith(config, "auth", "whoami").ok().out();
    assertTrue(who.contains("system:serviceaccount:" + ns + ":robot"), who);
    assertTrue(who.contains("system:serviceaccounts:" + ns), who);
    Kubectl.Result forbidden = Identities.kubectlWith(config, "get", "pods", "-n", ns).fails();
    assertTrue(forbidden.err().contains("Error from server (Forbidden): pods is forbidden: User \"system:"
        + "serviceaccount:" + ns + ":robot\" cannot list resource \"pods\" in API group \"\" in the namespace \""
        + ns + "\""), forbidden.err());
    k.run("delete", "serviceaccount", "robot", "-n", ns).ok();
    assertTrue(Identities.kubectlWith(config, "auth", "whoami").fails().err().contains(UNAUTHORIZED));
  }

  @Test
  void anExpiredTokenGets401(String ns, @TempDir Path dir) throws Exception {
    Kubectl.stock().run("create", "serviceaccount", "late", "-n", ns).ok();
    String uid = Cluster.client().serviceAccounts().inNamespace(ns).withName("late").get().getMetadata().getUid();
    long now = Instant.now().getEpochSecond();
    Path fresh = Identities.kubeconfigWithUser(dir, "fresh", "token: " + signed(ns, uid, now - 60, now + 600));
    assertTrue(Identities.kubectlWith(fresh, "auth", "whoami").ok().out().contains(":late"),
        "a token signed like the server's own is accepted");
    Path expired = Identities.kubeconfigWithUser(dir, "expired", "token: " + signed(ns, uid, now - 7200, now - 3600));
    assertTrue(Identities.kubectlWith(expired, "auth", "whoami").fails().err().contains(UNAUTHORIZED));
  }

  /** A bound token as the API server issues it, signed with the cluster's service-account key. */
  private static String signed(String ns, String uid, long iat, long exp) throws Exception {
    String pem = Files.readString(Identities.stateDir().resolve("pki/sa.key"));
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"aud\":[\"https://kubernetes.default.svc.cluster.local\"],\"exp\":" + exp
        + ",\"iat\":" + iat + ",\"iss\":\"https://kubernetes.default.svc.cluster.local\",\"kubernetes.io\":"
        + "{\"namespace\":\"" + ns + "\",\"serviceaccount\":{\"name\":\"late\",\"uid\":\"" + uid + "\"}},\"nbf\":"
        + iat + ",\"sub\":\"system:serviceaccount:" + ns + ":late\"}").getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(key);
    s.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    return header + "." + claims + "." + b64.encodeToString(s.sign());
  }

  @Conformance("auth.authentication")
  @Test
  void whoamiTellsTheAdminWhoTheyAre() {
    String out = Kubectl.stock().run("auth", "whoami").ok().out();
    assertTrue(out.contains("admin") && out.contains("system:masters"), out);
  }
}

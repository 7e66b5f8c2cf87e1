package io.quarkube.conformance.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kubelet's HTTPS API authenticates bearer tokens through the API server (TokenReview), authorizes each request
 * with a SubjectAccessReview on the node's subresource (stats, proxy, ...) and refuses anonymous callers.
 */
@ExtendWith(TestNamespace.class)
class KubeletAuthTest {

  /** The kubelet's base URL from the Node object (InternalIP and the kubelet endpoint port). */
  private static String kubeletUrl() {
    Node node = RealNode.node();
    String ip = node.getStatus().getAddresses().stream().filter(a -> a.getType().equals("InternalIP"))
        .findFirst().orElseThrow().getAddress();
    return "https://" + ip + ":" + node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
  }

  /** An HTTPS client trusting the cluster CA (which signs the kubelet's serving certificate), without a client cert. */
  private static HttpClient http() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(RealNode.stateDir().resolve("pki/ca.crt"))) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> get(HttpClient http, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(kubeletUrl() + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bearerTokensAreReviewedAndAuthorizedPerSubresource(String ns) throws Exception {
    HttpClient http = http();
    assertEquals(401, get(http, "/stats/summary", null).statusCode(), "anonymous is refused");
    assertEquals(401, get(http, "/pods", "not-a-token").statusCode(), "a token the API server rejects");

    RealNode.client().resource(new ServiceAccountBuilder().withNewMetadata().withName("monitor").withNamespace(ns)
        .endMetadata().build()).create();
    String token = Kubectl.stock().run("create", "token", "monitor", "-n", ns).ok().out().trim();
    HttpResponse<String> denied = get(http, "/stats/summary", token);
    assertEquals(403, denied.statusCode(), denied.body());
    assertTrue(denied.body().contains("subresource=stats"), denied.body());

    String role = "e2e-node-stats-" + ns;
    RealNode.client().resource(new ClusterRoleBuilder().withNewMetadata().withName(role).endMetadata()
        .addNewRule().withApiGroups("").withResources("nodes/stats").withVerbs("get").endRule().build()).create();
    RealNode.client().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(role).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(role)
        .endRoleRef().addNewSubject().withKind("ServiceAccount").withName("monitor").withNamespace(ns).endSubject()
        .build()).create();
    try {
      // The kubelet caches a refusal for 30 s, as upstream's webhook authorizer.
      Await.until(Duration.ofSeconds(60), "the summary with nodes/stats", () -> {
        try {
          HttpResponse<String> r = get(http, "/stats/summary", token);
          return r.statusCode() == 200 && r.body().contains("\"nodeName\"");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      HttpResponse<String> pods = get(http, "/pods", token);
      assertEquals(403, pods.statusCode(), "nodes/proxy is another permission: " + pods.body());
      assertTrue(pods.body().contains("subresource=proxy"), pods.body());
    } finally {
      RealNode.client().rbac().clusterRoleBindings().withName(role).delete();
      RealNode.client().rbac().clusterRoles().withName(role).delete();
    }
  }
}

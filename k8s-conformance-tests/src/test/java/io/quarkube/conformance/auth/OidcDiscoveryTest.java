package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Cluster;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.TestNamespace;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Service-account issuer discovery as upstream's agnhost test-service-account-issuer-discovery checks it: the
 * discovery document and the key set, fetched with a ServiceAccount's own token, verify that account's token for
 * another audience (signature with the JWK's modulus and exponent, issuer, audience, subject, expiry). Done from the
 * test JVM rather than a pod: busybox's wget cannot complete a TLS handshake with the API server's ECDSA serving
 * certificate (it offers no ECDSA signature algorithm), and agnhost is not in the local registry.
 */
@ExtendWith(TestNamespace.class)
class OidcDiscoveryTest {
  private static final String ROLE = "system:service-account-issuer-discovery";
  private static final String AUDIENCE = "oidc-discovery-test";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClient client = Cluster.client();

  @Conformance("auth.oidc-discovery")
  @Test
  void discoveryDocumentsVerifyTheAccountsOwnToken(String ns) throws Exception {
    // As upstream: grant the role to the namespace's default account (the bootstrap binding covers it as well).
    String binding = ns + "-" + ROLE;
    client.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(binding).endMetadata()
        .addNewSubject().withKind("ServiceAccount").withName("default").withNamespace(ns).endSubject()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(ROLE)
        .endRoleRef().build()).create();
    try {
      Await.until(Duration.ofSeconds(60), "the default ServiceAccount",
          () -> client.serviceAccounts().inNamespace(ns).withName("default").get() != null);
      String apiToken = token(ns, List.of());
      String audienceToken = token(ns, List.of(AUDIENCE));

      HttpResponse<String> config = get("/.well-known/openid-configuration", apiToken);
      assertEquals(200, config.statusCode(), config.body());
      assertTrue(config.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
          config.headers().toString());
      assertEquals("public, max-age=3600", config.headers().firstValue("Cache-Control").orElse(""));
      JsonNode doc = JSON.readTree(config.body());
      String issuer = doc.path("issuer").asText();
      assertTrue(issuer.startsWith("https://"), doc.toString());
      assertTrue(doc.path("jwks_uri").asText().startsWith("https://"), doc.toString());
      assertTrue(doc.path("jwks_uri").asText().endsWith("/openid/v1/jwks"), doc.toString());
      assertEquals("[\"id_token\"]", doc.path("response_types_supported").toString());
      assertEquals("[\"public\"]", doc.path("subject_types_supported").toString());
      assertEquals("[\"RS256\"]", doc.path("id_token_signing_alg_values_supported").toString());

      // The key set lives at the document's jwks_uri path on this server (its host is the in-cluster name).
      HttpResponse<String> jwks = get(URI.create(doc.path("jwks_uri").asText()).getPath(), apiToken);
      assertEquals(200, jwks.statusCode(), jwks.body());
      assertTrue(jwks.headers().firstValue("Content-Type").orElse("").startsWith("application/jwk-set+json"),
          jwks.headers().toString());
      assertEquals("public, max-age=3600", jwks.headers().firstValue("Cache-Control").orElse(""));

      String[] parts = audienceToken.split("\\.");
      assertEquals(3, parts.length, "a JWT");
      Base64.Decoder b64 = Base64.getUrlDecoder();
      JsonNode header = JSON.readTree(b64.decode(parts[0]));
      assertEquals("RS256", header.path("alg").asText(), header.toString());
      JsonNode jwk = null;
      for (JsonNode k : JSON.readTree(jwks.body()).path("keys")) {
        if (k.path("kid").asText().equals(header.path("kid").asText())) {
          jwk = k;
        }
      }
      assertTrue(jwk != null, "a JWK with the token's kid " + header + " in " + jwks.body());
      assertEquals("RSA", jwk.path("kty").asText(), jwk.toString());
      assertEquals("sig", jwk.path("use").asText(), jwk.toString());
      PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
          new BigInteger(1, b64.decode(jwk.path("n").asText())), new BigInteger(1, b64.decode(jwk.path("e").asText()))));
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initVerify(key);
      rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      assertTrue(rs256.verify(b64.decode(parts[2])), "the JWKS key verifies the token's signature");

      JsonNode claims = JSON.readTree(b64.decode(parts[1]));
      assertEquals(issuer, claims.path("iss").asText(), claims.toString());
      assertTrue(claims.path("aud").toString().contains("\"" + AUDIENCE + "\""), claims.toString());
      assertEquals("system:serviceaccount:" + ns + ":default", claims.path("sub").asText(), claims.toString());
      long now = Instant.now().getEpochSecond();
      assertTrue(claims.path("exp").asLong() > now && claims.path("iat").asLong() <= now + 60, claims.toString());
    } finally {
      client.rbac().clusterRoleBindings().withName(binding).delete();
    }
  }

  private String token(String ns, List<String> audiences) {
    return client.serviceAccounts().inNamespace(ns).withName("default").tokenRequest(new TokenRequestBuilder()
        .withNewSpec().withAudiences(audiences).withExpirationSeconds(600L).endSpec().build()).getStatus().getToken();
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    return Identities.anonymousHttp().send(HttpRequest.newBuilder(URI.create(Identities.server() + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }
}

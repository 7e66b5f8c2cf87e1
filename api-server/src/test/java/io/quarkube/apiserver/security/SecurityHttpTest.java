package io.quarkube.apiserver.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkube.testing.EtcdTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Authentication and authorization over HTTP: impersonation, RBAC with upstream's 403 wording, the review
 * resources, service-account tokens (TokenRequest, bound to live objects), bootstrap tokens, issuer discovery and
 * escalation prevention. The in-process server treats credential-less requests as a cluster admin; other users
 * come in through impersonation headers or bearer tokens.
 */
@QuarkusTest
@QuarkusTestResource(EtcdTestResource.class)
class SecurityHttpTest {

  static String namespace() {
    String ns = "sec-" + UUID.randomUUID().toString().substring(0, 8);
    post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}").then().statusCode(201);
    post("/api/v1/namespaces/" + ns + "/serviceaccounts", "{\"metadata\":{\"name\":\"default\"}}").then()
        .statusCode(201);
    return ns;
  }

  static Response post(String path, String body) {
    return given().contentType("application/json").body(body).post(path);
  }

  static RequestSpecification as(String user, String... groups) {
    RequestSpecification s = given().contentType("application/json").header("Impersonate-User", user);
    for (String g : groups) {
      s = s.header("Impersonate-Group", g);
    }
    return s;
  }

  static RequestSpecification bearer(String token) {
    return given().contentType("application/json").header("Authorization", "Bearer " + token);
  }

  static void bind(String ns, String name, String role, String kind, String subject) {
    post("/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/rolebindings", """
        {"metadata":{"name":"%s"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"%s"},
         "subjects":[{"kind":"%s","name":"%s","apiGroup":"rbac.authorization.k8s.io"}]}"""
        .formatted(name, role, kind, subject)).then().statusCode(201);
  }

  static String token(String ns, String account, String extraSpec) {
    return post("/api/v1/namespaces/" + ns + "/serviceaccounts/" + account + "/token",
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{" + extraSpec + "}}")
        .then().statusCode(201).body("kind", equalTo("TokenRequest")).extract().path("status.token");
  }

  @Test
  void userWithoutRbacGets403WithUpstreamsMessageUntilBound() {
    String ns = namespace();
    as("bob").get("/api/v1/namespaces/" + ns + "/pods").then().statusCode(403)
        .body("reason", equalTo("Forbidden"))
        .body("message", equalTo("pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in "
            + "the namespace \"" + ns + "\""))
        .body("details.kind", equalTo("pods"));
    as("bob").get("/apis/apps/v1/namespaces/" + ns + "/deployments/d").then().statusCode(403)
        .body("message", startsWith("deployments.apps \"d\" is forbidden: User \"bob\" cannot get resource "
            + "\"deployments\" in API group \"apps\""));
    bind(ns, "bob-view", "view", "User", "bob");
    Await.until("bob may list pods", () -> as("bob").get("/api/v1/namespaces/" + ns + "/pods").statusCode() == 200);
    as("bob").delete("/api/v1/namespaces/" + ns + "/pods/x").then().statusCode(403);
    as("bob").get("/api/v1/namespaces/default/pods").then().statusCode(403);
    as("someone", "bob-team").get("/api/v1/namespaces/" + ns + "/pods").then().statusCode(403);
    bind(ns, "team-view", "view", "Group", "bob-team");
    Await.until("the group may list pods", () -> as("someone", "bob-team").get("/api/v1/namespaces/" + ns + "/pods")
        .statusCode() == 200);
  }

  @Test
  void accessReviewsAnswerLikeCanI() {
    String ns = namespace();
    bind(ns, "carol-edit", "edit", "User", "carol");
    Await.until("carol's binding is seen", () -> Boolean.TRUE.equals(as("carol").body("""
        {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
         "spec":{"resourceAttributes":{"namespace":"%s","verb":"create","resource":"deployments","group":"apps"}}}"""
        .formatted(ns)).post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").then().statusCode(201)
        .extract().path("status.allowed")));
    post("/apis/authorization.k8s.io/v1/subjectaccessreviews", """
        {"spec":{"user":"carol","resourceAttributes":{"namespace":"%s","verb":"create","resource":"roles",
         "group":"rbac.authorization.k8s.io"}}}""".formatted(ns)).then().statusCode(201)
        .body("status.allowed", equalTo(false));
    post("/apis/authorization.k8s.io/v1/subjectaccessreviews", """
        {"spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}""").then().statusCode(422);
    post("/apis/authorization.k8s.io/v1/namespaces/" + ns + "/localsubjectaccessreviews", """
        {"spec":{"user":"carol","resourceAttributes":{"namespace":"%s","verb":"get","resource":"secrets"}}}"""
        .formatted(ns)).then().statusCode(201).body("status.allowed", equalTo(true));
    post("/apis/authorization.k8s.io/v1/subjectaccessreviews", """
        {"spec":{"user":"carol","groups":["system:authenticated"],"nonResourceAttributes":{"verb":"get",
         "path":"/healthz"}}}""").then().statusCode(201).body("status.allowed", equalTo(true));
    as("carol").body("{\"spec\":{\"namespace\":\"" + ns + "\"}}")
        .post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").then().statusCode(201)
        .body("status.resourceRules.resources.flatten()", hasItem("deployments"))
        .body("status.nonResourceRules.nonResourceURLs.flatten()", hasItem("/healthz"))
        .body("status.incomplete", equalTo(false));
    as("carol", "devs").body("{}").post("/apis/authentication.k8s.io/v1/selfsubjectreviews").then().statusCode(201)
        .body("status.userInfo.username", equalTo("carol"))
        .body("status.userInfo.groups", equalTo(java.util.List.of("devs", "system:authenticated")));
  }

  @Test
  void serviceAccountTokensWorkUntilTheirAccountOrPodGoes() {
    String ns = namespace();
    post("/api/v1/namespaces/" + ns + "/serviceaccounts", "{\"metadata\":{\"name\":\"robot\"}}").then()
        .statusCode(201);
    String token = token(ns, "robot", "\"expirationSeconds\":3600");
    bearer(token).body("{}").post("/apis/authentication.k8s.io/v1/selfsubjectreviews").then().statusCode(201)
        .body("status.userInfo.username", equalTo("system:serviceaccount:" + ns + ":robot"))
        .body("status.userInfo.groups", hasItem("system:serviceaccounts:" + ns));
    bearer(token).get("/api/v1/namespaces/" + ns + "/pods").then().statusCode(403)
        .body("message", containsString("User \"system:serviceaccount:" + ns + ":robot\" cannot list"));
    post("/apis/authentication.k8s.io/v1/tokenreviews", "{\"spec\":{\"token\":\"" + token + "\"}}").then()
        .statusCode(201).body("status.authenticated", equalTo(true))
        .body("status.user.username", equalTo("system:serviceaccount:" + ns + ":robot"));
    post("/api/v1/namespaces/" + ns + "/serviceaccounts/robot/token", "{\"spec\":{\"expirationSeconds\":60}}")
        .then().statusCode(422).body("message", containsString("may not specify a duration less than 10 minutes"));

    // bound to a pod: works while the pod lives
    post("/api/v1/namespaces/" + ns + "/pods", """
        {"metadata":{"name":"p"},"spec":{"serviceAccountName":"robot",
         "containers":[{"name":"c","image":"busybox"}]}}""").then().statusCode(201);
    String podUid = given().get("/api/v1/namespaces/" + ns + "/pods/p").then().extract().path("metadata.uid");
    String bound = token(ns, "robot", "\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"p\","
        + "\"uid\":\"" + podUid + "\"}");
    bearer(bound).body("{}").post("/apis/authentication.k8s.io/v1/selfsubjectreviews").then().statusCode(201)
        .body("status.userInfo.extra.'authentication.kubernetes.io/pod-name'", equalTo(java.util.List.of("p")));
    post("/api/v1/namespaces/" + ns + "/serviceaccounts/default/token", "{\"spec\":{\"boundObjectRef\":"
        + "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p\"}}}").then().statusCode(400);
    given().queryParam("gracePeriodSeconds", 0).delete("/api/v1/namespaces/" + ns + "/pods/p").then()
        .statusCode(200);
    bearer(bound).get("/api/v1/namespaces").then().statusCode(401);

    given().delete("/api/v1/namespaces/" + ns + "/serviceaccounts/robot").then().statusCode(200);
    bearer(token).get("/api/v1/namespaces").then().statusCode(401).body("reason", equalTo("Unauthorized"));
    post("/apis/authentication.k8s.io/v1/tokenreviews", "{\"spec\":{\"token\":\"" + token + "\"}}").then()
        .statusCode(201).body("status.authenticated", equalTo(false));
    bearer("not.a.token").get("/api/v1/namespaces").then().statusCode(401);
  }

  @Test
  void bootstrapTokensAuthenticateUntilTheyExpire() {
    String id = UUID.randomUUID().toString().substring(0, 6);
    String expiredId = UUID.randomUUID().toString().substring(0, 6);
    String secret = "0123456789abcdef";
    post("/api/v1/namespaces/kube-system/secrets", """
        {"metadata":{"name":"bootstrap-token-%s"},"type":"bootstrap.kubernetes.io/token",
         "stringData":{"token-id":"%s","token-secret":"%s","usage-bootstrap-authentication":"true",
         "auth-extra-groups":"system:bootstrappers:worker"}}""".formatted(id, id, secret)).then().statusCode(201);
    bearer(id + "." + secret).body("{}").post("/apis/authentication.k8s.io/v1/selfsubjectreviews").then()
        .statusCode(201).body("status.userInfo.username", equalTo("system:bootstrap:" + id))
        .body("status.userInfo.groups", equalTo(java.util.List.of("system:bootstrappers",
            "system:bootstrappers:worker", "system:authenticated")));
    bearer(id + ".ffffffffffffffff").get("/api/v1/namespaces").then().statusCode(401);
    post("/api/v1/namespaces/kube-system/secrets", """
        {"metadata":{"name":"bootstrap-token-%s"},"type":"bootstrap.kubernetes.io/token",
         "stringData":{"token-id":"%s","token-secret":"%s","usage-bootstrap-authentication":"true",
         "expiration":"2020-01-01T00:00:00Z"}}""".formatted(expiredId, expiredId, secret))
        .then().statusCode(201);
    bearer(expiredId + "." + secret).get("/api/v1/namespaces").then().statusCode(401);
  }

  @Test
  void issuerDiscoveryServesKeysThatVerifyTokens() throws Exception {
    given().get("/.well-known/openid-configuration").then().statusCode(200)
        .body("issuer", equalTo("https://kubernetes.default.svc.cluster.local"))
        .body("jwks_uri", equalTo("https://kubernetes.default.svc.cluster.local/openid/v1/jwks"))
        .body("id_token_signing_alg_values_supported", hasItem("RS256"))
        .body("response_types_supported", equalTo(java.util.List.of("id_token")))
        .body("subject_types_supported", equalTo(java.util.List.of("public")))
        .contentType(containsString("application/json")).header("Cache-Control", "public, max-age=3600");
    Map<String, String> jwk = given().get("/openid/v1/jwks").then().statusCode(200)
        .contentType(containsString("application/jwk-set+json")).header("Cache-Control", "public, max-age=3600")
        .body("keys[0].use", equalTo("sig")).body("keys[0].kty", equalTo("RSA")).extract().path("keys[0]");
    String ns = namespace();
    String token = token(ns, "default", "");
    String[] parts = token.split("\\.");
    Base64.Decoder d = Base64.getUrlDecoder();
    assertTrue(new String(d.decode(parts[0]), StandardCharsets.UTF_8).contains("\"kid\":\"" + jwk.get("kid") + "\""));
    var key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, d.decode(jwk.get(
        "n"))), new BigInteger(1, d.decode(jwk.get("e")))));
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initVerify(key);
    s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(s.verify(d.decode(parts[2])), "the JWKS key verifies the token");
    as("system:serviceaccount:" + ns + ":default").get("/openid/v1/jwks").then().statusCode(200);
    as("bob").get("/openid/v1/jwks").then().statusCode(403)
        .body("message", equalTo("forbidden: User \"bob\" cannot get path \"/openid/v1/jwks\""));
  }

  @Test
  void nobodyGrantsWhatTheyDoNotHold() {
    String ns = namespace();
    post("/api/v1/namespaces/" + ns + "/serviceaccounts", "{\"metadata\":{\"name\":\"lead\"}}").then()
        .statusCode(201);
    bind(ns, "lead-admin", "admin", "User", "system:serviceaccount:" + ns + ":lead");
    String token = token(ns, "lead", "");
    String roles = "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/roles";
    Await.until("lead is admin", () -> bearer(token).get(roles).statusCode() == 200);
    bearer(token).body("""
        {"metadata":{"name":"pod-reader"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""")
        .post(roles).then().statusCode(201);
    bearer(token).body("""
        {"metadata":{"name":"node-admin"},"rules":[{"apiGroups":[""],"resources":["nodes"],"verbs":["*"]}]}""")
        .post(roles).then().statusCode(403).body("message", containsString("is attempting to grant RBAC permissions "
            + "not currently held"));
    String bindings = "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/rolebindings";
    bearer(token).body("""
        {"metadata":{"name":"to-admin"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",
         "name":"cluster-admin"},"subjects":[{"kind":"User","name":"mallory"}]}""").post(bindings).then()
        .statusCode(403);
    bearer(token).body("""
        {"metadata":{"name":"to-edit"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",
         "name":"edit"},"subjects":[{"kind":"User","name":"dave"}]}""").post(bindings).then().statusCode(201);
    bearer(token).header("Impersonate-User", "alice").get("/api/v1/namespaces/" + ns + "/pods").then()
        .statusCode(403).body("message", equalTo("users \"alice\" is forbidden: User \"system:serviceaccount:" + ns
            + ":lead\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope"));
  }

  @Test
  void auditLogRecordsWhoImpersonatedWhom() throws Exception {
    String ns = namespace();
    as("erin").get("/api/v1/namespaces/" + ns + "/configmaps").then().statusCode(403);
    java.nio.file.Path log = java.nio.file.Path.of("target/test-audit/audit.log");
    Await.until("the audit event", () -> {
      try {
        return java.nio.file.Files.readString(log).lines().anyMatch(l -> l.contains("\"impersonatedUser\":"
            + "{\"username\":\"erin\"") && l.contains("\"namespace\":\"" + ns + "\"") && l.contains("\"code\":403")
            && l.contains("\"authorization.k8s.io/decision\":\"forbid\""));
      } catch (java.io.IOException e) {
        return false;
      }
    });
    String line = java.nio.file.Files.readString(log).lines().filter(l -> l.contains("\"namespace\":\"" + ns + "\""))
        .filter(l -> l.contains("erin")).findFirst().orElseThrow();
    assertTrue(line.contains("\"apiVersion\":\"audit.k8s.io/v1\"") && line.contains("\"kind\":\"Event\"")
        && line.contains("\"user\":{\"username\":\"test-admin\""), line);
    assertEquals(1, line.lines().count());
  }

  @Test
  void readyzListsTheRbacBootstrapAndCacheChecks() {
    Await.until("ready", () -> given().get("/readyz").statusCode() == 200);
    given().get("/readyz?verbose").then().statusCode(200)
        .body(containsString("[+]informer-sync ok\n"))
        .body(containsString("[+]poststarthook/rbac/bootstrap-roles ok\n"))
        .body(containsString("readyz check passed"));
  }

  @Test
  void nonResourceUrlsFollowTheDiscoveryAndMonitoringRoles() {
    for (String path : new String[] {"/api", "/apis", "/api/v1", "/apis/apps/v1", "/openapi/v3", "/openapi/v2"}) {
      as("dora").get(path).then().statusCode(200);
    }
    as("dora").get("/metrics").then().statusCode(403)
        .body("reason", equalTo("Forbidden"))
        .body("message", equalTo("forbidden: User \"dora\" cannot get path \"/metrics\""));
    as("mona", "system:monitoring").get("/metrics").then().statusCode(200)
        .body(containsString("apiserver_request_total"));
    given().get("/metrics").then().statusCode(200);
  }

  @Test
  void auditRecordsRequestAndResponseBodiesAtRequestResponse() throws Exception {
    String ns = namespace();
    String template = "{\"metadata\":{\"name\":\"audited\"},\"template\":{\"spec\":{\"containers\":"
        + "[{\"name\":\"c\",\"image\":\"busybox\"}]}}}";
    String uid = post("/api/v1/namespaces/" + ns + "/podtemplates", template).then().statusCode(201).extract()
        .path("metadata.uid");
    post("/api/v1/namespaces/" + ns + "/podtemplates", template).then().statusCode(409);
    java.nio.file.Path log = java.nio.file.Path.of("target/test-audit/audit.log");
    java.util.function.Supplier<java.util.List<String>> events = () -> {
      try {
        return java.nio.file.Files.readString(log).lines().filter(l -> l.contains("\"namespace\":\"" + ns + "\"")
            && l.contains("\"resource\":\"podtemplates\"")).toList();
      } catch (java.io.IOException e) {
        return java.util.List.of();
      }
    };
    Await.until("both audit events", () -> events.get().size() == 2);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var created = json.readTree(events.get().stream().filter(l -> l.contains("\"code\":201")).findFirst()
        .orElseThrow());
    assertEquals("RequestResponse", created.path("level").asText());
    assertEquals("audited", created.path("requestObject").path("metadata").path("name").asText());
    assertTrue(created.path("requestObject").path("metadata").path("uid").isMissingNode(), "the request as sent");
    assertEquals(uid, created.path("responseObject").path("metadata").path("uid").asText(), "the stored object");
    var conflict = json.readTree(events.get().stream().filter(l -> l.contains("\"code\":409")).findFirst()
        .orElseThrow());
    assertEquals("Status", conflict.path("responseObject").path("kind").asText());
    assertEquals("AlreadyExists", conflict.path("responseStatus").path("reason").asText());
    assertEquals("Failure", conflict.path("responseStatus").path("status").asText());
  }

  @Test
  void nodeCertificateRequestsCarryTheRequesterAndNeedAnApprover() throws Exception {
    var g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    String name = "node-csr-" + UUID.randomUUID().toString().substring(0, 6);
    String request = Base64.getEncoder().encodeToString(("-----BEGIN CERTIFICATE REQUEST-----\n"
        + "not checked here\n-----END CERTIFICATE REQUEST-----\n").getBytes(StandardCharsets.UTF_8));
    String csrs = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
    as("system:bootstrap:abcdef", "system:bootstrappers").body("""
        {"metadata":{"name":"%s"},"spec":{"request":"%s","signerName":"kubernetes.io/kube-apiserver-client-kubelet",
         "usages":["digital signature","client auth"],"username":"system:masters-wannabe"}}"""
        .formatted(name, request)).post(csrs).then().statusCode(201)
        .body("spec.username", equalTo("system:bootstrap:abcdef"))
        .body("spec.groups", hasItem("system:bootstrappers"));
    String approval = """
        {"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest","metadata":{"name":"%s"},
         "status":{"conditions":[{"type":"Approved","status":"True","reason":"KubectlApprove"}]}}"""
        .formatted(name);
    as("system:bootstrap:abcdef", "system:bootstrappers").body(approval).put(csrs + "/" + name + "/approval").then()
        .statusCode(403);
    given().contentType("application/json").body(approval).put(csrs + "/" + name + "/approval").then()
        .statusCode(200).body("status.conditions[0].type", equalTo("Approved"));
  }
}

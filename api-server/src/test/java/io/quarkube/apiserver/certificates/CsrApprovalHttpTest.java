package io.quarkube.apiserver.certificates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkube.testing.EtcdTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * certificatesigningrequests/approval as upstream's approval strategy serves it (the steps of upstream's "CSR API
 * operations" conformance test): a merge patch changes metadata and replaces the conditions, an update adds
 * Approved, spec and certificate never change there, and Approved cannot be removed again.
 */
@QuarkusTest
@QuarkusTestResource(EtcdTestResource.class)
class CsrApprovalHttpTest {
  private static final String CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

  @Test
  void approvalIsPatchedAndUpdatedAsUpstream() {
    String name = "csr-" + UUID.randomUUID().toString().substring(0, 6);
    String request = Base64.getEncoder().encodeToString(("-----BEGIN CERTIFICATE REQUEST-----\n"
        + "not checked here\n-----END CERTIFICATE REQUEST-----\n").getBytes(StandardCharsets.UTF_8));
    given().contentType("application/json").body("""
        {"metadata":{"name":"%s"},"spec":{"request":"%s","signerName":"example.com/e2e","usages":["server auth"]}}"""
        .formatted(name, request)).post(CSRS).then().statusCode(201);

    given().contentType("application/merge-patch+json").body("""
        {"metadata":{"annotations":{"patchedapproval":"true"}},"spec":{"signerName":"example.com/other"},
         "status":{"conditions":[{"type":"ApprovalPatch","status":"True","reason":"e2e"}]}}""")
        .patch(CSRS + "/" + name + "/approval").then().statusCode(200)
        .body("metadata.annotations.patchedapproval", equalTo("true"))
        .body("spec.signerName", equalTo("example.com/e2e"))
        .body("status.conditions", hasSize(1))
        .body("status.conditions[0].type", equalTo("ApprovalPatch"));

    String current = given().get(CSRS + "/" + name + "/approval").then().statusCode(200)
        .body("kind", equalTo("CertificateSigningRequest")).extract().asString();
    String approved = current.replace("\"conditions\":[", "\"conditions\":[{\"type\":\"Approved\",\"status\":"
        + "\"True\",\"reason\":\"E2E\",\"message\":\"Set from an e2e test\"},");
    given().contentType("application/json").body(approved).put(CSRS + "/" + name + "/approval").then()
        .statusCode(200).body("status.conditions", hasSize(2))
        .body("status.conditions.type", org.hamcrest.Matchers.hasItems("ApprovalPatch", "Approved"));

    given().contentType("application/merge-patch+json").body("{\"status\":{\"conditions\":[]}}")
        .patch(CSRS + "/" + name + "/approval").then().statusCode(422)
        .body("message", containsString("updates may not remove a condition of type \"Approved\""));
    given().contentType("application/merge-patch+json").body("""
        {"status":{"conditions":[{"type":"Approved","status":"True"},{"type":"Denied","status":"True"}]}}""")
        .patch(CSRS + "/" + name + "/approval").then().statusCode(422)
        .body("message", containsString("mutually exclusive"));
  }
}

package io.quarkube.apiserver.admission.webhook;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.security.Await;
import io.quarkube.testing.EtcdTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CRD conversion webhooks (strategy Webhook): objects stored in one version are read in another through the webhook,
 * writes in a non-storage version are stored converted, a list of objects stored in different versions comes back
 * in the one asked for, and a webhook's Failure result is a 500 naming the conversion.
 */
@QuarkusTest
@QuarkusTestResource(EtcdTestResource.class)
class CrdConversionWebhookHttpTest {
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static TestWebhookServer hook;

  @BeforeAll
  static void startWebhook() throws Exception {
    hook = new TestWebhookServer();
  }

  @AfterAll
  static void stopWebhook() {
    hook.close();
  }

  private static String crd(String group, String path) {
    String schema = "{\"openAPIV3Schema\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true}}";
    return "{\"metadata\":{\"name\":\"convs." + group + "\"},\"spec\":{\"group\":\"" + group + "\",\"scope\":"
        + "\"Cluster\",\"names\":{\"plural\":\"convs\",\"singular\":\"conv\",\"kind\":\"Conv\",\"listKind\":"
        + "\"ConvList\"},\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":" + schema
        + "},{\"name\":\"v2\",\"served\":true,\"storage\":false,\"schema\":" + schema + "}],"
        + "\"conversion\":{\"strategy\":\"Webhook\",\"webhook\":{\"conversionReviewVersions\":[\"v1\"],"
        + "\"clientConfig\":{\"url\":\"https://127.0.0.1:" + hook.port() + path + "\",\"caBundle\":\""
        + hook.caBundle() + "\"}}}}}";
  }

  private static JsonNode json(io.restassured.response.Response r) {
    return Json.parse(r.asByteArray());
  }

  @Test
  void objectsAreConvertedThroughTheWebhookOnReadAndWrite() {
    String group = "cv" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    given().contentType("application/json").body(crd(group, "/crdconvert")).post(CRDS).then().statusCode(201);
    String v1 = "/apis/" + group + "/v1/convs";
    String v2 = "/apis/" + group + "/v2/convs";
    Await.until("served", () -> given().get(v2).statusCode() == 200);
    given().contentType("application/json").body("{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"Conv\","
        + "\"metadata\":{\"name\":\"one\"},\"hostPort\":\"localhost:8080\"}").post(v1).then().statusCode(201);
    JsonNode asV2 = json(given().get(v2 + "/one"));
    assertEquals(group + "/v2", asV2.path("apiVersion").asText(), asV2.toString());
    assertEquals("localhost", asV2.path("host").asText(), asV2.toString());
    assertEquals("8080", asV2.path("port").asText(), asV2.toString());
    assertFalse(asV2.has("hostPort"), asV2.toString());
    assertTrue(hook.lastReview.get("/crdconvert").path("request").has("uid"));

    // written in v2 (not the storage version): stored as v1, read back in both
    JsonNode created = json(given().contentType("application/json").body("{\"apiVersion\":\"" + group + "/v2\","
        + "\"kind\":\"Conv\",\"metadata\":{\"name\":\"two\"},\"host\":\"example\",\"port\":\"9090\"}").post(v2));
    assertEquals("9090", created.path("port").asText(), created.toString());
    assertEquals("example:9090", json(given().get(v1 + "/two")).path("hostPort").asText());

    JsonNode listV2 = json(given().get(v2));
    assertEquals(2, listV2.path("items").size(), listV2.toString());
    for (JsonNode item : listV2.path("items")) {
      assertEquals(group + "/v2", item.path("apiVersion").asText(), item.toString());
      assertTrue(item.has("port") && !item.has("hostPort"), item.toString());
    }
    JsonNode listV1 = json(given().get(v1));
    for (JsonNode item : listV1.path("items")) {
      assertTrue(item.has("hostPort") && !item.has("port"), item.toString());
    }
    given().delete(CRDS + "/convs." + group);
  }

  @Test
  void aFailureResultIsAnInternalError() {
    String group = "cf" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    given().contentType("application/json").body(crd(group, "/crdconvert-fail")).post(CRDS).then().statusCode(201);
    String v1 = "/apis/" + group + "/v1/convs";
    String v2 = "/apis/" + group + "/v2/convs";
    Await.until("served", () -> given().get(v2).statusCode() == 200);
    given().contentType("application/json").body("{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"Conv\","
        + "\"metadata\":{\"name\":\"one\"},\"hostPort\":\"localhost:8080\"}").post(v1).then().statusCode(201);
    JsonNode status = json(given().get(v2 + "/one").then().statusCode(500).extract().response());
    assertEquals("InternalError", status.path("reason").asText(), status.toString());
    assertTrue(status.path("message").asText().contains("conversion webhook for " + group
        + "/v1, Kind=Conv failed: refused for the test"), status.toString());
    given().delete(CRDS + "/convs." + group);
  }
}

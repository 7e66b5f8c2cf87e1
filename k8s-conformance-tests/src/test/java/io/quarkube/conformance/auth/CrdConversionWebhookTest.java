package io.quarkube.conformance.auth;

import static io.quarkube.conformance.auth.WebhookFixture.created;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Conformance;
import io.quarkube.conformance.apimachinery.Api;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstream's CustomResourceConversionWebhook conformance tests (test/e2e/apimachinery/crd_conversion_webhook.go):
 * a CRD with versions v1 ({@code hostPort}) and v2 ({@code host}, {@code port}) converted by agnhost's conversion
 * webhook ({@link CrdConversion}, served by the test JVM behind {@link WebhookFixture}'s Service). A v1 object reads
 * as v2; after the storage version moves to v2, a list of one object stored as v1 and one stored as v2 comes back
 * wholly in the version asked for.
 */
class CrdConversionWebhookTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static WebhookFixture hooks;

  @BeforeAll
  static void startWebhook() throws Exception {
    hooks = new WebhookFixture(Files.createTempDirectory("e2e-crd-conversion"));
  }

  @AfterAll
  static void stopWebhook() {
    if (hooks != null) {
      hooks.close();
    }
  }

  @Test
  @Conformance("api-machinery.crd-conversion-webhook")
  void customResourcesAreConvertedThroughTheWebhook() {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String group = "stable" + suffix + ".example.com";
    String plural = "e2e-test-crd-webhook-" + suffix + "-crds";
    String kind = "E2e-test-crd-webhook-" + suffix + "-crd";
    String crdName = plural + "." + group;
    String ns = hooks.namespace;
    String schema = "{\"openAPIV3Schema\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true}}";
    created(WebhookFixture.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "application/json", """
        {"metadata":{"name":"%s"},"spec":{"group":"%s","scope":"Namespaced",
         "names":{"plural":"%s","singular":"%s","kind":"%s","listKind":"%sList"},
         "versions":[{"name":"v1","served":true,"storage":true,"schema":%s},
                     {"name":"v2","served":true,"storage":false,"schema":%s}],
         "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1","v1beta1"],
           "clientConfig":{"caBundle":"%s","service":{"namespace":"%s","name":"%s","path":"/crdconvert",
           "port":%d}}}}}}""".formatted(crdName, group, plural, kind.toLowerCase(), kind, kind, schema, schema,
        hooks.caBundle(), ns, WebhookFixture.SERVICE, WebhookFixture.SERVICE_PORT)));
    String v1 = "/apis/" + group + "/v1/namespaces/" + ns + "/" + plural;
    String v2 = "/apis/" + group + "/v2/namespaces/" + ns + "/" + plural;
    try {
      Await.until(WAIT, "both versions served", () -> WebhookFixture.get(v1).code() == 200
          && WebhookFixture.get(v2).code() == 200);

      // should be able to convert from CR v1 to CR v2
      created(WebhookFixture.send("POST", v1, "application/json", """
          {"apiVersion":"%s/v1","kind":"%s","metadata":{"name":"cr-instance-v1"},"hostPort":"localhost:8080"}"""
          .formatted(group, kind)));
      JsonNode asV2 = ok(WebhookFixture.get(v2 + "/cr-instance-v1"));
      assertEquals(group + "/v2", asV2.path("apiVersion").asText(), asV2.toString());
      assertEquals("localhost", asV2.path("host").asText(), asV2.toString());
      assertEquals("8080", asV2.path("port").asText(), asV2.toString());
      assertFalse(asV2.has("hostPort"), asV2.toString());

      // should be able to convert a non homogeneous list of CRs: the storage version moves to v2
      Api.Response patched = WebhookFixture.send("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
          + crdName, "application/json-patch+json", "[{\"op\":\"replace\",\"path\":\"/spec/versions/0/storage\","
          + "\"value\":false},{\"op\":\"replace\",\"path\":\"/spec/versions/1/storage\",\"value\":true}]");
      assertEquals(200, patched.code(), patched.toString());
      Await.until(WAIT, "v2 is a stored version", () -> WebhookFixture.get(
          "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + crdName).json().path("status")
          .path("storedVersions").toString().contains("\"v2\""));
      created(WebhookFixture.send("POST", v2, "application/json", """
          {"apiVersion":"%s/v2","kind":"%s","metadata":{"name":"cr-instance-v2"},"host":"localhost","port":"8080"}"""
          .formatted(group, kind)));
      JsonNode listV1 = ok(WebhookFixture.get(v1));
      assertEquals(2, listV1.path("items").size(), listV1.toString());
      for (JsonNode item : listV1.path("items")) {
        assertEquals(group + "/v1", item.path("apiVersion").asText(), item.toString());
        assertEquals("localhost:8080", item.path("hostPort").asText(), item.toString());
        assertFalse(item.has("host") || item.has("port"), item.toString());
      }
      JsonNode listV2 = ok(WebhookFixture.get(v2));
      assertEquals(2, listV2.path("items").size(), listV2.toString());
      for (JsonNode item : listV2.path("items")) {
        assertEquals(group + "/v2", item.path("apiVersion").asText(), item.toString());
        assertEquals("localhost", item.path("host").asText(), item.toString());
        assertEquals("8080", item.path("port").asText(), item.toString());
        assertFalse(item.has("hostPort"), item.toString());
      }
    } finally {
      WebhookFixture.send("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + crdName, null,
          null);
    }
  }

  private static JsonNode ok(Api.Response r) {
    assertTrue(r.code() == 200, r.toString());
    return r.json();
  }
}

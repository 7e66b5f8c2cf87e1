package io.quarkube.apiserver.crd;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.json.Json;
import io.quarkube.apiserver.security.Await;
import io.quarkube.testing.EtcdTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Upstream's "custom resource defaulting for requests and from storage": a default added to a CRD's schema shows on
 * custom resources written before it (GET, LIST and WATCH decode them from storage with the defaults), while a
 * default that was stored stays when the schema no longer has it.
 */
@QuarkusTest
@QuarkusTestResource(EtcdTestResource.class)
class CustomResourceReadDefaultsHttpTest {
  private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  @Test
  void defaultsAddedToTheSchemaApplyToStoredObjects() throws Exception {
    String group = "rd" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    String crd = "noxus." + group;
    given().contentType("application/json").body("{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":"
        + "\"CustomResourceDefinition\",\"metadata\":{\"name\":\"" + crd + "\"},\"spec\":{\"group\":\"" + group
        + "\",\"scope\":\"Cluster\",\"names\":{\"plural\":\"noxus\",\"singular\":\"noxu\",\"kind\":\"Noxu\","
        + "\"listKind\":\"NoxuList\"},\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":"
        + "{\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
        + "\"b\":{\"type\":\"string\"}}}}}]}}").post(CRDS).then().statusCode(201);
    String noxus = "/apis/" + group + "/v1/noxus";
    Await.until("the noxus resource served", () -> given().get(noxus).statusCode() == 200);
    create(noxus, group, "cr-1");
    // without a default, reads hand out the stored object as it is
    assertFalse(get(noxus + "/cr-1").has("a"));

    patchCrd(crd, "[{\"op\":\"add\",\"path\":\"/spec/versions/0/schema/openAPIV3Schema/properties/a/default\","
        + "\"value\":\"A\"}]");
    Await.until("cr-1 defaulted on read", () -> get(noxus + "/cr-1").path("a").asText().equals("A"));
    JsonNode list = Json.MAPPER.readTree(given().get(noxus).asByteArray());
    assertEquals("A", list.at("/items/0/a").asText(), list.toString());
    JsonNode second = create(noxus, group, "cr-2");
    assertEquals("A", second.path("a").asText(), "defaulted on create");

    patchCrd(crd, "[{\"op\":\"remove\",\"path\":\"/spec/versions/0/schema/openAPIV3Schema/properties/a/default\"},"
        + "{\"op\":\"add\",\"path\":\"/spec/versions/0/schema/openAPIV3Schema/properties/b/default\","
        + "\"value\":\"B\"}]");
    Await.until("cr-2 defaulted on read for b", () -> get(noxus + "/cr-2").path("b").asText().equals("B"));
    assertEquals("A", get(noxus + "/cr-2").path("a").asText(), "the stored default stays");
    // a watch from the start replays the stored objects decoded with the defaults too
    String events = given().queryParam("watch", "true").queryParam("resourceVersion", "0")
        .queryParam("timeoutSeconds", "1").get(noxus).asString();
    assertEquals(2, events.lines().filter(l -> l.contains("\"b\":\"B\"")).count(), events);

    given().delete(CRDS + "/" + crd).then().statusCode(org.hamcrest.Matchers.anyOf(
        org.hamcrest.Matchers.equalTo(200), org.hamcrest.Matchers.equalTo(202)));
  }

  private static JsonNode create(String collection, String group, String name) throws Exception {
    return Json.MAPPER.readTree(given().contentType("application/json").body("{\"apiVersion\":\"" + group
        + "/v1\",\"kind\":\"Noxu\",\"metadata\":{\"name\":\"" + name + "\"}}").post(collection).then()
        .statusCode(201).extract().asByteArray());
  }

  private static JsonNode get(String path) {
    try {
      return Json.MAPPER.readTree(given().get(path).then().statusCode(200).extract().asByteArray());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void patchCrd(String name, String jsonPatch) {
    given().contentType("application/json-patch+json").body(jsonPatch).patch(CRDS + "/" + name).then()
        .statusCode(200);
  }

}

package io.quarkube.apiserver.admission.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkube.apiserver.security.Await;
import io.quarkube.testing.EtcdTestResource;
import io.quarkube.testing.FreePorts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission webhooks against a real etcd and a real HTTPS webhook server (Vert.x, certificate from a test CA):
 * configuration defaults and validation, mutation by JSON patch, denial with the webhook's message, warnings,
 * namespace and object selectors, oldObject on update, failurePolicy with the server down, service references
 * routed to an EndpointSlice address, and requests on the configurations themselves never being sent to webhooks.
 */
@QuarkusTest
@QuarkusTestResource(EtcdTestResource.class)
class WebhookHttpTest {
  private static final String ADMISSION = "/apis/admissionregistration.k8s.io/v1/";
  private static TestWebhookServer hook;

  @BeforeAll
  static void startWebhook() throws Exception {
    hook = new TestWebhookServer();
  }

  @AfterAll
  static void stopWebhook() {
    hook.close();
  }

  private static Response post(String path, String body) {
    return given().contentType("application/json").body(body).post(path);
  }

  private static String namespace(String labelValue) {
    String ns = "wh-" + UUID.randomUUID().toString().substring(0, 8);
    post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\",\"labels\":{\"webhook-test\":\"" + labelValue
        + "\"}}}").then().statusCode(201);
    return ns;
  }

  /** A configuration with one webhook on ConfigMaps. */
  private static String configuration(String kind, String name, String clientConfig, String extra) {
    return """
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"%s","metadata":{"name":"%s"},
         "webhooks":[{"name":"%s.quarkube.io","clientConfig":%s,
           "rules":[{"operations":["CREATE","UPDATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}],
           "sideEffects":"None","admissionReviewVersions":["v1"]%s}]}"""
        .formatted(kind, name, name, clientConfig, extra);
  }

  private static String url(String path) {
    return "{\"url\":\"https://127.0.0.1:" + hook.port() + path + "\",\"caBundle\":\"" + hook.caBundle() + "\"}";
  }

  private static Response configMap(String ns, String name, String data, boolean dryRun) {
    return given().contentType("application/json").queryParam("dryRun", dryRun ? "All" : null)
        .body("{\"metadata\":{\"name\":\"" + name + "\"},\"data\":" + data + "}")
        .post("/api/v1/namespaces/" + ns + "/configmaps");
  }

  private static void delete(String resource, String name) {
    given().delete(ADMISSION + resource + "/" + name);
  }

  @Test
  void configurationsGetUpstreamsDefaultsAndAreValidated() {
    post(ADMISSION + "mutatingwebhookconfigurations", configuration("MutatingWebhookConfiguration", "defaults",
        "{\"service\":{\"namespace\":\"x\",\"name\":\"y\"}}", "")).then().statusCode(201)
        .body("webhooks[0].failurePolicy", equalTo("Fail"))
        .body("webhooks[0].matchPolicy", equalTo("Equivalent"))
        .body("webhooks[0].timeoutSeconds", equalTo(10))
        .body("webhooks[0].reinvocationPolicy", equalTo("Never"))
        .body("webhooks[0].namespaceSelector.size()", equalTo(0))
        .body("webhooks[0].objectSelector.size()", equalTo(0))
        .body("webhooks[0].rules[0].scope", equalTo("*"))
        .body("webhooks[0].clientConfig.service.port", equalTo(443));
    delete("mutatingwebhookconfigurations", "defaults");
    String body = """
        {"metadata":{"name":"bad"},"webhooks":[{"name":"short","clientConfig":{"url":"http://127.0.0.1/x"},
          "rules":[{"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}],
          "admissionReviewVersions":["v2"],"timeoutSeconds":31}]}""";
    post(ADMISSION + "validatingwebhookconfigurations", body).then().statusCode(422)
        .body("reason", equalTo("Invalid"))
        .body("message", containsString("webhooks[0].name: Invalid value: \"short\": should be a domain with at "
            + "least three segments separated by dots"))
        .body("message", containsString("webhooks[0].rules[0].operations: Required value"))
        .body("message", containsString("webhooks[0].sideEffects: Required value"))
        .body("message", containsString("webhooks[0].timeoutSeconds: Invalid value: 31"))
        .body("message", containsString("must include at least one of v1, v1beta1"))
        .body("message", containsString("webhooks[0].clientConfig.url: Invalid value: \"http://127.0.0.1/x\": "
            + "'https' is the only allowed URL scheme"));
    post(ADMISSION + "validatingwebhookconfigurations", configuration("ValidatingWebhookConfiguration", "both",
        "{\"url\":\"https://a/\",\"service\":{\"namespace\":\"x\",\"name\":\"y\"}}", "")).then().statusCode(422)
        .body("message", containsString("webhooks[0].clientConfig: Required value: exactly one of url or service "
            + "is required"));
  }

  @Test
  void aWebhookWithReinvocationIfNeededSeesWhatLaterWebhooksChanged() {
    String ns = namespace("reinvoke");
    String selector = "\"namespaceSelector\":{\"matchLabels\":{\"webhook-test\":\"reinvoke\"}}";
    String rules = "\"rules\":[{\"operations\":[\"CREATE\"],\"apiGroups\":[\"\"],\"apiVersions\":[\"v1\"],"
        + "\"resources\":[\"configmaps\"]}],\"sideEffects\":\"None\",\"admissionReviewVersions\":[\"v1\"]";
    for (String policy : new String[] {"Never", "IfNeeded"}) {
      String name = "reinvoke-" + policy.toLowerCase();
      // Within one configuration webhooks run in order: /stamp first, then /mutate changes the object.
      post(ADMISSION + "mutatingwebhookconfigurations", """
          {"metadata":{"name":"%s"},"webhooks":[
            {"name":"stamp.%s.quarkube.io","clientConfig":%s,%s,%s,"reinvocationPolicy":"%s"},
            {"name":"mutate.%s.quarkube.io","clientConfig":%s,%s,%s}]}"""
          .formatted(name, name, url("/stamp"), rules, selector, policy, name, url("/mutate"), rules, selector))
          .then().statusCode(201);
      try {
        String expected = policy.equals("IfNeeded") ? "yes" : "none";
        Await.until("the webhooks of " + name + " are called", () -> expected.equals(configMap(ns,
            "probe-" + UUID.randomUUID().toString().substring(0, 6), "{}", true).then().extract()
            .path("metadata.labels.stamp")));
        configMap(ns, "cm-" + policy.toLowerCase(), "{}", false).then().statusCode(201)
            .body("metadata.labels.mutated", equalTo("yes"))
            .body("metadata.labels.stamp", equalTo(expected));
      } finally {
        delete("mutatingwebhookconfigurations", name);
      }
    }
  }

  @Test
  void webhooksMutateDenyAndWarnInSelectedNamespaces() {
    String selected = namespace("on");
    String other = namespace("off");
    String selector = ",\"namespaceSelector\":{\"matchLabels\":{\"webhook-test\":\"on\"}}";
    post(ADMISSION + "mutatingwebhookconfigurations", configuration("MutatingWebhookConfiguration", "mutate",
        url("/mutate"), selector)).then().statusCode(201);
    post(ADMISSION + "validatingwebhookconfigurations", configuration("ValidatingWebhookConfiguration", "validate",
        url("/validate"), selector)).then().statusCode(201);
    try {
      Await.until("the webhooks are called", () -> "yes".equals(configMap(selected, "probe", "{\"forbidden\":\"x\"}",
          false).statusCode() == 403 ? "yes" : null) && "yes".equals(configMap(selected, "probe2", "{}", true)
          .then().extract().path("metadata.labels.mutated")));

      configMap(selected, "cm", "{\"a\":\"b\"}", false).then().statusCode(201)
          .body("metadata.labels.mutated", equalTo("yes"));
      JsonNode request = hook.lastReview.get("/mutate").path("request");
      assertEquals("CREATE", request.path("operation").asText());
      assertEquals("ConfigMap", request.path("kind").path("kind").asText());
      assertEquals("configmaps", request.path("resource").path("resource").asText());
      assertEquals(selected, request.path("namespace").asText());
      assertEquals("cm", request.path("name").asText());
      assertEquals("b", request.path("object").path("data").path("a").asText());
      assertEquals("CreateOptions", request.path("options").path("kind").asText());
      assertFalse(request.path("userInfo").path("username").asText().isEmpty());
      assertTrue(request.path("oldObject").isMissingNode());

      // the validating webhook sees the mutated object, and an update carries the stored one as oldObject
      assertEquals("yes", hook.lastReview.get("/validate").path("request").path("object").path("metadata")
          .path("labels").path("mutated").asText());
      given().contentType("application/merge-patch+json").body("{\"data\":{\"a\":\"c\"}}")
          .patch("/api/v1/namespaces/" + selected + "/configmaps/cm").then().statusCode(200)
          .body("metadata.labels.mutated", equalTo("yes"));
      request = hook.lastReview.get("/mutate").path("request");
      assertEquals("UPDATE", request.path("operation").asText());
      assertEquals("b", request.path("oldObject").path("data").path("a").asText());
      assertEquals("c", request.path("object").path("data").path("a").asText());

      configMap(selected, "denied", "{\"forbidden\":\"x\"}", false).then().statusCode(403)
          .body("reason", equalTo("Forbidden"))
          .body("message", equalTo("admission webhook \"validate.quarkube.io\" denied the request: the configmap "
              + "contains unwanted key \"forbidden\""));
      given().get("/api/v1/namespaces/" + selected + "/configmaps/denied").then().statusCode(404);
      configMap(selected, "warned", "{\"warn\":\"x\"}", false).then().statusCode(201)
          .header("Warning", containsString("key warn is deprecated"));

      configMap(other, "cm", "{\"forbidden\":\"x\"}", false).then().statusCode(201)
          .body("metadata.labels", nullValue());
    } finally {
      delete("mutatingwebhookconfigurations", "mutate");
      delete("validatingwebhookconfigurations", "validate");
    }
  }

  @Test
  void failurePolicyDecidesWhenTheWebhookIsDown() {
    String ns = namespace("down");
    int closed = FreePorts.one();
    String down = "{\"url\":\"https://127.0.0.1:" + closed + "/\",\"caBundle\":\"" + hook.caBundle() + "\"}";
    post(ADMISSION + "validatingwebhookconfigurations", configuration("ValidatingWebhookConfiguration", "down",
        down, ",\"namespaceSelector\":{\"matchLabels\":{\"webhook-test\":\"down\"}}")).then().statusCode(201);
    try {
      Await.until("the webhook fails the request", () -> configMap(ns, "probe", "{}", true).statusCode() == 500);
      configMap(ns, "cm", "{}", false).then().statusCode(500)
          .body("reason", equalTo("InternalError"))
          .body("message", containsString("failed calling webhook \"down.quarkube.io\": failed to call webhook: "
              + "Post \"https://127.0.0.1:" + closed + "/?timeout=10s\": "));
      given().contentType("application/json-patch+json")
          .body("[{\"op\":\"replace\",\"path\":\"/webhooks/0/failurePolicy\",\"value\":\"Ignore\"}]")
          .patch(ADMISSION + "validatingwebhookconfigurations/down").then().statusCode(200);
      Await.until("failurePolicy Ignore lets requests through",
          () -> configMap(ns, "probe", "{}", true).statusCode() == 201);
      configMap(ns, "cm", "{}", false).then().statusCode(201);
    } finally {
      delete("validatingwebhookconfigurations", "down");
    }
  }

  @Test
  void serviceReferencesGoToAReadyEndpointWithTheServiceName() {
    given().contentType("application/json").body("{\"metadata\":{\"name\":\"webhook-test\"}}")
        .post("/api/v1/namespaces");
    post("/api/v1/namespaces/webhook-test/services", """
        {"metadata":{"name":"hook"},"spec":{"ports":[{"name":"https","port":443,"targetPort":%d}]}}"""
        .formatted(hook.port())).then().statusCode(201);
    post("/apis/discovery.k8s.io/v1/namespaces/webhook-test/endpointslices", """
        {"metadata":{"name":"hook-1","labels":{"kubernetes.io/service-name":"hook"}},"addressType":"IPv4",
         "endpoints":[{"addresses":["127.0.0.1"],"conditions":{"ready":true}}],
         "ports":[{"name":"https","port":%d,"protocol":"TCP"}]}""".formatted(hook.port())).then().statusCode(201);
    String service = "{\"service\":{\"namespace\":\"webhook-test\",\"name\":\"hook\",\"path\":\"/mutate\"},"
        + "\"caBundle\":\"" + hook.caBundle() + "\"}";
    post(ADMISSION + "mutatingwebhookconfigurations", configuration("MutatingWebhookConfiguration", "by-service",
        service, ",\"objectSelector\":{\"matchLabels\":{\"by-service\":\"true\"}}")).then().statusCode(201);
    String ns = namespace("service");
    try {
      Await.until("the service's endpoint is called", () -> "yes".equals(given().contentType("application/json")
          .queryParam("dryRun", "All").body("{\"metadata\":{\"name\":\"cm\",\"labels\":{\"by-service\":\"true\"}}}")
          .post("/api/v1/namespaces/" + ns + "/configmaps").then().extract().path("metadata.labels.mutated")));
      configMap(ns, "unlabelled", "{}", false).then().statusCode(201).body("metadata.labels", nullValue());
    } finally {
      delete("mutatingwebhookconfigurations", "by-service");
    }
  }

  @Test
  void requestsOnWebhookConfigurationsAreNeverSentToWebhooks() {
    String ns = namespace("skip");
    String broken = """
        {"metadata":{"name":"broken"},"webhooks":[{"name":"broken.quarkube.io","clientConfig":%s,
          "rules":[{"operations":["*"],"apiGroups":["","admissionregistration.k8s.io"],"apiVersions":["*"],
                    "resources":["configmaps","*"]}],
          "objectSelector":{"matchLabels":{"skip-test":"true"}},
          "sideEffects":"None","admissionReviewVersions":["v1"]}]}""".formatted(url("/wrong-uid"));
    post(ADMISSION + "validatingwebhookconfigurations", broken).then().statusCode(201);
    try {
      Await.until("the broken webhook fails config maps", () -> given().contentType("application/json")
          .queryParam("dryRun", "All").body("{\"metadata\":{\"name\":\"cm\",\"labels\":{\"skip-test\":\"true\"}}}")
          .post("/api/v1/namespaces/" + ns + "/configmaps").statusCode() == 500);
      given().contentType("application/json").queryParam("dryRun", "All")
          .body("{\"metadata\":{\"name\":\"cm\",\"labels\":{\"skip-test\":\"true\"}}}")
          .post("/api/v1/namespaces/" + ns + "/configmaps").then().statusCode(500)
          .body("message", containsString("expected response.uid="));
      post(ADMISSION + "mutatingwebhookconfigurations", """
          {"metadata":{"name":"another","labels":{"skip-test":"true"}},"webhooks":[]}""").then().statusCode(201);
      delete("mutatingwebhookconfigurations", "another");
    } finally {
      delete("validatingwebhookconfigurations", "broken");
    }
    given().get(ADMISSION + "validatingwebhookconfigurations").then().statusCode(200)
        .body("items.metadata.name", org.hamcrest.Matchers.not(hasItem("broken")));
  }

  @Test
  void matchConditionsMustCompileAndDecideWhichRequestsAWebhookGets() {
    String conditions = ",\"matchConditions\":[{\"name\":\"invalid-expression-1\",\"expression\":\"... [] bad expression\"}]";
    for (String kind : new String[] {"Mutating", "Validating"}) {
      post(ADMISSION + kind.toLowerCase() + "webhookconfigurations", configuration(kind + "WebhookConfiguration",
          "bad-mc", url("/mutate"), conditions)).then().statusCode(422)
          .body("reason", equalTo("Invalid"))
          .body("message", containsString("webhooks[0].matchConditions[0].expression: Invalid value: "
              + "\"... [] bad expression\": compilation failed: "));
    }
    StringBuilder many = new StringBuilder(",\"matchConditions\":[");
    for (int i = 0; i < 65; i++) {
      many.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i % 64).append("\",\"expression\":\"true\"}");
    }
    post(ADMISSION + "validatingwebhookconfigurations", configuration("ValidatingWebhookConfiguration", "many-mc",
        url("/validate"), many.append("]").toString())).then().statusCode(422)
        .body("message", containsString("webhooks[0].matchConditions: Too many: 65: must have at most 64 items"))
        .body("message", containsString("webhooks[0].matchConditions[64].name: Duplicate value: \"c0\""));

    String ns = namespace("mc");
    String skipMe = ",\"namespaceSelector\":{\"matchLabels\":{\"webhook-test\":\"mc\"}},"
        + "\"matchConditions\":[{\"name\":\"skip-me\",\"expression\":\"object.metadata.name != 'skip-me'\"},"
        + "{\"name\":\"creates\",\"expression\":\"request.operation == 'CREATE' && oldObject == null\"}]";
    post(ADMISSION + "mutatingwebhookconfigurations", configuration("MutatingWebhookConfiguration", "skip-me",
        url("/mutate"), skipMe)).then().statusCode(201)
        .body("webhooks[0].matchConditions[0].expression", equalTo("object.metadata.name != 'skip-me'"));
    // an expression failing at run time (no such key) is a failed call: failurePolicy decides
    String failing = ",\"objectSelector\":{\"matchLabels\":{\"mc-error\":\"true\"}},\"matchConditions\":"
        + "[{\"name\":\"missing-key\",\"expression\":\"object.data.missing == 'x'\"}]";
    post(ADMISSION + "validatingwebhookconfigurations", configuration("ValidatingWebhookConfiguration", "mc-error",
        url("/validate"), failing)).then().statusCode(201);
    try {
      Await.until("the matched webhook mutates", () -> "yes".equals(configMap(ns, "probe", "{}", true).then()
          .extract().path("metadata.labels.mutated")));
      configMap(ns, "skip-me", "{}", false).then().statusCode(201).body("metadata.labels", nullValue());
      configMap(ns, "other", "{}", false).then().statusCode(201).body("metadata.labels.mutated", equalTo("yes"));

      String labelled = "{\"metadata\":{\"name\":\"err\",\"labels\":{\"mc-error\":\"true\"}},\"data\":{}}";
      Await.until("the failing condition fails the request", () -> given().contentType("application/json")
          .body(labelled).post("/api/v1/namespaces/" + ns + "/configmaps").statusCode() == 500);
      given().contentType("application/json").body(labelled).post("/api/v1/namespaces/" + ns + "/configmaps")
          .then().statusCode(500)
          .body("message", containsString("failed calling webhook \"mc-error.quarkube.io\": failed to evaluate "
              + "match conditions: expression 'object.data.missing == 'x'' resulted in error: no such key: "));
      given().contentType("application/json-patch+json")
          .body("[{\"op\":\"replace\",\"path\":\"/webhooks/0/failurePolicy\",\"value\":\"Ignore\"}]")
          .patch(ADMISSION + "validatingwebhookconfigurations/mc-error").then().statusCode(200);
      Await.until("failurePolicy Ignore skips the webhook", () -> given().contentType("application/json")
          .body(labelled).post("/api/v1/namespaces/" + ns + "/configmaps").statusCode() == 201);
    } finally {
      delete("mutatingwebhookconfigurations", "skip-me");
      delete("validatingwebhookconfigurations", "mc-error");
    }
  }

  @Test
  void connectRequestsGoThroughAdmissionBeforeTheStreamOpens() {
    String ns = namespace("connect");
    post("/api/v1/namespaces/" + ns + "/serviceaccounts", "{\"metadata\":{\"name\":\"default\"}}").then()
        .statusCode(201);
    post("/api/v1/namespaces/" + ns + "/pods", """
        {"metadata":{"name":"to-be-attached-pod"},"spec":{"containers":[{"name":"container1","image":"pause"}]}}""")
        .then().statusCode(201);
    post(ADMISSION + "validatingwebhookconfigurations", """
        {"metadata":{"name":"deny-attach"},"webhooks":[{"name":"deny-attaching-pod.quarkube.io","clientConfig":%s,
          "rules":[{"operations":["CONNECT"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods/attach"]}],
          "namespaceSelector":{"matchLabels":{"webhook-test":"connect"}},
          "sideEffects":"None","admissionReviewVersions":["v1"]}]}""".formatted(url("/deny"))).then().statusCode(201);
    String attach = "/api/v1/namespaces/" + ns + "/pods/to-be-attached-pod/attach?container=container1&stdin=true"
        + "&stdout=true";
    try {
      Await.until("the webhook refuses the attach", () -> given().post(attach).statusCode() == 403);
      given().post(attach).then().statusCode(403)
          .body("message", equalTo("admission webhook \"deny-attaching-pod.quarkube.io\" denied the request: "
              + "attaching to pod 'to-be-attached-pod' is not allowed"));
      JsonNode request = hook.lastReview.get("/deny").path("request");
      assertEquals("CONNECT", request.path("operation").asText());
      assertEquals("PodAttachOptions", request.path("kind").path("kind").asText());
      assertEquals("attach", request.path("subResource").asText());
      assertEquals("to-be-attached-pod", request.path("name").asText());
      assertEquals("{\"apiVersion\":\"v1\",\"kind\":\"PodAttachOptions\",\"stdin\":true,\"stdout\":true,"
          + "\"container\":\"container1\"}", request.path("object").toString());
      // exec is not in the webhook's rules: it gets past admission (and fails for want of a node)
      given().post("/api/v1/namespaces/" + ns + "/pods/to-be-attached-pod/exec?command=true&stdout=true").then()
          .statusCode(org.hamcrest.Matchers.not(403));
    } finally {
      delete("validatingwebhookconfigurations", "deny-attach");
    }
  }

  @Test
  void aPodAWebhookMutatedIsDefaultedAgainForTheWebhooksAfterIt() {
    String ns = namespace("pod-defaults");
    post("/api/v1/namespaces/" + ns + "/serviceaccounts", "{\"metadata\":{\"name\":\"default\"}}").then()
        .statusCode(201);
    String pods = ",\"namespaceSelector\":{\"matchLabels\":{\"webhook-test\":\"pod-defaults\"}}";
    post(ADMISSION + "mutatingwebhookconfigurations", configuration("MutatingWebhookConfiguration", "init",
        url("/add-init-container"), pods).replace("\"configmaps\"", "\"pods\"")).then().statusCode(201);
    post(ADMISSION + "validatingwebhookconfigurations", configuration("ValidatingWebhookConfiguration", "seen",
        url("/seen"), pods).replace("\"configmaps\"", "\"pods\"")).then().statusCode(201);
    String pod = "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
    try {
      Await.until("both webhooks are called", () -> {
        hook.lastReview.remove("/seen");
        given().contentType("application/json").queryParam("dryRun", "All").body(pod)
            .post("/api/v1/namespaces/" + ns + "/pods");
        return hook.lastReview.get("/seen") != null && hook.lastReview.get("/seen").path("request").path("object")
            .path("spec").path("initContainers").size() == 1;
      });
      JsonNode added = hook.lastReview.get("/seen").path("request").path("object").at("/spec/initContainers/0");
      assertEquals("File", added.path("terminationMessagePolicy").asText(), added.toString());
      assertEquals("/dev/termination-log", added.path("terminationMessagePath").asText(), added.toString());
      assertEquals("Always", added.path("imagePullPolicy").asText(), added.toString());
    } finally {
      delete("mutatingwebhookconfigurations", "init");
      delete("validatingwebhookconfigurations", "seen");
    }
  }

  @Test
  void fieldsAMutatingWebhookAddsArePrunedAsTheKindOrTheSchemaDemands() {
    String ns = namespace("prune");
    String group = "prune" + UUID.randomUUID().toString().substring(0, 6) + ".quarkube.io";
    post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", """
        {"metadata":{"name":"things.%s"},"spec":{"group":"%s","scope":"Namespaced",
          "names":{"plural":"things","singular":"thing","kind":"Thing","listKind":"ThingList"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
            "properties":{"data":{"type":"object","properties":{"a":{"type":"string"},"kept":{"type":"string"}}}}}}}]}}"""
        .formatted(group, group)).then().statusCode(201);
    String rules = """
        {"metadata":{"name":"add-fields"},"webhooks":[{"name":"add-fields.quarkube.io","clientConfig":%s,
          "rules":[{"operations":["CREATE"],"apiGroups":["","%s"],"apiVersions":["v1"],
                    "resources":["configmaps","things"]}],
          "namespaceSelector":{"matchLabels":{"webhook-test":"prune"}},
          "sideEffects":"None","admissionReviewVersions":["v1"]}]}""".formatted(url("/add-fields"), group);
    post(ADMISSION + "mutatingwebhookconfigurations", rules).then().statusCode(201);
    String things = "/apis/" + group + "/v1/namespaces/" + ns + "/things";
    try {
      Await.until("the webhook mutates", () -> "yes".equals(configMap(ns, "probe", "{\"a\":\"b\"}", true).then()
          .extract().path("data.kept")));
      configMap(ns, "cm", "{\"a\":\"b\"}", false).then().statusCode(201)
          .body("data.kept", equalTo("yes"))
          .body("data.pruned", equalTo("yes")) // a ConfigMap's data takes any key
          .body("unknownTopLevel", nullValue());
      given().get("/api/v1/namespaces/" + ns + "/configmaps/cm").then().body("unknownTopLevel", nullValue());

      String thing = "{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"Thing\",\"metadata\":{\"name\":\"t\"},"
          + "\"data\":{\"a\":\"b\"}}";
      Await.until("the custom resource is served", () -> given().get(things).statusCode() == 200);
      post(things, thing).then().statusCode(201)
          .body("data.a", equalTo("b"))
          .body("data.kept", equalTo("yes"))
          .body("data.pruned", nullValue())
          .body("unknownTopLevel", nullValue());
      given().get(things + "/t").then().statusCode(200)
          .body("data.kept", equalTo("yes"))
          .body("data.pruned", nullValue());
    } finally {
      delete("mutatingwebhookconfigurations", "add-fields");
      given().delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things." + group);
    }
  }
}

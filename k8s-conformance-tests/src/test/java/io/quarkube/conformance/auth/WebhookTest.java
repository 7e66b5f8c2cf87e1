package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission webhooks end to end: this test JVM serves an HTTPS webhook on 127.0.0.1 ({@link WebhookServer}) and
 * stock kubectl creates ConfigMaps. The mutating
 * webhook adds a label, the validating one refuses a key with its own message, the namespace selector keeps other
 * namespaces out, and failurePolicy decides what happens while a webhook is down.
 */
@ExtendWith(TestNamespace.class)
class WebhookTest {
  private final Kubectl kubectl = Kubectl.stock();
  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private WebhookServer server;
  private String caBundle;

  @TempDir
  Path dir;

  @BeforeEach
  void startWebhook() throws Exception {
    server = WebhookServer.start(dir, List.of(), WebhookTest::answer);
    caBundle = server.caBundle();
  }

  @AfterEach
  void stopWebhook() {
    kubectl.run("delete", "mutatingwebhookconfiguration", "e2e-mutate-" + id, "--ignore-not-found");
    kubectl.run("delete", "validatingwebhookconfiguration", "e2e-validate-" + id, "e2e-down-" + id,
        "--ignore-not-found");
    server.close();
  }

  private static ObjectNode answer(String path, JsonNode review) {
    JsonNode object = review.path("request").path("object");
    if (path.equals("/mutate")) {
      return WebhookServer.patch(review, object.path("metadata").has("labels")
          ? "[{\"op\":\"add\",\"path\":\"/metadata/labels/mutated\",\"value\":\"yes\"}]"
          : "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"mutated\":\"yes\"}}]");
    }
    return object.path("data").has("forbidden")
        ? WebhookServer.deny(review, "the configmap contains unwanted key \"forbidden\"")
        : WebhookServer.allow(review);
  }

  private String configuration(String kind, String name, String url, String namespace, String failurePolicy) {
    return """
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"%s","metadata":{"name":"%s"},
         "webhooks":[{"name":"%s.e2e.quarkube.io","clientConfig":{"url":"%s","caBundle":"%s"},
           "rules":[{"operations":["CREATE","UPDATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}],
           "namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"%s"}},"failurePolicy":"%s",
           "sideEffects":"None","admissionReviewVersions":["v1"],"timeoutSeconds":5}]}"""
        .formatted(kind, name, name, url, caBundle, namespace, failurePolicy);
  }

  private String url(String path) {
    return "https://127.0.0.1:" + server.port() + path;
  }

  @Test
  void webhooksMutateAndDenyConfigMapsInTheSelectedNamespace(String ns) {
    kubectl.runWithInput(configuration("MutatingWebhookConfiguration", "e2e-mutate-" + id, url("/mutate"), ns,
        "Fail"), "create", "-f", "-").ok();
    kubectl.runWithInput(configuration("ValidatingWebhookConfiguration", "e2e-validate-" + id, url("/validate"), ns,
        "Fail"), "create", "-f", "-").ok();
    Await.until(Duration.ofSeconds(60), "the webhooks are in place", () -> "yes".equals(kubectl.run("create",
        "configmap", "probe", "-n", ns, "--dry-run=server", "-o", "jsonpath={.metadata.labels.mutated}").out().trim())
        && kubectl.run("create", "configmap", "probe", "-n", ns, "--from-literal=forbidden=x", "--dry-run=server")
            .exitCode() != 0);

    kubectl.run("create", "configmap", "cm", "-n", ns, "--from-literal=a=b").ok();
    assertEquals("yes", kubectl.run("get", "configmap", "cm", "-n", ns, "-o",
        "jsonpath={.metadata.labels.mutated}").ok().out().trim());

    Kubectl.Result denied = kubectl.run("create", "configmap", "bad", "-n", ns, "--from-literal=forbidden=x")
        .fails();
    assertTrue(denied.err().contains("admission webhook \"e2e-validate-" + id + ".e2e.quarkube.io\" denied the "
        + "request: the configmap contains unwanted key \"forbidden\""), denied.err());
    kubectl.run("get", "configmap", "bad", "-n", ns).fails();

    String other = "e2e-webhook-other-" + id;
    kubectl.run("create", "namespace", other).ok();
    try {
      kubectl.run("create", "configmap", "bad", "-n", other, "--from-literal=forbidden=x").ok();
      assertEquals("", kubectl.run("get", "configmap", "bad", "-n", other, "-o",
          "jsonpath={.metadata.labels.mutated}").ok().out().trim());
    } finally {
      kubectl.run("delete", "namespace", other, "--wait=false");
    }
  }

  @Test
  void failurePolicyDecidesWhileTheWebhookIsDown(String ns) throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String name = "e2e-down-" + id;
    kubectl.runWithInput(configuration("ValidatingWebhookConfiguration", name, "https://127.0.0.1:" + closed + "/",
        ns, "Fail"), "create", "-f", "-").ok();
    Await.until(Duration.ofSeconds(60), "the webhook fails requests", () -> kubectl.run("create", "configmap",
        "probe", "-n", ns, "--dry-run=server").err().contains("failed calling webhook"));
    Kubectl.Result failed = kubectl.run("create", "configmap", "cm", "-n", ns).fails();
    assertTrue(failed.err().contains("Internal error occurred: failed calling webhook \"" + name
        + ".e2e.quarkube.io\""), failed.err());

    kubectl.run("patch", "validatingwebhookconfiguration", name, "--type=json",
        "-p", "[{\"op\":\"replace\",\"path\":\"/webhooks/0/failurePolicy\",\"value\":\"Ignore\"}]").ok();
    Await.until(Duration.ofSeconds(60), "failurePolicy Ignore lets requests through", () -> kubectl.run("create",
        "configmap", "probe", "-n", ns, "--dry-run=server").exitCode() == 0);
    kubectl.run("create", "configmap", "cm", "-n", ns).ok();
  }
}

package io.quarkube.conformance.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.quarkube.conformance.Await;
import io.quarkube.conformance.Kubectl;
import io.quarkube.conformance.TestNamespace;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission webhooks end to end: this test JVM serves an HTTPS webhook on 127.0.0.1 (certificate from a throwaway
 * CA made with openssl, given to the API server as caBundle) and stock kubectl creates ConfigMaps. The mutating
 * webhook adds a label, the validating one refuses a key with its own message, the namespace selector keeps other
 * namespaces out, and failurePolicy decides what happens while a webhook is down.
 */
@ExtendWith(TestNamespace.class)
class WebhookTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Kubectl kubectl = Kubectl.stock();
  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private HttpsServer server;
  private String caBundle;

  @TempDir
  Path dir;

  @BeforeEach
  void startWebhook() throws Exception {
    io.quarkube.conformance.Cluster.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=e2e-webhook-ca");
    io.quarkube.conformance.Cluster.run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=e2e-webhook");
    Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
    io.quarkube.conformance.Cluster.run(dir, "openssl", "x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tls.crt", "-days", "1", "-extfile", "ext.cnf");
    io.quarkube.conformance.Cluster.run(dir, "openssl", "pkcs12", "-export", "-inkey", "tls.key", "-in", "tls.crt", "-out", "tls.p12",
        "-passout", "pass:changeit");
    caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("ca.crt")));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("tls.p12"))) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.createContext("/", exchange -> {
      JsonNode review = JSON.readTree(exchange.getRequestBody());
      byte[] answer = JSON.writeValueAsBytes(answer(exchange.getRequestURI().getPath(), review));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
  }

  @AfterEach
  void stopWebhook() {
    kubectl.run("delete", "mutatingwebhookconfiguration", "e2e-mutate-" + id, "--ignore-not-found");
    kubectl.run("delete", "validatingwebhookconfiguration", "e2e-validate-" + id, "e2e-down-" + id,
        "--ignore-not-found");
    server.stop(0);
  }

  private static ObjectNode answer(String path, JsonNode review) {
    ObjectNode out = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode response = out.putObject("response").put("uid", review.path("request").path("uid").asText());
    JsonNode object = review.path("request").path("object");
    if (path.equals("/mutate")) {
      String patch = object.path("metadata").has("labels")
          ? "[{\"op\":\"add\",\"path\":\"/metadata/labels/mutated\",\"value\":\"yes\"}]"
          : "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"mutated\":\"yes\"}}]";
      response.put("allowed", true).put("patchType", "JSONPatch")
          .put("patch", Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
    } else {
      boolean forbidden = object.path("data").has("forbidden");
      response.put("allowed", !forbidden);
      if (forbidden) {
        response.putObject("status").put("code", 403).put("reason", "Forbidden")
            .put("message", "the configmap contains unwanted key \"forbidden\"");
      }
    }
    return out;
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
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
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

package io.quarkube.conformance.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.quarkube.conformance.Cluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS admission webhook served by the test JVM on 127.0.0.1 (upstream's e2e tests deploy agnhost's webhook
 * image instead, which the local registry does not hold): a throwaway CA made with openssl (its certificate is the
 * configurations' caBundle) signs a certificate for 127.0.0.1 and the given DNS names (a Service's
 * {@code <name>.<namespace>.svc}); each AdmissionReview is answered by the {@link Handler} for its path. Requests
 * are served on a thread pool, so a slow or hanging path does not hold up the others.
 */
public final class WebhookServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Answers one review ({@code review.request}) sent to {@code path}; returns the AdmissionReview to send back. */
  @FunctionalInterface
  public interface Handler {
    ObjectNode answer(String path, JsonNode review) throws Exception;
  }

  private final HttpsServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "e2e-webhook");
    t.setDaemon(true);
    return t;
  });
  private final String caBundle;

  private WebhookServer(HttpsServer server, String caBundle) {
    this.server = server;
    this.caBundle = caBundle;
  }

  /** Makes the certificates in {@code dir} and starts serving. */
  public static WebhookServer start(Path dir, List<String> dnsNames, Handler handler) throws Exception {
    Cluster.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=e2e-webhook-ca");
    Cluster.run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=e2e-webhook");
    StringBuilder sans = new StringBuilder("subjectAltName=IP:127.0.0.1");
    dnsNames.forEach(n -> sans.append(",DNS:").append(n));
    Files.writeString(dir.resolve("ext.cnf"), sans + "\n");
    Cluster.run(dir, "openssl", "x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "tls.crt", "-days", "1", "-extfile", "ext.cnf");
    Cluster.run(dir, "openssl", "pkcs12", "-export", "-inkey", "tls.key", "-in", "tls.crt", "-out", "tls.p12",
        "-passout", "pass:changeit");
    String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("ca.crt")));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("tls.p12"))) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(ssl));
    WebhookServer webhook = new WebhookServer(https, caBundle);
    https.setExecutor(webhook.threads);
    https.createContext("/", exchange -> {
      byte[] answer;
      int code = 200;
      try {
        JsonNode review = JSON.readTree(exchange.getRequestBody());
        answer = JSON.writeValueAsBytes(handler.answer(exchange.getRequestURI().getPath(), review));
      } catch (Exception e) {
        code = 500;
        answer = String.valueOf(e).getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    https.start();
    return webhook;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String caBundle() {
    return caBundle;
  }

  /** {@code clientConfig.url} for a path of this server. */
  public String url(String path) {
    return "https://127.0.0.1:" + port() + path;
  }

  /** The AdmissionReview answering {@code review}, allowing it. */
  public static ObjectNode allow(JsonNode review) {
    ObjectNode out = JSON.createObjectNode().put("apiVersion", review.path("apiVersion").asText("admission.k8s.io/v1"))
        .put("kind", "AdmissionReview");
    out.putObject("response").put("uid", review.path("request").path("uid").asText()).put("allowed", true);
    return out;
  }

  /** The AdmissionReview refusing {@code review} with {@code message} (403 Forbidden). */
  public static ObjectNode deny(JsonNode review, String message) {
    ObjectNode out = allow(review);
    ((ObjectNode) out.get("response")).put("allowed", false).putObject("status").put("code", 403)
        .put("reason", "Forbidden").put("message", message);
    return out;
  }

  /** The AdmissionReview allowing {@code review} with a JSON patch. */
  public static ObjectNode patch(JsonNode review, String jsonPatch) {
    ObjectNode out = allow(review);
    ((ObjectNode) out.get("response")).put("patchType", "JSONPatch")
        .put("patch", Base64.getEncoder().encodeToString(jsonPatch.getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}

package io.quarkube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkube.apiserver.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An HTTPS admission webhook for tests: a Vert.x server with a certificate from a throwaway CA (made with openssl)
 * for 127.0.0.1 and {@code hook.webhook-test.svc}. {@code /mutate} adds the label {@code mutated=yes};
 * {@code /validate} refuses ConfigMaps with the key {@code forbidden} and warns about keys named {@code warn};
 * {@code /stamp} sets the label {@code stamp} to the value of {@code mutated} it sees (or {@code none});
 * {@code /deny} refuses everything ("attaching to pod '&lt;name&gt;' is not allowed"); {@code /add-fields} adds
 * {@code data.kept}, {@code data.pruned} and a top-level {@code unknownTopLevel}; {@code /add-init-container} adds
 * an init container without any of the fields that have defaults.
 * The last review each path got is kept for assertions.
 */
final class TestWebhookServer implements AutoCloseable {
  final Map<String, JsonNode> lastReview = new ConcurrentHashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final String caBundle;

  TestWebhookServer() throws Exception {
    Path dir = Files.createTempDirectory("webhook-tls");
    run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=webhook-test-ca");
    run(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
        "tls.key", "-out", "tls.csr", "-subj", "/CN=hook");
    Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:hook.webhook-test.svc\n");
    run(dir, "openssl", "x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "tls.crt", "-days", "1", "-extfile", "ext.cnf");
    caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("ca.crt")));
    server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1")
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve("tls.crt").toString())
            .setKeyPath(dir.resolve("tls.key").toString())));
    server.requestHandler(req -> req.body().onSuccess(body -> {
      JsonNode review = Json.parse(body.getBytes());
      lastReview.put(req.path(), review);
      ObjectNode answer = req.path().startsWith("/crdconvert") ? convert(req.path(), review)
          : answer(req.path(), review);
      req.response().putHeader("Content-Type", "application/json").end(new String(Json.bytes(answer),
          StandardCharsets.UTF_8));
    }));
    server.listen(0).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  String caBundle() {
    return caBundle;
  }

  private static ObjectNode answer(String path, JsonNode review) {
    ObjectNode out = Json.MAPPER.createObjectNode().put("apiVersion", review.path("apiVersion").asText())
        .put("kind", "AdmissionReview");
    ObjectNode response = out.putObject("response").put("uid", review.path("request").path("uid").asText());
    JsonNode object = review.path("request").path("object");
    switch (path) {
      case "/mutate" -> {
        response.put("allowed", true);
        String patch = object.path("metadata").has("labels")
            ? "[{\"op\":\"add\",\"path\":\"/metadata/labels/mutated\",\"value\":\"yes\"}]"
            : "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"mutated\":\"yes\"}}]";
        response.put("patchType", "JSONPatch");
        response.put("patch", Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
      }
      case "/validate" -> {
        boolean forbidden = object.path("data").has("forbidden");
        response.put("allowed", !forbidden);
        if (forbidden) {
          response.putObject("status").put("code", 403).put("reason", "Forbidden")
              .put("message", "the configmap contains unwanted key \"forbidden\"");
        }
        if (object.path("data").has("warn")) {
          response.putArray("warnings").add("key warn is deprecated");
        }
      }
      case "/stamp" -> {
        // Records what it saw of /mutate's label, to show whether it was called again after /mutate.
        response.put("allowed", true);
        JsonNode labels = object.path("metadata").path("labels");
        String seen = labels.path("mutated").asText("none");
        String patch = labels.isObject()
            ? "[{\"op\":\"add\",\"path\":\"/metadata/labels/stamp\",\"value\":\"" + seen + "\"}]"
            : "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"stamp\":\"" + seen + "\"}}]";
        response.put("patchType", "JSONPatch");
        response.put("patch", Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
      }
      case "/deny" -> {
        response.put("allowed", false);
        response.putObject("status").put("code", 403).put("reason", "Forbidden")
            .put("message", "attaching to pod '" + review.path("request").path("name").asText() + "' is not allowed");
      }
      case "/add-fields" -> {
        // one field the kind (or the CRD's schema) has, one it has not
        response.put("allowed", true);
        String patch = "[{\"op\":\"add\",\"path\":\"/data/kept\",\"value\":\"yes\"},"
            + "{\"op\":\"add\",\"path\":\"/data/pruned\",\"value\":\"yes\"},"
            + "{\"op\":\"add\",\"path\":\"/unknownTopLevel\",\"value\":\"yes\"}]";
        response.put("patchType", "JSONPatch");
        response.put("patch", Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
      }
      case "/add-init-container" -> {
        response.put("allowed", true);
        String patch = "[{\"op\":\"add\",\"path\":\"/spec/initContainers\",\"value\":[{\"name\":\"added\","
            + "\"image\":\"busybox\"}]}]";
        response.put("patchType", "JSONPatch");
        response.put("patch", Base64.getEncoder().encodeToString(patch.getBytes(StandardCharsets.UTF_8)));
      }
      case "/wrong-uid" -> response.put("uid", "not-the-request").put("allowed", true);
      default -> response.put("allowed", true);
    }
    return out;
  }

  /**
   * A CRD conversion webhook as upstream's e2e one: v1 {@code hostPort: "host:port"} and v2 {@code host}, {@code port};
   * {@code /crdconvert-fail} answers every review with a Failure result.
   */
  private static ObjectNode convert(String path, JsonNode review) {
    ObjectNode out = Json.MAPPER.createObjectNode().put("apiVersion", "apiextensions.k8s.io/v1")
        .put("kind", "ConversionReview");
    JsonNode request = review.path("request");
    ObjectNode response = out.putObject("response").put("uid", request.path("uid").asText());
    if (path.equals("/crdconvert-fail")) {
      response.putObject("result").put("status", "Failure").put("message", "refused for the test");
      return out;
    }
    String desired = request.path("desiredAPIVersion").asText();
    var converted = response.putArray("convertedObjects");
    for (JsonNode o : request.path("objects")) {
      ObjectNode c = ((ObjectNode) o).deepCopy();
      if (desired.endsWith("/v2") && c.has("hostPort")) {
        String[] hp = c.remove("hostPort").asText().split(":", 2);
        c.put("host", hp[0]).put("port", hp.length > 1 ? hp[1] : "");
      } else if (desired.endsWith("/v1") && c.has("host")) {
        c.put("hostPort", c.remove("host").asText() + ":" + c.remove("port").asText());
      }
      c.put("apiVersion", desired);
      converted.add(c);
    }
    response.putObject("result").put("status", "Success");
    return out;
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}

package io.quarkube.apiserver.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkube.apiserver.errors.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Errors from or about a kubelet, as the Status the client gets. */
final class KubeletErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KubeletErrors() {}

  static ApiException unreachable(String node, KubeletClient.Target target, Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return ApiException.of(502, "InternalError", "error dialing backend: kubelet of node \"" + node + "\" at "
        + target.host() + ":" + target.port() + ": " + cause.getMessage());
  }

  /** Passes a kubelet's error answer on: its Status when it sent one, else its text in a Status. */
  static void forward(RoutingContext ctx, HttpClientResponse upstream) {
    int code = upstream.statusCode();
    Buffer body;
    try {
      var pending = upstream.body();
      upstream.resume(); // paused when it arrived
      body = pending.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      body = Buffer.buffer();
    }
    try {
      JsonNode status = JSON.readTree(body.toString());
      if (status != null && "Status".equals(status.path("kind").asText())) {
        ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(body);
        return;
      }
    } catch (Exception e) {
      // not JSON: wrapped below
    }
    String text = body.toString().trim();
    throw ApiException.of(code, reason(code), text.isEmpty() ? "the kubelet answered " + code : text);
  }

  static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      default -> "InternalError";
    };
  }
}

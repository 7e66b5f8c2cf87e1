package io.quarkube.apiserver.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waits, on a worker thread, for an upstream answer (kubelet, pod, service endpoint) whose streaming is set up on the
 * event loop the moment it arrives. A short answer may be complete within the same network read, so handlers
 * attached later from the worker thread would find it already ended (Vert.x then refuses them): whoever streams it
 * must take it in {@code take}, which runs as it arrives.
 */
final class UpstreamExchange {
  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(UpstreamExchange.class);

  private UpstreamExchange() {}

  /**
   * Sends {@code request} (with {@code body} when there is one). When the client goes away mid-stream the upstream
   * connection is closed on purpose; without a handler of its own Vert.x would log that as an error
   * ("Connection was closed") although nothing went wrong, so it is noted at debug level here. Failures before the
   * answer still fail the returned future.
   */
  static Future<HttpClientResponse> send(HttpClientRequest request, Buffer body) {
    request.exceptionHandler(e -> LOG.debugf("upstream %s %s ended: %s", request.getMethod(), request.getURI(),
        e.toString()));
    return body == null || body.length() == 0 ? request.send() : request.send(body);
  }

  /**
   * The answer, paused, when {@code take} declined it (the caller reads an error body); empty when {@code take}
   * took it and streams it on.
   */
  static Optional<HttpClientResponse> await(Future<HttpClientResponse> sent, Predicate<HttpClientResponse> take,
      long timeoutSeconds) throws Exception {
    CompletableFuture<Optional<HttpClientResponse>> outcome = new CompletableFuture<>();
    sent.onComplete(ar -> {
      if (ar.failed()) {
        outcome.completeExceptionally(ar.cause());
        return;
      }
      HttpClientResponse r = ar.result();
      try {
        if (take.test(r)) {
          outcome.complete(Optional.empty());
        } else {
          r.pause();
          outcome.complete(Optional.of(r));
        }
      } catch (RuntimeException e) {
        r.request().connection().close();
        outcome.completeExceptionally(e);
      }
    });
    try {
      return outcome.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}

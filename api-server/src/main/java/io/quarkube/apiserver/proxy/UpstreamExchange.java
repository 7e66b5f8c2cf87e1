package io.quarkube.apiserver.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waits, on a worker thread, for an upstream answer (kubelet, pod, service endpoint) whose streaming is set up on the
 * event loop the moment it arrives. A short answer may be complete within the same network read, so handlers
 * attached later from the worker thread would find it already ended (Vert.x then refuses them: "Response already
 * ended"): whoever streams it must take it in {@code take}, which {@link #exchange} chains as the request is sent.
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
   * Sends the request once it is made and hands the answer to {@code take} in a callback chained as the request is
   * sent, on the event loop, so it runs as the answer's head arrives, before any of its body is read. Waits for that
   * on the calling (worker) thread: the answer, paused, when {@code take} declined it (the caller reads an error
   * body); empty when {@code take} took it and streams it on.
   */
  static Optional<HttpClientResponse> exchange(Future<HttpClientRequest> request, Buffer body,
      Predicate<HttpClientResponse> take, long timeoutSeconds) throws Exception {
    Future<Optional<HttpClientResponse>> taken = request.compose(r -> send(r, body).map(answer -> {
      try {
        if (take.test(answer)) {
          return Optional.<HttpClientResponse>empty();
        }
        answer.pause();
        return Optional.of(answer);
      } catch (RuntimeException e) {
        answer.request().connection().close();
        throw e;
      }
    }));
    try {
      return taken.toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}

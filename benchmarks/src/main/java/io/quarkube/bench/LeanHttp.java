package io.quarkube.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The write benchmark's client for its measured requests: Vert.x's HTTP/1.1 client (Netty, TCP_NODELAY, a keep-alive
 * pool of one connection per caller, one event loop per core), called from the load's threads, which block on each
 * answer as they do on jetcd's futures for the raw puts beside it.
 *
 * <p>Why not {@link Api}'s java.net.http: on two cores the benchmark shares the CPUs with what it measures, and the
 * JDK client spent 1.7-2.5 ms of CPU per create (its selector thread, executor hand-offs and reactive body plumbing)
 * and added 1.5-4 ms to a single create's latency over curl, while jetcd, on the limit's side, is a Netty client too.
 * With both sides on a Netty client the ratio compares the servers, not the clients.
 */
final class LeanHttp implements AutoCloseable {
  private final Vertx vertx;
  private final HttpClient http;
  private final String host;
  private final int port;

  LeanHttp(BenchContext ctx, int maxConnections) {
    URI base = URI.create(ctx.apiUrl());
    host = base.getHost();
    port = base.getPort();
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    HttpClientOptions options = new HttpClientOptions().setSsl(true).setKeepAlive(true).setTcpNoDelay(true)
        .setSslEngineOptions(new JdkSSLEngineOptions().setPooledHeapBuffers(true))
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ctx.caPem())))
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(ctx.clientCertPem()))
            .setKeyValue(Buffer.buffer(ctx.clientKeyPem())));
    http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
  }

  /** POST of a JSON body; fails on anything but 2xx. */
  void post(String path, byte[] json) throws IOException {
    call(HttpMethod.POST, path, Buffer.buffer(json), false);
  }

  /** DELETE with a JSON body (delete options); 404 counts as done. */
  void delete(String path, String json) throws IOException {
    call(HttpMethod.DELETE, path, Buffer.buffer(json), true);
  }

  private void call(HttpMethod method, String path, Buffer body, boolean notFoundIsDone) throws IOException {
    RequestOptions request = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
    Future<Answer> answer = http.request(request).compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)));
    Answer a;
    try {
      a = answer.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(method + " " + path + " interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException(method + " " + path + " failed: " + e.getMessage(), e);
    }
    if (a.status() / 100 != 2 && !(notFoundIsDone && a.status() == 404)) {
      String text = a.body().toString(StandardCharsets.UTF_8);
      throw new IOException(method + " " + path + " answered " + a.status() + ": "
          + text.substring(0, Math.min(300, text.length())));
    }
  }

  private record Answer(int status, Buffer body) {}

  @Override
  public void close() throws Exception {
    http.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}

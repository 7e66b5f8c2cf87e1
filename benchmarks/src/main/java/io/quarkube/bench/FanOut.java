package io.quarkube.bench;

import io.netty.util.ByteProcessor;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * N streaming GETs held open, each reading lines; a round is "something happens at t0, then every stream should see
 * a line carrying marker round K". Records each stream's delay from t0 to the line.
 *
 * <p>The streams are read by a Vert.x HTTP client of their own, with one event loop per core, that looks for the
 * marker in the bytes as they come. The JDK's HttpClient, used before, read every stream on one selector thread and
 * handed each line through its reactive plumbing as a String: on 2 cores its echo floor for 1,000 streams was
 * 92-416 ms depending on how warm the benchmark's JIT was, so the figure measured the reader more than the server.
 * The same reader measures the API server and the echo floor, so their ratio stays comparable.
 */
final class FanOut implements AutoCloseable {
  static final String MARKER = "\"bench.quarkube.io/round\":\"";
  private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

  private final Vertx vertx;
  private final HttpClient http;
  private final AtomicInteger failed = new AtomicInteger();
  private volatile int round = -1;
  private volatile long roundStart;
  private volatile Latencies roundLatencies = new Latencies();
  private volatile CountDownLatch roundDone = new CountDownLatch(0);

  /** A reader for up to {@code maxStreams} streams, presenting the benchmark's client certificate. */
  FanOut(BenchContext ctx, int maxStreams) {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    HttpClientOptions options = new HttpClientOptions().setSsl(true).setKeepAlive(true)
        .setSslEngineOptions(new JdkSSLEngineOptions().setPooledHeapBuffers(true))
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ctx.caPem())))
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(ctx.clientCertPem()))
            .setKeyValue(Buffer.buffer(ctx.clientKeyPem())));
    http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxStreams).setMaxWaitQueueSize(-1));
  }

  /** Opens n streams on uri, in batches so the TLS handshakes don't all queue at once; waits for their headers. */
  void open(URI uri, int n) throws Exception {
    int batch = 50;
    String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
        .setPort(uri.getPort()).setURI(pathAndQuery).putHeader("Accept", "application/json");
    for (int from = 0; from < n; from += batch) {
      int size = Math.min(batch, n - from);
      CountDownLatch headers = new CountDownLatch(size);
      for (int i = 0; i < size; i++) {
        http.request(request).compose(req -> req.send()).onComplete(ar -> {
          if (ar.failed() || ar.result().statusCode() != 200) {
            failed.incrementAndGet();
          } else {
            ar.result().handler(new Watcher()::chunk);
          }
          headers.countDown();
        });
      }
      if (!headers.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("streams did not answer within 60 s (" + (from + size) + " asked for)");
      }
      if (failed.get() > 0) {
        throw new IllegalStateException(failed.get() + " streams failed to open at " + uri);
      }
    }
  }

  /** Starts round k at now (call just before causing the event), for n streams. */
  void startRound(int k, int n) {
    roundLatencies = new Latencies();
    roundDone = new CountDownLatch(n);
    roundStart = System.nanoTime();
    round = k;
  }

  /** Waits until every stream saw the round (or the timeout); returns this round's delays. */
  Latencies awaitRound(long timeoutSeconds) throws InterruptedException {
    if (!roundDone.await(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + roundLatencies.count() + " of the streams saw round " + round
          + " within " + timeoutSeconds + " s");
    }
    return roundLatencies;
  }

  /** One stream's reader: counts the first line of the current round it sees. Runs on its connection's loop. */
  private final class Watcher implements IntConsumer {
    private final RoundScanner scanner = new RoundScanner(this);
    private int seen = -1;

    void chunk(Buffer chunk) {
      chunk.getByteBuf().forEachByte(scanner);
    }

    @Override
    public void accept(int k) {
      long now = System.nanoTime();
      if (k == round && k != seen) {
        seen = k;
        roundLatencies.add(now - roundStart);
        roundDone.countDown();
      }
    }
  }

  /**
   * Finds the marker and the round number after it in a stream's bytes as they come, across chunk and TLS-record
   * boundaries, without splitting them into lines or copying them. A watch event carries the marker once (the
   * annotation's key; managed fields spell it {@code "f:bench.quarkube.io/round"}).
   */
  static final class RoundScanner implements ByteProcessor {
    private final IntConsumer onRound;
    /** How many bytes of the marker the last bytes match. */
    private int matched;
    /** The round number read so far after a whole marker, or -1 while looking for the marker. */
    private int number = -1;

    RoundScanner(IntConsumer onRound) {
      this.onRound = onRound;
    }

    @Override
    public boolean process(byte b) {
      if (number >= 0) {
        if (b >= '0' && b <= '9') {
          number = number * 10 + (b - '0');
          return true;
        }
        if (b == '"') {
          onRound.accept(number);
        }
        number = -1;
      }
      if (b == MARKER_BYTES[matched]) {
        matched++;
        if (matched == MARKER_BYTES.length) {
          number = 0;
          matched = 0;
        }
      } else {
        // A match can only start at the marker's opening quote, and the bytes matched so far hold no quote that
        // could start one (the marker's other quotes end it): only the mismatching byte itself can.
        matched = b == MARKER_BYTES[0] ? 1 : 0;
      }
      return true;
    }
  }

  @Override
  public void close() throws Exception {
    http.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}

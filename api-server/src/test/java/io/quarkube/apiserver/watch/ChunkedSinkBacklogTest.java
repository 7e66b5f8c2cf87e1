package io.quarkube.apiserver.watch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A watch whose client stops reading is ended; one whose client reads is not, however much goes through it. */
class ChunkedSinkBacklogTest {
  private static final byte[] LINE = ("{\"type\":\"MODIFIED\",\"object\":{\"data\":\"" + "x".repeat(4000) + "\"}}\n")
      .getBytes(StandardCharsets.US_ASCII);

  private Vertx vertx;
  private final CompletableFuture<Void> overflowed = new CompletableFuture<>();
  private final CompletableFuture<Void> allWritten = new CompletableFuture<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Serves one stream that writes {@code linesPerTick} lines every {@code tickMillis} until {@code total} bytes. */
  private int serve(long backlogLimit, int linesPerTick, long tickMillis, long total) throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      HttpServerResponse r = req.response();
      r.setChunked(true).putHeader("Content-Type", "application/json");
      r.writeHead();
      // The timer runs on the connection's event loop: the writes may run right there.
      WatchStream.ChunkedSink sink = new WatchStream.ChunkedSink(req, new LoopWrites(Runnable::run), backlogLimit,
          () -> overflowed.complete(null));
      AtomicLong written = new AtomicLong();
      long timer = vertx.setPeriodic(tickMillis, id -> {
        for (int i = 0; i < linesPerTick && written.get() < total; i++) {
          sink.write(LINE);
          written.addAndGet(LINE.length);
        }
        if (written.get() >= total) {
          vertx.cancelTimer(id);
          allWritten.complete(null);
          sink.end();
        }
      });
      r.exceptionHandler(e -> vertx.cancelTimer(timer));
    });
    return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private static Socket request(int port) throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    OutputStream out = s.getOutputStream();
    out.write("GET /api/v1/pods?watch=true HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  @Test
  void aClientThatStopsReadingHasItsWatchEnded() throws Exception {
    int port = serve(1024 * 1024, 64, 1, 1024L * 1024 * 1024);
    try (Socket s = request(port)) {
      // Never reads: the socket buffers fill, then the server's queue.
      overflowed.get(60, TimeUnit.SECONDS);
      assertFalse(allWritten.isDone(), "the stream stopped long before everything was queued");
      // What the kernel still holds can be read; then the connection is gone (end of stream, or reset).
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      try {
        while (in.read(buf) >= 0) {
          // drain
        }
      } catch (java.net.SocketException reset) {
        // closed with unread data: a reset is as good as an end
      }
    }
  }

  @Test
  void aClientThatReadsKeepsItsWatchAsLongAsItLasts() throws Exception {
    long total = 24L * 1024 * 1024;
    int port = serve(4 * 1024 * 1024, 16, 2, total);
    long read = 0;
    try (Socket s = request(port)) {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        read += n;
        if (allWritten.isDone() && n < 5 && new String(buf, 0, n, StandardCharsets.US_ASCII).contains("0\r\n")) {
          break; // the last chunk
        }
        if (read >= total) {
          break;
        }
      }
    }
    assertTrue(read >= total, "read everything: " + read);
    assertFalse(overflowed.isDone(), "a reading client is never cut off");
  }
}

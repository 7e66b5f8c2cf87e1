package io.quarkube.apiserver.endpoints;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A response body written from a worker thread in chunks of 256 KiB while it is produced: a long list never needs
 * its whole encoding in memory (10,000 pods are ~55 MiB of JSON). A body that fits in the first chunk is sent as one
 * ordinary response. The buffer starts small and grows to the chunk size, so short lists allocate little; chunks
 * stay below half a G1 region of a 1 GiB heap, so they are never humongous allocations. When the client reads slower than the list is produced, the writer waits for the
 * connection to drain instead of queueing chunks, so memory stays bounded; a closed connection ends the work.
 */
final class ChunkedBody extends OutputStream {
  static final int CHUNK_BYTES = 256 << 10;
  private static final int FIRST_BUFFER_BYTES = 8 << 10;
  private static final long DRAIN_WAIT_SECONDS = 60;

  private final HttpServerResponse response;
  private final String contentType;
  private byte[] buf = new byte[FIRST_BUFFER_BYTES];
  private int n;
  private boolean chunked;

  ChunkedBody(HttpServerResponse response, String contentType) {
    this.response = response;
    this.contentType = contentType;
  }

  @Override
  public void write(int b) {
    if (n == buf.length) {
      makeRoom();
    }
    buf[n++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      if (n == buf.length) {
        makeRoom();
      }
      int take = Math.min(len, buf.length - n);
      System.arraycopy(b, off, buf, n, take);
      n += take;
      off += take;
      len -= take;
    }
  }

  /** A full buffer grows until it has the chunk size, then goes out. */
  private void makeRoom() {
    if (buf.length < CHUNK_BYTES) {
      buf = Arrays.copyOf(buf, Math.min(CHUNK_BYTES, buf.length * 2));
    } else {
      sendChunk();
    }
  }

  /** Whether part of the body has gone out already (then an error can only cut the response short). */
  boolean chunked() {
    return chunked;
  }

  /** The whole body, when it fitted in one chunk and so was never sent in parts; else null. */
  byte[] wholeBody() {
    return chunked ? null : Arrays.copyOf(buf, n);
  }

  /** Sends what is left and ends the response. */
  void finish() {
    if (!chunked) {
      head(false);
      response.end(Buffer.buffer(Arrays.copyOf(buf, n)));
      return;
    }
    if (n > 0) {
      response.write(Buffer.buffer(Arrays.copyOf(buf, n)));
      n = 0;
    }
    response.end();
  }

  private void sendChunk() {
    if (!chunked) {
      head(true);
      chunked = true;
    }
    awaitDrain();
    response.write(Buffer.buffer(Arrays.copyOf(buf, n)));
    n = 0;
  }

  private void head(boolean inChunks) {
    response.setStatusCode(200).putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-cache, private");
    if (inChunks) {
      response.setChunked(true);
    }
  }

  /** Waits while the connection's write queue is full: the client has not read the previous chunks yet. */
  private void awaitDrain() {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_WAIT_SECONDS);
    while (response.writeQueueFull()) {
      if (response.closed() || System.nanoTime() > giveUp) {
        throw new IllegalStateException("the client stopped reading the list");
      }
      CompletableFuture<Void> drained = new CompletableFuture<>();
      response.drainHandler(v -> drained.complete(null));
      if (!response.writeQueueFull()) {
        break;
      }
      try {
        drained.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        // re-check: the connection may have closed, which never drains
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sending a list", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

package io.quarkube.kubelet.server;

import io.vertx.core.Context;
import io.vertx.core.streams.ReadStream;
import java.util.function.BooleanSupplier;

/**
 * Stops reading a client's WebSocket while the connection to the runtime cannot take more, and starts again when it
 * drains. The two connections live on different threads (a Vert.x event loop and a Netty one), so the resume is
 * always run on the client's own thread: had the runtime's thread resumed directly, a drain landing between the
 * client thread's "not writable" check and its pause would be lost, and the client would stay paused for good
 * (an {@code exec -i} with a large input hung that way).
 */
final class InputValve {
  private final Context clientContext;
  private final ReadStream<?> client;
  private final BooleanSupplier runtimeWritable;

  InputValve(Context clientContext, ReadStream<?> client, BooleanSupplier runtimeWritable) {
    this.clientContext = clientContext;
    this.client = client;
    this.runtimeWritable = runtimeWritable;
  }

  /** On the client's thread, after one of its messages went on to the runtime. */
  void afterClientMessage() {
    if (!runtimeWritable.getAsBoolean()) {
      client.pause();
    }
  }

  /**
   * On the runtime connection's thread when it became writable. The resume is queued behind whatever the client's
   * thread is doing now, so it comes after a pause decided on the old state.
   */
  void runtimeDrained() {
    clientContext.runOnContext(v -> {
      if (runtimeWritable.getAsBoolean()) {
        client.resume();
      }
    });
  }
}

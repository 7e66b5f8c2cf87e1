package io.quarkube.kubelet.server;

import io.vertx.core.streams.WriteStream;
import java.util.function.Consumer;

/**
 * Stops reading from the runtime while the client's WebSocket cannot take more, and starts again when it drains: the
 * counterpart of {@link InputValve}. The runtime's bytes must be written to the client on the client's own thread
 * (hand them over with {@code Context.runOnContext}), where the full-queue check after a write and the drain handler
 * then run one after the other and cannot miss each other.
 */
final class OutputValve {
  private final WriteStream<?> client;
  private final Consumer<Boolean> runtimeAutoRead;

  /** Installs the client's drain handler; {@code runtimeAutoRead} switches the runtime connection's reads. */
  OutputValve(WriteStream<?> client, Consumer<Boolean> runtimeAutoRead) {
    this.client = client;
    this.runtimeAutoRead = runtimeAutoRead;
    client.drainHandler(v -> runtimeAutoRead.accept(true));
  }

  /** On the client's thread, after a write to it. */
  void afterWrite() {
    if (client.writeQueueFull()) {
      runtimeAutoRead.accept(false); // until the drain handler
    }
  }
}

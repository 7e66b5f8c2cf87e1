package io.quarkube.kubelet.server;

import io.vertx.core.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs test steps on a Vert.x context (a client's event loop), as the stream handlers' callbacks run. */
final class ContextCalls {
  private ContextCalls() {}

  /** Runs {@code action} on {@code context} and waits for it; also waits for whatever was queued there before. */
  static void onContext(Context context, Runnable action) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        action.run();
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    done.get(10, TimeUnit.SECONDS);
  }
}

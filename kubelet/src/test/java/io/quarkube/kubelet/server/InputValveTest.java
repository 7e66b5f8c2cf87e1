package io.quarkube.kubelet.server;

import static io.quarkube.kubelet.server.ContextCalls.onContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InputValveTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void pausesWhileTheRuntimeIsFullAndResumesWhenItDrains() throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicBoolean writable = new AtomicBoolean(false);
    RecordingReadStream<Object> client = new RecordingReadStream<>();
    InputValve valve = new InputValve(context, client, writable::get);

    onContext(context, valve::afterClientMessage);
    assertTrue(client.paused);

    writable.set(true);
    valve.runtimeDrained();
    onContext(context, () -> { }); // the resume was queued on the client's thread
    assertFalse(client.paused);
    assertEquals(1, client.resumes);
  }

  @Test
  void aDrainBetweenTheCheckAndThePauseIsNotLost() throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicBoolean writable = new AtomicBoolean(false);
    RecordingReadStream<Object> client = new RecordingReadStream<>();
    // The runtime's thread drains and reports it right after the client's thread has read "not writable", before
    // that thread pauses: the interleaving that left a large `exec -i` paused for good.
    InputValve[] valve = new InputValve[1];
    valve[0] = new InputValve(context, client, () -> {
      boolean now = writable.get();
      if (!now && client.handlerThread == Thread.currentThread()) {
        Thread runtime = new Thread(() -> {
          writable.set(true);
          valve[0].runtimeDrained();
        });
        runtime.start();
        join(runtime);
      }
      return now;
    });

    onContext(context, () -> {
      client.handlerThread = Thread.currentThread();
      valve[0].afterClientMessage();
      client.handlerThread = null;
    });
    onContext(context, () -> { });
    assertFalse(client.paused, "the client stays paused although the runtime drained");
  }

  @Test
  void noPauseWhileTheRuntimeTakesMore() throws Exception {
    Context context = vertx.getOrCreateContext();
    RecordingReadStream<Object> client = new RecordingReadStream<>();
    InputValve valve = new InputValve(context, client, () -> true);
    onContext(context, valve::afterClientMessage);
    assertFalse(client.paused);
    assertEquals(0, client.pauses);
  }

  private static void join(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

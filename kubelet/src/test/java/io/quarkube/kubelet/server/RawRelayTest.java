package io.quarkube.kubelet.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client joined to containerd's connection (port-forward, SPDY passthrough): bytes both ways, each side waiting. */
class RawRelayTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final RawRelay relay = new RawRelay();
  private final EmbeddedChannel runtime = new EmbeddedChannel(relay);
  private final RecordingReadStream<Buffer> in = new RecordingReadStream<>();
  private final ClientOut out = new ClientOut();
  private final List<String> toClient = new CopyOnWriteArrayList<>();
  private final AtomicBoolean clientClosed = new AtomicBoolean();

  @AfterEach
  void close() throws Exception {
    runtime.finishAndReleaseAll();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void join() throws Exception {
    onContext(() -> relay.join(in, out, runtime, b -> toClient.add(b.toString(UTF_8)),
        () -> clientClosed.set(true)));
  }

  @Test
  void bytesHeldBeforeTheJoinAndAfterItReachTheClientInOrder() throws Exception {
    runtime.writeInbound(Unpooled.copiedBuffer("early", UTF_8));
    join();
    runtime.writeInbound(Unpooled.copiedBuffer("late", UTF_8));
    onContext(() -> { });
    assertEquals(List.of("early", "late"), toClient);

    onContext(() -> in.handler.handle(Buffer.buffer("ls")));
    ByteBuf sent = runtime.readOutbound();
    assertEquals("ls", sent.toString(UTF_8));
    sent.release();
  }

  @Test
  void theRuntimeIsNotReadWhileTheClientCannotTakeMore() throws Exception {
    join();
    out.full = true;
    runtime.writeInbound(Unpooled.copiedBuffer("a lot", UTF_8));
    onContext(() -> { });
    assertFalse(runtime.config().isAutoRead(), "reading from containerd stops while the client's queue is full");

    out.full = false;
    onContext(() -> out.drain.handle(null));
    assertTrue(runtime.config().isAutoRead(), "and starts again when it drained");
  }

  @Test
  void theClientIsNotReadWhileTheRuntimeCannotTakeMore() throws Exception {
    join();
    runtime.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    onContext(() -> in.handler.handle(Buffer.buffer("upload")));
    assertTrue(in.paused, "the client's reading pauses while containerd's connection is full");

    runtime.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    runtime.runPendingTasks(); // the embedded channel's loop tells the pipeline
    onContext(() -> { }); // the resume is queued on the client's thread
    assertFalse(in.paused, "and resumes when it drained");
    ((ByteBuf) runtime.readOutbound()).release();
  }

  @Test
  void theEndOfTheRuntimesSideClosesTheClient() throws Exception {
    join();
    runtime.close();
    onContext(() -> { });
    assertTrue(clientClosed.get());
  }

  private void onContext(Runnable action) throws Exception {
    ContextCalls.onContext(context, action);
  }

  private static final class ClientOut implements WriteStream<Buffer> {
    volatile boolean full;
    volatile Handler<Void> drain;

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> h) {
      return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
      return Future.succeededFuture();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> h) {
    }

    @Override
    public void end(Handler<AsyncResult<Void>> h) {
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> h) {
      drain = h;
      return this;
    }
  }
}

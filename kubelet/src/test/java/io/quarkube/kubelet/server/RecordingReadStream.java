package io.quarkube.kubelet.server;

import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

/** A client's reading as the valves see it: pause and resume recorded, the data handler kept for the test to call. */
final class RecordingReadStream<T> implements ReadStream<T> {
  volatile Handler<T> handler;
  volatile boolean paused;
  volatile int pauses;
  volatile int resumes;
  volatile Thread handlerThread;

  @Override
  public ReadStream<T> exceptionHandler(Handler<Throwable> h) {
    return this;
  }

  @Override
  public ReadStream<T> handler(Handler<T> h) {
    handler = h;
    return this;
  }

  @Override
  public ReadStream<T> pause() {
    paused = true;
    pauses++;
    return this;
  }

  @Override
  public ReadStream<T> resume() {
    paused = false;
    resumes++;
    return this;
  }

  @Override
  public ReadStream<T> fetch(long amount) {
    return this;
  }

  @Override
  public ReadStream<T> endHandler(Handler<Void> h) {
    return this;
  }
}

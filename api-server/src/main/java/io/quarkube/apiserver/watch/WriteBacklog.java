package io.quarkube.apiserver.watch;

/**
 * How far one watch's writes are ahead of what its client reads, to end watches whose client stopped reading.
 *
 * <p>Why: every event is written to every matching watch; a client that does not read (stuck, or far slower than the
 * change rate) would make its connection queue every later event in the API server's memory, without end. Upstream
 * ends such a watcher ("Forcing watcher close due to unresponsiveness") when its buffer stays full; its client
 * watches again from the last resourceVersion it saw, or lists again if that is too old. Here the measure is the
 * bytes written while the connection's write queue was over its high-water mark (Vert.x' {@code writeQueueFull}):
 * a client that reads keeps bringing the queue back under it, which starts the count again.
 *
 * <p>Used on the connection's event loop only: not thread-safe.
 */
final class WriteBacklog {
  /** Default limit: about 4,000 pod events of 4 KiB, far more than a reading client ever falls behind. */
  static final long DEFAULT_LIMIT_BYTES = 16L * 1024 * 1024;

  private final long limitBytes;
  private long writtenWhileFull;
  private boolean waitingForDrain;
  private boolean exceeded;

  WriteBacklog(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  /**
   * Records a write of {@code bytes}, made while the queue was full or not; returns true when the backlog is now
   * over the limit (once: the caller ends the watch).
   */
  boolean wrote(int bytes, boolean queueFull) {
    if (exceeded || !queueFull) {
      return false;
    }
    writtenWhileFull += bytes;
    if (writtenWhileFull > limitBytes) {
      exceeded = true;
      return true;
    }
    return false;
  }

  /** Whether the caller should ask to hear when the queue drains (asked once per full spell). */
  boolean needsDrainHandler(boolean queueFull) {
    if (queueFull && !waitingForDrain && !exceeded) {
      waitingForDrain = true;
      return true;
    }
    return false;
  }

  /** The client read enough for the queue to drain under its low-water mark: it keeps up. */
  void drained() {
    waitingForDrain = false;
    writtenWhileFull = 0;
  }

  boolean exceeded() {
    return exceeded;
  }

  long writtenWhileFull() {
    return writtenWhileFull;
  }
}

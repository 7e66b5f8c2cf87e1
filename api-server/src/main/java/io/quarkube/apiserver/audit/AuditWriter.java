package io.quarkube.apiserver.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Writes audit lines to the {@link AuditLog} from a thread of its own, in batches: the request threads only queue
 * their line. A write per line (and a thread wake-up per line) was a tenth of the API server's event-loop time for a
 * plain GET; now the writer takes what queued up, writes it with one system call, and lets the next batch gather for
 * a few milliseconds. Nothing is dropped and the order is kept: when the queue is full (the disk cannot keep up) the
 * request thread waits for room, as upstream's blocking mode waits for the write.
 */
final class AuditWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AuditWriter.class);
  private static final int CAPACITY = 10_000;
  private static final long GATHER_MILLIS = 10;
  private static final byte[] STOP = new byte[0];

  private final AuditLog log;
  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private volatile boolean closed;

  AuditWriter(AuditLog log) {
    this.log = log;
    this.thread = new Thread(this::run, "audit-writer");
    thread.setDaemon(true);
    thread.start();
  }

  void submit(byte[] line) {
    if (closed) {
      log.write(line);
      return;
    }
    if (!queue.offer(line)) {
      try {
        queue.put(line);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.write(line);
      }
    }
  }

  private void run() {
    List<byte[]> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch);
        stop = batch.removeIf(line -> line == STOP);
        log.write(batch);
        batch.clear();
        if (!stop) {
          Thread.sleep(GATHER_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.errorf("audit writer: %s", e.toString());
        batch.clear();
      }
    }
  }

  /**
   * Stops the thread once it wrote what was queued before (a marker, not an interrupt: an interrupt during a write
   * closes the file's channel), then writes anything that came after.
   */
  @Override
  public void close() throws Exception {
    closed = true;
    queue.put(STOP);
    thread.join(TimeUnit.SECONDS.toMillis(5));
    List<byte[]> rest = new ArrayList<>();
    queue.drainTo(rest);
    if (!rest.isEmpty()) {
      log.write(rest);
    }
    log.close();
  }
}

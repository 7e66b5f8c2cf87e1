package io.quarkube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.quarkube.client.queue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Runs {@link PodSyncer#sync} for pods by UID on a few threads. The work queue guarantees that one pod is synced by
 * one thread at a time (a pod added while being synced is synced once more afterwards), so each pod has, in effect,
 * its own serialised worker, as upstream's pod workers.
 */
public final class PodWorkers implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PodWorkers.class);

  private final WorkQueue<String> queue = WorkQueue.withDefaultBackoff("pods");
  private final PodSyncer syncer;
  private final Function<String, Pod> desired;
  private final List<Thread> threads = new ArrayList<>();

  /** @param desired the API server's pod by UID (null when gone or not bound to this node) */
  public PodWorkers(PodSyncer syncer, Function<String, Pod> desired) {
    this.syncer = syncer;
    this.desired = desired;
  }

  public void start(int workers) {
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::work, "pod-worker-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  public void enqueue(String uid) {
    queue.add(uid);
  }

  public void enqueueAfter(String uid, Duration delay) {
    queue.addAfter(uid, delay);
  }

  private void work() {
    while (true) {
      String uid;
      try {
        uid = queue.get();
      } catch (InterruptedException e) {
        return;
      }
      if (uid == null) {
        return;
      }
      try {
        Duration next = syncer.sync(uid, desired.apply(uid));
        queue.forget(uid);
        if (next != null) {
          queue.addAfter(uid, next.isZero() ? Duration.ofMillis(1) : next);
        }
      } catch (RuntimeException e) {
        LOG.warnf("sync of pod %s failed (retrying): %s", uid, e.toString());
        LOG.debug("sync failure", e);
        queue.addAfter(uid, Duration.ofMillis(Math.min(10_000, 200L << Math.min(6, queue.numRequeues(uid)))));
        queue.addRateLimited(uid);
      } finally {
        queue.done(uid);
      }
    }
  }

  @Override
  public void close() {
    queue.shutDown();
    for (Thread t : threads) {
      t.interrupt();
    }
  }
}

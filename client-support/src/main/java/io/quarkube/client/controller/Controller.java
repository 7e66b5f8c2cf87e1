package io.quarkube.client.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkube.client.queue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The shape of every controller (upstream's {@code pkg/controller/*}): informer event handlers only put keys in a
 * {@link WorkQueue}; {@link #start} waits until the caches it reads have synced, then up to N keys at a time are
 * given to {@link #reconcile}. Success forgets the key's failures; an exception puts the key back with per-key exponential
 * backoff. {@code reconcile} reads caches, compares desired with actual, and writes the difference, so running it
 * again (or for a key whose object is gone) is always safe.
 *
 * <p>Metrics (when {@link #bindMetrics} was called): client-go's {@code workqueue_*} of its queue (tag {@code name},
 * see {@link io.quarkube.client.queue.WorkQueueMeters}), {@code controller_reconcile_duration_seconds} (tags
 * {@code controller}, {@code result}).
 *
 * @param <K> the queue key type; most controllers use {@code String} keys from {@link Keys}
 */
public abstract class Controller<K> {
  private static final Logger LOG = Logger.getLogger(Controller.class);

  private final String name;
  /** The queue of keys; subclasses add to it from event handlers and from {@code reconcile} ({@code addAfter}). */
  protected final WorkQueue<K> queue;
  private final List<BooleanSupplier> cachesToSync = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean synced;
  private Timer okTimer;
  private Timer errorTimer;

  protected Controller(String name) {
    this.name = Objects.requireNonNull(name);
    this.queue = WorkQueue.withDefaultBackoff(name);
  }

  /** The controller's name, as in {@code --controllers} (e.g. {@code replicaset}). */
  public final String name() {
    return name;
  }

  /** Brings the object named by {@code key} to its desired state. Throw to be retried with backoff. */
  protected abstract void reconcile(K key) throws Exception;

  /** Declares a cache {@code reconcile} reads: workers start only when all of them have synced. */
  protected final void waitForSync(BooleanSupplier cacheSynced) {
    cachesToSync.add(cacheSynced);
  }

  /** Waits for {@code type}'s cache in {@code informers} before working. */
  protected final void waitForSync(Informers informers, Class<? extends HasMetadata> type) {
    cachesToSync.add(() -> informers.hasSynced(type));
  }

  /** Calls {@code handler} for {@code type}'s events and waits for {@code type}'s cache before working. */
  protected final <T extends HasMetadata> void watch(Informers informers, Class<T> type,
      ResourceEventHandler<? super T> handler) {
    informers.addEventHandler(type, handler);
    waitForSync(informers, type);
  }

  /** Enqueues the key {@code keyOf} gives for every event of {@code type} (null: none); waits for its cache. */
  protected final <T extends HasMetadata> void watch(Informers informers, Class<T> type,
      Function<? super T, K> keyOf) {
    watch(informers, type, enqueueing(keyOf));
  }

  /**
   * For objects that belong to the object a key names (the EndpointSlices of a Service): indexes {@code type} by
   * that key under {@code index} (so {@code reconcile} finds them with {@code byIndex(index, key)}), enqueues it on
   * every event and waits for the cache. {@code keyOf} gives null for objects that are not this controller's.
   */
  protected final <T extends HasMetadata> void watchIndexed(Informers informers, Class<T> type, String index,
      Function<T, K> keyOf) {
    informers.addIndexers(type, Map.of(index, obj -> {
      K key = keyOf.apply(obj);
      return key == null ? List.of() : List.of(key.toString());
    }));
    watch(informers, type, keyOf);
  }

  /** A handler that enqueues the key {@code keyOf} gives for every added, updated and deleted object (null: none). */
  protected final <T> ResourceEventHandler<T> enqueueing(Function<? super T, K> keyOf) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        enqueue(keyOf.apply(obj));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        enqueue(keyOf.apply(newObj));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        enqueue(keyOf.apply(obj));
      }
    };
  }

  /** Adds {@code key} to the queue (null is ignored, so key functions may return null for "nothing to do"). */
  public final void enqueue(K key) {
    if (key != null) {
      queue.add(key);
    }
  }

  /** The work queue (for tests and metrics). */
  public final WorkQueue<K> queue() {
    return queue;
  }

  /** Registers this controller's meters in {@code registry}. */
  public void bindMetrics(MeterRegistry registry) {
    io.quarkube.client.queue.WorkQueueMeters.bind(queue, registry);
    okTimer = reconcileTimer(registry, "success");
    errorTimer = reconcileTimer(registry, "error");
  }

  private Timer reconcileTimer(MeterRegistry registry, String result) {
    return Timer.builder("controller_reconcile_duration").tag("controller", name).tag("result", result)
        .description("Time one reconcile call took").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
  }

  /**
   * Once every cache declared with {@link #waitForSync} has synced, reconciles up to {@code workers} keys at a time;
   * returns at once. One thread per controller takes keys from the queue; the reconciles run on {@link #WORKERS},
   * threads shared by every controller of the process. Upstream's N workers per controller are goroutines; as
   * threads, 25 controllers × 5 workers idled at ~130 threads (17 MiB of touched stacks in the controller manager).
   */
  public synchronized void start(int workers) {
    if (!threads.isEmpty()) {
      throw new IllegalStateException(name + " already started");
    }
    Semaphore slots = new Semaphore(Math.max(1, workers));
    Thread dispatcher = new Thread(() -> {
      try {
        while (!cachesToSync.stream().allMatch(BooleanSupplier::getAsBoolean)) {
          if (queue.isShuttingDown()) {
            return;
          }
          Thread.sleep(50);
        }
        synced = true;
        LOG.debugf("%s: caches synced, reconciling up to %d keys at a time", name, workers);
        dispatch(slots);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name + "-dispatch");
    dispatcher.setDaemon(true);
    threads.add(dispatcher);
    dispatcher.start();
  }

  /** Takes a key whenever a slot is free and reconciles it on a shared worker; ends when the queue shuts down. */
  private void dispatch(Semaphore slots) throws InterruptedException {
    String workerName = name + "-worker";
    while (true) {
      slots.acquire();
      K key = queue.get();
      if (key == null) {
        return;
      }
      WORKERS.execute(() -> {
        Thread.currentThread().setName(workerName); // logs and thread dumps name the controller, as before
        try {
          process(key);
        } finally {
          slots.release();
        }
      });
    }
  }

  /**
   * The reconcile threads of every controller in this process: made when keys wait, gone after 30 s without work.
   * Each controller's slots bound its own concurrency, so the pool needs no bound of its own (and never rejects).
   */
  private static final ExecutorService WORKERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
      new SynchronousQueue<>(), new ThreadFactory() {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
          Thread t = new Thread(r, "controller-worker-" + next.incrementAndGet());
          t.setDaemon(true);
          return t;
        }
      });

  /** True once the caches synced and the workers run. */
  public boolean isSynced() {
    return synced;
  }

  /**
   * Takes one key (blocking) and reconciles it: what a worker does in a loop. Returns false once the queue is shut
   * down. Tests may call it directly instead of {@link #start}.
   */
  public boolean processNextItem() throws InterruptedException {
    K key = queue.get();
    if (key == null) {
      return false;
    }
    process(key);
    return true;
  }

  /** An API answer with upstream's NamespaceTerminating cause (a create refused in a namespace being deleted). */
  static boolean namespaceTerminating(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getStatus() != null
          && k.getStatus().getDetails() != null && k.getStatus().getDetails().getCauses() != null
          && k.getStatus().getDetails().getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(
              c.getReason()))) {
        return true;
      }
    }
    return false;
  }

  /** Reconciles one key taken from the queue and settles it (forget, or requeue with backoff); then {@code done}. */
  protected final void process(K key) {
    long t0 = System.nanoTime();
    try {
      reconcile(key);
      queue.forget(key);
      record(okTimer, t0);
    } catch (Exception e) {
      if (namespaceTerminating(e)) {
        // Nothing can be made there any more and the namespace controller removes what is: drop the key, as
        // upstream's controllers do, instead of retrying until the namespace is gone.
        LOG.debugf("%s: %s: its namespace is being terminated", name, key);
        queue.forget(key);
        record(okTimer, t0);
        return;
      }
      record(errorTimer, t0);
      int n = queue.numRequeues(key);
      // A conflict or a stale cache is normal; say so quietly, louder when it keeps happening.
      if (n < 5) {
        LOG.debugf("%s: reconcile %s failed (retry %d): %s", name, key, n + 1, e.toString());
      } else if (n == 5 || e instanceof RuntimeException && !(e instanceof io.fabric8.kubernetes.client
          .KubernetesClientException)) {
        // Once with the stack: a bug (not an API answer) needs it to be found.
        LOG.warnf(e, "%s: reconcile %s failed (retry %d)", name, key, n + 1);
      } else {
        LOG.warnf("%s: reconcile %s failed (retry %d): %s", name, key, n + 1, e.toString());
      }
      queue.addRateLimited(key);
    } catch (Error e) {
      LOG.errorf(e, "%s: reconcile %s failed", name, key);
      queue.addRateLimited(key);
    } finally {
      queue.done(key);
    }
  }

  private static void record(Timer timer, long t0) {
    if (timer != null) {
      timer.record(Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  /** Stops the workers: the queue shuts down, blocked workers return. */
  public void stop() {
    queue.shutDown();
  }
}

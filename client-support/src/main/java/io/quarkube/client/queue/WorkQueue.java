package io.quarkube.client.queue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The controllers' work queue, with upstream's guarantees (client-go {@code workqueue}: the plain, delaying and
 * rate-limiting queues in one class):
 *
 * <ul>
 *   <li>An item waiting in the queue is there once, however often it is added (the <em>dirty</em> set).
 *   <li>An item is never handed to two workers at once: an item added while a worker holds it (the
 *       <em>processing</em> set) goes back in the queue only when that worker calls {@link #done}.
 *   <li>{@link #addAfter} adds later (a shorter delay for an item already waiting wins); {@link #addRateLimited}
 *       waits as long as the {@link RateLimiter} says, {@link #forget} resets that.
 * </ul>
 *
 * <p>Workers loop: {@code item = get(); if (item == null) return; try { work } finally { done(item); }}.
 *
 * @param <T> the item type (a {@code namespace/name} key for most controllers); needs equals/hashCode
 */
public final class WorkQueue<T> implements AutoCloseable {
  private final String name;
  private final RateLimiter<T> rateLimiter;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final Set<T> dirty = new HashSet<>();
  private final Set<T> processing = new HashSet<>();
  /** Items waiting for their {@link #addAfter} delay: when they become ready, and the timer that adds them. */
  private final Map<T, Waiting> waiting = new HashMap<>();
  private final ScheduledExecutorService timer;
  private boolean shuttingDown;
  /** When each dirty item was added and each processed item handed out (for the metrics); guarded by lock. */
  private final Map<T, Long> addedAt = new HashMap<>();
  private final Map<T, Long> startedAt = new HashMap<>();
  private volatile QueueMetrics metrics = QueueMetrics.NONE;

  private record Waiting(long readyAtNanos, ScheduledFuture<?> future) {}

  public WorkQueue(String name, RateLimiter<T> rateLimiter) {
    this.name = Objects.requireNonNull(name);
    this.rateLimiter = Objects.requireNonNull(rateLimiter);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "workqueue-" + name + "-delay");
      t.setDaemon(true);
      return t;
    });
  }

  /** A queue with upstream's controller default backoff (5 ms doubling to 1000 s per item). */
  public static <T> WorkQueue<T> withDefaultBackoff(String name) {
    return new WorkQueue<>(name, ExponentialBackoff.controllerDefault());
  }

  public String name() {
    return name;
  }

  /** Reports to {@code metrics} from now on. */
  public void setMetrics(QueueMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics);
  }

  /** Marks {@code item} as needing work. Does nothing once the queue is shut down. */
  public void add(T item) {
    Objects.requireNonNull(item);
    lock.lock();
    try {
      if (shuttingDown || !dirty.add(item)) {
        return;
      }
      metrics.added();
      addedAt.putIfAbsent(item, System.nanoTime());
      if (processing.contains(item)) {
        return; // done() requeues it, so it is never processed twice at once
      }
      queue.addLast(item);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Blocks until an item is available and hands it to the caller, who must call {@link #done} with it. Returns null
   * once the queue is shut down (the worker should then return).
   */
  public T get() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !shuttingDown) {
        notEmpty.await();
      }
      if (queue.isEmpty()) {
        return null;
      }
      T item = queue.pollFirst();
      processing.add(item);
      dirty.remove(item);
      handedOut(item);
      return item;
    } finally {
      lock.unlock();
    }
  }

  /** Like {@link #get} but gives up after {@code timeout} and returns null (for tests and polling loops). */
  public T poll(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (queue.isEmpty() && !shuttingDown) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      if (queue.isEmpty()) {
        return null;
      }
      T item = queue.pollFirst();
      processing.add(item);
      dirty.remove(item);
      handedOut(item);
      return item;
    } finally {
      lock.unlock();
    }
  }

  /** Under lock: the item leaves the queue for a worker. */
  private void handedOut(T item) {
    long now = System.nanoTime();
    Long added = addedAt.remove(item);
    if (added != null) {
      metrics.queued(now - added);
    }
    startedAt.put(item, now);
  }

  /** The worker is done with {@code item}; if it was added meanwhile, it goes back in the queue now. */
  public void done(T item) {
    lock.lock();
    try {
      Long started = startedAt.remove(item);
      if (started != null) {
        metrics.worked(System.nanoTime() - started);
      }
      processing.remove(item);
      if (dirty.contains(item)) {
        queue.addLast(item);
        notEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code item} after {@code delay}; if it is already waiting, the earlier of the two times wins. */
  public void addAfter(T item, Duration delay) {
    Objects.requireNonNull(item);
    if (delay.isNegative() || delay.isZero()) {
      add(item);
      return;
    }
    lock.lock();
    try {
      if (shuttingDown) {
        return;
      }
      long readyAt = System.nanoTime() + delay.toNanos();
      Waiting previous = waiting.get(item);
      if (previous != null) {
        if (previous.readyAtNanos() <= readyAt) {
          return;
        }
        previous.future().cancel(false);
      }
      ScheduledFuture<?> future = timer.schedule(() -> fire(item, readyAt), delay.toNanos(), TimeUnit.NANOSECONDS);
      waiting.put(item, new Waiting(readyAt, future));
    } finally {
      lock.unlock();
    }
  }

  private void fire(T item, long readyAt) {
    lock.lock();
    try {
      Waiting w = waiting.get(item);
      if (w != null && w.readyAtNanos() == readyAt) {
        waiting.remove(item);
      }
    } finally {
      lock.unlock();
    }
    add(item);
  }

  /** Adds {@code item} after the rate limiter's delay for it (one more failure counted). */
  public void addRateLimited(T item) {
    metrics.retried();
    addAfter(item, rateLimiter.when(item));
  }

  /** Forgets the failures of {@code item}: its next {@link #addRateLimited} waits the base delay again. */
  public void forget(T item) {
    rateLimiter.forget(item);
  }

  /** How many times {@code item} was rate limited since the last {@link #forget}. */
  public int numRequeues(T item) {
    return rateLimiter.numRequeues(item);
  }

  /** Items waiting to be handed out (not those being processed or delayed): the queue depth. */
  public int length() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Items added and not handed out yet (client-go's depth: an item re-added while processed counts). */
  public int depth() {
    lock.lock();
    try {
      return dirty.size();
    } finally {
      lock.unlock();
    }
  }

  /** The time workers have held the items they hold now, summed (client-go's unfinished work). */
  public long unfinishedWorkNanos() {
    lock.lock();
    try {
      long now = System.nanoTime();
      long sum = 0;
      for (long started : startedAt.values()) {
        sum += now - started;
      }
      return sum;
    } finally {
      lock.unlock();
    }
  }

  /** How long the longest-held item of those held now has been held. */
  public long longestRunningNanos() {
    lock.lock();
    try {
      long now = System.nanoTime();
      long longest = 0;
      for (long started : startedAt.values()) {
        longest = Math.max(longest, now - started);
      }
      return longest;
    } finally {
      lock.unlock();
    }
  }

  /** Items whose {@link #addAfter} delay has not passed yet. */
  public int waitingCount() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops handing out items: blocked {@link #get} calls return null; later adds are ignored. */
  public void shutDown() {
    lock.lock();
    try {
      shuttingDown = true;
      queue.clear();
      addedAt.clear();
      waiting.values().forEach(w -> w.future().cancel(false));
      waiting.clear();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
    timer.shutdownNow();
  }

  public boolean isShuttingDown() {
    lock.lock();
    try {
      return shuttingDown;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    shutDown();
  }
}

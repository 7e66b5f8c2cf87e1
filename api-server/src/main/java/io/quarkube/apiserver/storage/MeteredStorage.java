package io.quarkube.apiserver.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkube.apiserver.resource.ResourceCatalog;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every etcd request as upstream's {@code etcd_request_duration_seconds{operation, type}} histogram (its
 * buckets are apiserver_request_duration_seconds', 5 ms to 60 s), {@code type} being the resource the key belongs to.
 * Watches are streams and are not timed. The timers are cached per (operation, type): a registry lookup builds and
 * sorts tags each time.
 */
public final class MeteredStorage implements Storage {
  static final double[] BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8,
      10, 15, 20, 30, 45, 60};
  private static final Duration[] SLOS = Arrays.stream(BUCKETS).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9)))
      .toArray(Duration[]::new);

  private record Key(String operation, String type) {}

  private final Storage delegate;
  private final StorageTypes types;
  private final MeterRegistry meters;
  private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

  public MeteredStorage(Storage delegate, ResourceCatalog catalog, MeterRegistry meters) {
    this.delegate = delegate;
    this.types = new StorageTypes(catalog);
    this.meters = meters;
  }

  private void record(String operation, String key, long start) {
    Key k = new Key(operation, types.of(key));
    Timer t = timers.get(k);
    if (t == null) {
      t = timers.computeIfAbsent(k, x -> Timer.builder("etcd_request_duration_seconds")
          .description("Etcd request latency in seconds for each operation and object type.")
          .tags("operation", x.operation(), "type", x.type()).serviceLevelObjectives(SLOS).register(meters));
    }
    t.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  @Override
  public long create(String key, byte[] value) {
    long start = System.nanoTime();
    try {
      return delegate.create(key, value);
    } finally {
      record("create", key, start);
    }
  }

  @Override
  public Optional<StoredValue> get(String key) {
    long start = System.nanoTime();
    try {
      return delegate.get(key);
    } finally {
      record("get", key, start);
    }
  }

  @Override
  public long update(String key, byte[] value, long expectedRevision) {
    long start = System.nanoTime();
    try {
      return delegate.update(key, value, expectedRevision);
    } finally {
      record("update", key, start);
    }
  }

  @Override
  public long delete(String key, long expectedRevision) {
    long start = System.nanoTime();
    try {
      return delegate.delete(key, expectedRevision);
    } finally {
      record("delete", key, start);
    }
  }

  @Override
  public ListResult list(String prefix, String startAfter, long revision, long limit) {
    long start = System.nanoTime();
    try {
      return delegate.list(prefix, startAfter, revision, limit);
    } finally {
      record("list", prefix, start);
    }
  }

  @Override
  public long count(String prefix) {
    long start = System.nanoTime();
    try {
      return delegate.count(prefix);
    } finally {
      record("listWithCount", prefix, start);
    }
  }

  @Override
  public long currentRevision() {
    return delegate.currentRevision();
  }

  @Override
  public void checkHealthy(Duration timeout) {
    delegate.checkHealthy(timeout);
  }

  @Override
  public StorageWatch watch(String prefix, long afterRevision, StorageWatchListener listener) {
    return delegate.watch(prefix, afterRevision, listener);
  }

  @Override
  public void close() {
    delegate.close();
  }
}

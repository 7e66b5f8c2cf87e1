package io.quarkube.apiserver.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.resource.ResourceDefinition;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Upstream's {@code apiserver_storage_objects{resource}}: the number of keys of every stored resource, counted by
 * etcd (a count-only range read, no values sent) every {@code period} (upstream's
 * {@code --etcd-count-metric-poll-period}, 1m), -1 when the count failed, as upstream.
 */
public final class StorageObjectCounts implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(StorageObjectCounts.class);

  private final Storage storage;
  private final ResourceCatalog catalog;
  private final MeterRegistry meters;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "storage-object-counts");
    t.setDaemon(true);
    return t;
  });

  public StorageObjectCounts(Storage storage, ResourceCatalog catalog, MeterRegistry meters) {
    this.storage = storage;
    this.catalog = catalog;
    this.meters = meters;
  }

  /** Counts now and then every {@code period} (0 = never). */
  public StorageObjectCounts start(Duration period) {
    if (!period.isZero() && !period.isNegative()) {
      timer.scheduleWithFixedDelay(this::refresh, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** One round over every stored resource (versions sharing a storage prefix are counted once). */
  public void refresh() {
    Map<String, String> prefixes = new java.util.TreeMap<>();
    for (ResourceDefinition d : catalog.all()) {
      if (!d.isVirtual()) {
        prefixes.putIfAbsent(d.groupResource(), "/registry/" + d.storagePrefix() + "/");
      }
    }
    for (var e : prefixes.entrySet()) {
      long n;
      try {
        n = storage.count(e.getValue());
      } catch (RuntimeException ex) {
        LOG.debugf("counting %s failed: %s", e.getKey(), ex.getMessage());
        n = -1;
      }
      counts.computeIfAbsent(e.getKey(), this::gauge).set(n);
    }
  }

  private AtomicLong gauge(String resource) {
    AtomicLong value = new AtomicLong();
    Gauge.builder("apiserver_storage_objects", value, AtomicLong::get)
        .description("Number of stored objects at the time of last check split by kind. In case of a fetching "
            + "error, the value will be -1.")
        .tag("resource", resource).register(meters);
    return value;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}

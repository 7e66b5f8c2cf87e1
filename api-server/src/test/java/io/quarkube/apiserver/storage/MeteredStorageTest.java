package io.quarkube.apiserver.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkube.apiserver.resource.ResourceCatalog;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MeteredStorageTest {
  private final ResourceCatalog catalog = ResourceCatalog.builtIn();

  @Test
  void keysNameTheirResourceAsUpstreamsStorageMetrics() {
    StorageTypes types = new StorageTypes(catalog);
    assertEquals("pods", types.of("/registry/pods/ns/p"));
    assertEquals("pods", types.of("/registry/pods/"));
    assertEquals("services", types.of("/registry/services/specs/ns/s"));
    assertEquals("nodes", types.of("/registry/minions/n1"));
    assertEquals("deployments.apps", types.of("/registry/deployments/ns/d"));
    assertEquals("customresourcedefinitions.apiextensions.k8s.io",
        types.of("/registry/apiextensions.k8s.io/customresourcedefinitions/x"));
    assertEquals("unknown", types.of("/registry/unknown/x"));
  }

  @Test
  void everyRequestIsTimedByOperationAndTypeWithUpstreamsBuckets() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Storage metered = new MeteredStorage(new EmptyStorage(), catalog, meters);
    metered.get("/registry/pods/ns/p");
    metered.get("/registry/pods/ns/q");
    metered.create("/registry/configmaps/ns/c", new byte[0]);
    metered.list("/registry/pods/", null, 0, 0);
    metered.count("/registry/pods/");
    assertEquals(2, meters.get("etcd_request_duration_seconds").tags("operation", "get", "type", "pods").timer()
        .count());
    assertEquals(1, meters.get("etcd_request_duration_seconds").tags("operation", "create", "type", "configmaps")
        .timer().count());
    assertEquals(1, meters.get("etcd_request_duration_seconds").tags("operation", "list", "type", "pods").timer()
        .count());
    assertEquals(1, meters.get("etcd_request_duration_seconds").tags("operation", "listWithCount", "type", "pods")
        .timer().count());
    Timer t = meters.get("etcd_request_duration_seconds").tags("operation", "get").timer();
    double[] le = Arrays.stream(t.takeSnapshot().histogramCounts()).mapToDouble(b -> b.bucket(TimeUnit.SECONDS))
        .toArray();
    assertArrayEquals(MeteredStorage.BUCKETS, le, 1e-9);
  }

  @Test
  void objectCountsPerResourceFromEtcdCounts() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    new StorageObjectCounts(new EmptyStorage() {
      @Override
      public long count(String prefix) {
        return prefix.equals("/registry/pods/") ? 7 : 0;
      }
    }, catalog, meters).refresh();
    assertEquals(7.0, meters.get("apiserver_storage_objects").tag("resource", "pods").gauge().value());
    assertEquals(0.0, meters.get("apiserver_storage_objects").tag("resource", "deployments.apps").gauge().value());
  }

  /** Answers every request with nothing. */
  private static class EmptyStorage implements Storage {
    @Override
    public long create(String key, byte[] value) {
      return 1;
    }

    @Override
    public Optional<StoredValue> get(String key) {
      return Optional.empty();
    }

    @Override
    public long update(String key, byte[] value, long expectedRevision) {
      return 1;
    }

    @Override
    public long delete(String key, long expectedRevision) {
      return 1;
    }

    @Override
    public ListResult list(String prefix, String startAfter, long revision, long limit) {
      return new ListResult(List.of(), 1, false, 0);
    }

    @Override
    public long count(String prefix) {
      return 0;
    }

    @Override
    public long currentRevision() {
      return 1;
    }

    @Override
    public StorageWatch watch(String prefix, long afterRevision, StorageWatchListener listener) {
      return () -> {};
    }

    @Override
    public void close() {}
  }
}

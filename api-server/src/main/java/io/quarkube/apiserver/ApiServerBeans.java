package io.quarkube.apiserver;

import io.quarkube.apiserver.endpoints.BodyDecoder;
import io.quarkube.apiserver.endpoints.ProtobufBodies;
import io.quarkube.apiserver.endpoints.Responses;
import io.quarkube.apiserver.registry.Registry;
import io.quarkube.apiserver.registry.core.ServiceAllocations;
import io.quarkube.apiserver.registry.core.ServiceRange;
import io.quarkube.apiserver.table.TableConverter;
import io.quarkube.apiserver.resource.ResourceCatalog;
import io.quarkube.apiserver.storage.Compactor;
import io.quarkube.apiserver.storage.EncryptionAtRest;
import io.quarkube.apiserver.storage.EtcdStorage;
import io.quarkube.apiserver.storage.MeteredStorage;
import io.quarkube.apiserver.storage.StorageObjectCounts;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import io.quarkube.apiserver.storage.Storage;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Wires storage, catalog and registry together once per process. */
@ApplicationScoped
public class ApiServerBeans {
  private static final Logger LOG = Logger.getLogger(ApiServerBeans.class);

  /** Typed as itself only: injection points asking for {@link Storage} get the decorated one below. */
  @Produces
  @Singleton
  @Typed(EtcdStorage.class)
  EtcdStorage etcd(ApiServerConfig config) {
    LOG.infof("storage: etcd at %s", config.etcd().endpoints());
    return new EtcdStorage(config.etcd().endpoints().toArray(String[]::new));
  }

  void closeEtcd(@Disposes EtcdStorage etcd) {
    etcd.close();
  }

  /** The registry's storage: etcd, with the kinds that encryption at rest covers encrypted on their way in. */
  @Produces
  @Singleton
  Storage storage(EtcdStorage etcd, ResourceCatalog catalog, MeterRegistry meters) {
    return new MeteredStorage(EncryptionAtRest.decorate(etcd, catalog), catalog, meters);
  }

  /** apiserver_storage_objects, counted every minute from the process's start (nothing injects it). */
  @Produces
  @Singleton
  @Startup
  StorageObjectCounts storageObjectCounts(Storage storage, ResourceCatalog catalog, MeterRegistry meters,
      @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkube.etcd.count-metric-poll-period",
          defaultValue = "1m") Duration period) {
    return new StorageObjectCounts(storage, catalog, meters).start(period);
  }

  void closeStorageObjectCounts(@Disposes StorageObjectCounts counts) {
    counts.close();
  }

  /** Started with the process, as nothing injects it; a tick meeting etcd closed at shutdown is skipped. */
  @Produces
  @Singleton
  @Startup
  Compactor compactor(EtcdStorage etcd, ApiServerConfig config) {
    return new Compactor(etcd).start(config.etcd().compactionInterval());
  }

  void closeCompactor(@Disposes Compactor compactor) {
    compactor.close();
  }

  @Produces
  @Singleton
  ResourceCatalog catalog() {
    return ResourceCatalog.builtIn();
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  Responses responses(Clock clock) {
    return new Responses(new TableConverter(), clock);
  }

  @Produces
  @Singleton
  BodyDecoder bodyDecoder() {
    return new BodyDecoder(new ProtobufBodies());
  }

  @Produces
  @Singleton
  Registry registry(ResourceCatalog catalog, Storage storage, Clock clock, ServiceAllocations allocations,
      MeterRegistry meters) {
    Registry registry = new Registry(catalog, storage, clock);
    registry.bindMetrics(meters);
    registry.services().setHooks(allocations);
    return registry;
  }

  @Produces
  @Singleton
  ServiceAllocations serviceAllocations(Storage storage, ApiServerConfig config) {
    return new ServiceAllocations(storage, ServiceRange.parse(config.serviceClusterIpRange()));
  }

  @Produces
  @Singleton
  AdvertiseAddress advertiseAddress(ApiServerConfig config,
      @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.ssl-port", defaultValue = "6443")
      int port) {
    return AdvertiseAddress.of(config.advertiseAddress(), port);
  }
}

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
import io.quarkube.apiserver.storage.Storage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Wires storage, catalog and registry together once per process. */
@ApplicationScoped
public class ApiServerBeans {
  private static final Logger LOG = Logger.getLogger(ApiServerBeans.class);

  private Compactor compactor;

  @Produces
  @Singleton
  Storage storage(ApiServerConfig config, ResourceCatalog catalog) {
    LOG.infof("storage: etcd at %s", config.etcd().endpoints());
    EtcdStorage etcd = new EtcdStorage(config.etcd().endpoints().toArray(String[]::new));
    compactor = new Compactor(etcd::currentRevision, etcd::compact).start(config.etcd().compactionInterval());
    return EncryptionAtRest.decorate(etcd, catalog);
  }

  void closeStorage(@Disposes Storage storage) {
    if (compactor != null) {
      compactor.close();
    }
    storage.close();
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
  Registry registry(ResourceCatalog catalog, Storage storage, Clock clock, ServiceAllocations allocations) {
    Registry registry = new Registry(catalog, storage, clock);
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
